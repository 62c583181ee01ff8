"""Read models of accounts: the people of organisations."""

from collections.abc import Iterable

from sqlalchemy import select

from agreements.accounts.models import Membership, MembershipRole, User
from agreements.extensions import db


def active_members(organisation_ids: Iterable[int], *roles: MembershipRole) -> list[User]:
    """Active users with a membership (in one of ``roles``, when given) in any of the organisations."""
    ids = set(organisation_ids)
    if not ids:
        return []
    query = select(User).join(Membership).where(Membership.organisation_id.in_(ids), User.active)
    if roles:
        query = query.where(Membership.role.in_(roles))
    return list(db.session.scalars(query.distinct().order_by(User.id)))
