"""Who may read a notification."""


def can_view_notification(user, notification) -> bool:
    """Notifications are private: only the person notified sees and opens one, administrators included."""
    return user.is_authenticated and notification.user_id == user.id
