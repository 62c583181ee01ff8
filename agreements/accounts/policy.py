"""Who may manage user accounts and organisations' memberships."""

from agreements.accounts.models import MembershipRole
from agreements.core.access import can_administer


def can_edit_user(user, other) -> bool:
    """National administrators manage every user's account, memberships and networks."""
    return can_administer(user)


def can_administer_organisation(user, organisation) -> bool:
    """National administrators and the organisation's own administrators manage its memberships."""
    return can_administer(user) or (
        user.is_authenticated and organisation.id in user.organisation_ids(MembershipRole.ADMIN)
    )
