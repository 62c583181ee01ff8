"""Who may manage user accounts."""

from agreements.core.access import can_administer


def can_edit_user(user, other) -> bool:
    """National administrators manage every user's account, memberships and networks."""
    return can_administer(user)
