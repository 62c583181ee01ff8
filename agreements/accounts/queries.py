"""Read models of accounts: the people of organisations."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache

from flask import g, has_request_context
from sqlalchemy import ColumnElement, ScalarSelect, Select, bindparam, select
from sqlalchemy.orm import joinedload, lazyload

from agreements.accounts.models import Membership, MembershipRole, User, coordinator_networks
from agreements.extensions import db
from agreements.organisations.signals import network_coordinators, organisation_members

#: Loader options for users whose memberships and networks will not be looked at: loaded on first use.
USERS_ALONE = (lazyload(User.memberships), lazyload(User.coordinated_networks))


#: Figures about the logged-in user that every page shows (the navigation's unread notifications), read in
#: the user loader's own query: name → a scalar subquery of the users.id column. Higher packages add theirs;
#: the values land in ``g.user_figures`` for the request.
USER_FIGURES: dict[str, Callable[[ColumnElement], ScalarSelect]] = {}


def user_with_roles(user_id: int) -> User | None:
    """The user with their memberships (and organisations), coordinated networks and USER_FIGURES, read in
    one query: the user loader's, on every request, where loading each would take a query of its own."""
    names = tuple(USER_FIGURES)
    row = db.session.execute(_user_query(names), {"user_id": user_id}).unique().one_or_none()
    if row is None:
        return None
    if has_request_context():
        g.user_figures = dict(zip(names, row[1:], strict=True))
    return row[0]


@cache
def _user_query(names: tuple[str, ...]) -> Select:
    """The user loader's statement with the figures ``names``, built once per process: SQLAlchemy computes
    a statement's cache key once per statement object, and this one's cost more than the query."""
    figures = [USER_FIGURES[name](User.id).label(name) for name in names]
    query = select(User, *figures).where(User.id == bindparam("user_id"))
    return query.options(joinedload(User.memberships), joinedload(User.coordinated_networks))


def active_members(organisation_ids: Iterable[int], *roles: MembershipRole) -> list[User]:
    """Active users with a membership (in one of ``roles``, when given) in any of the organisations."""
    ids = set(organisation_ids)
    return list(db.session.scalars(_members_query(ids, roles, User))) if ids else []


def members_by_organisation(organisations, *roles: MembershipRole) -> dict[int, list[User]]:
    """Each organisation's active members (in one of ``roles``, when given), read in one query.

    ``organisations`` is ids or a query of them. The users' memberships and networks are left to load on
    first use: the jobs that ask for many users do not look at them.
    """
    query = _members_query(organisations, roles, Membership.organisation_id, User).options(*USERS_ALONE)
    members = defaultdict(list)
    for organisation_id, user in db.session.execute(query):
        members[organisation_id].append(user)
    return members


def _members_query(organisations, roles: tuple[MembershipRole, ...], *columns):
    """``columns`` of the organisations' active members (in one of ``roles``, when given), once each."""
    query = (
        select(*columns)
        .select_from(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.organisation_id.in_(organisations), User.active)
    )
    if roles:
        query = query.where(Membership.role.in_(roles))
    return query.distinct().order_by(User.id)


@organisation_members.connect
def memberships_of(organisation) -> list[Membership]:
    """The organisation's memberships with their users, sorted by name and then role."""
    query = (
        select(Membership)
        .join(Membership.user)
        .where(Membership.organisation_id == organisation.id)
        .order_by(User.name, Membership.role)
    )
    return list(db.session.scalars(query))


@network_coordinators.connect
def coordinators_of(network) -> list[User]:
    """Users assigned as coordinators of ``network``, by name."""
    query = (
        select(User)
        .join(coordinator_networks, coordinator_networks.c.user_id == User.id)
        .where(coordinator_networks.c.network_id == network.id)
        .order_by(User.name)
    )
    return list(db.session.scalars(query))
