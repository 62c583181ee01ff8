"""Read models of an organisation's members: the searchable list, a member's roles, its administrators."""

from sqlalchemy import Select, func, or_, select

from agreements.accounts.models import Membership, MembershipRole, User
from agreements.extensions import db

#: The order roles are listed in: the order they are declared in.
ROLE_ORDER = list(MembershipRole)


def members_query(organisation, search: str = "") -> Select:
    """Users with a role in ``organisation`` whose name or e-mail contains ``search``, by name."""
    query = (
        select(User)
        .where(User.memberships.any(Membership.organisation_id == organisation.id))
        .order_by(User.name, User.id)
    )
    if search:
        query = query.where(
            or_(User.name.icontains(search, autoescape=True), User.email.icontains(search, autoescape=True))
        )
    return query


def memberships_in(user: User, organisation) -> list[Membership]:
    """The user's memberships in ``organisation``, in role order."""
    found = [m for m in user.memberships if m.organisation_id == organisation.id]
    return sorted(found, key=lambda membership: ROLE_ORDER.index(membership.role))


def roles_in(user: User, organisation) -> list[MembershipRole]:
    """The user's roles in ``organisation``, in role order."""
    return [membership.role for membership in memberships_in(user, organisation)]


def other_administrators(organisation, user: User) -> int:
    """How many active users besides ``user`` are administrators of ``organisation``."""
    return db.session.scalar(
        select(func.count(func.distinct(Membership.user_id)))
        .join(User, Membership.user_id == User.id)
        .where(
            Membership.organisation_id == organisation.id,
            Membership.role == MembershipRole.ADMIN,
            Membership.user_id != user.id,
            User.active,
        )
    )
