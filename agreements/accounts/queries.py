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


def editors_by_organisation(organisation_ids: Iterable[int]) -> dict[int, list[User]]:
    """Each organisation's active editors, read in one query."""
    ids = set(organisation_ids)
    editors = {organisation_id: [] for organisation_id in ids}
    if ids:
        query = (
            select(Membership.organisation_id, User)
            .join(User, Membership.user_id == User.id)
            .where(Membership.organisation_id.in_(ids), Membership.role == MembershipRole.EDITOR, User.active)
            .order_by(User.id)
        )
        for organisation_id, user in db.session.execute(query):
            editors[organisation_id].append(user)
    return editors
