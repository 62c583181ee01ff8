"""Read models of user administration: the user list's search, pending invitations, a user's audit trail."""

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import aliased

from agreements.accounts.admin.forms import ADMIN_ROLE, COORDINATOR_ROLE, UserState
from agreements.accounts.models import Membership, MembershipRole, User
from agreements.core.audit import AuditEvent
from agreements.extensions import db

#: Which users are in each state.
STATE_CONDITIONS = {
    UserState.ACTIVE: and_(User.active, User.password_hash.is_not(None)),
    UserState.PENDING: and_(User.active, User.password_hash.is_(None)),
    UserState.DEACTIVATED: ~User.active,
}


def user_query(filters: dict) -> Select:
    """Users matching the list's search text, organisation, role and state, by name."""
    query = select(User).order_by(User.name, User.id)
    if filters["q"]:
        text = filters["q"]
        query = query.where(
            or_(User.name.icontains(text, autoescape=True), User.email.icontains(text, autoescape=True))
        )
    membership_conditions = []
    if filters["organisation"]:
        membership_conditions.append(Membership.organisation_id == filters["organisation"])
    if filters["role"] == ADMIN_ROLE:
        query = query.where(User.is_admin)
    elif filters["role"] == COORDINATOR_ROLE:
        query = query.where(User.coordinated_networks.any())
    elif filters["role"]:
        membership_conditions.append(Membership.role == MembershipRole(filters["role"]))
    if membership_conditions:
        query = query.where(User.memberships.any(and_(*membership_conditions)))
    if filters["state"]:
        query = query.where(STATE_CONDITIONS[UserState(filters["state"])])
    return query


def pending_invitations() -> Select:
    """Users invited who have not set a password yet, the latest invitation first."""
    return (
        select(User)
        .where(STATE_CONDITIONS[UserState.PENDING])
        .order_by(User.invited_at.desc().nulls_last(), User.id.desc())
    )


def inviter_names(users: list[User]) -> dict[int, str]:
    """The names of the people who invited ``users``, by id."""
    inviter_ids = {user.invited_by_id for user in users} - {None}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(inviter_ids))).all())


def audit_trail(user: User, length: int) -> list:
    """The latest ``length`` events whose object is this user, with the name of whoever acted."""
    actor = aliased(User)
    query = (
        select(AuditEvent, actor.name)
        .outerjoin(actor, AuditEvent.actor_id == actor.id)
        .where(AuditEvent.object_type == User.__tablename__, AuditEvent.object_id == user.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(length)
    )
    return db.session.execute(query).all()
