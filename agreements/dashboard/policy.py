"""Who may see the dashboard."""


def can_view_dashboard(user) -> bool:
    """Coordinators see their networks' figures; administrators the whole country's."""
    return user.is_authenticated and (user.is_admin or user.is_coordinator)
