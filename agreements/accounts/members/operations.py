"""State changes of an organisation's memberships made from its members page: add a person, change a
member's roles, remove a member.

Each operation checks that ``actor`` administers the organisation and that the change is possible now,
raises OperationRefused otherwise, and leaves the work to the membership and invitation operations, which
flush and append an audit event on the user (``membership.add``, ``membership.remove``, ``user.invite``).
Nothing here touches an account itself, the national administrator flag or coordinated networks.
"""

from collections.abc import Iterable

from flask_babel import gettext as _

from agreements.accounts.admin.operations import add_membership, remove_membership
from agreements.accounts.members.queries import ROLE_ORDER, memberships_in, other_administrators, roles_in
from agreements.accounts.models import MembershipRole, User
from agreements.accounts.operations import find_user_by_email, invite_user
from agreements.accounts.policy import can_administer_organisation
from agreements.core.access import can_administer
from agreements.core.errors import OperationRefused
from agreements.extensions import db


def add_member(organisation, actor: User, email: str, roles: Iterable, name: str | None = None, locale="fi"):
    """Give a person roles in the organisation: an account gets them at once, a new address is invited.

    Returns the user and whether they were invited.
    """
    _require_administrator(actor, organisation)
    _require_active(organisation)
    chosen = _chosen(roles)
    user = find_user_by_email(email)
    invited = user is None
    if invited:
        user = _invite(organisation, actor, email, name, locale)
    else:
        _require_newcomer(user, organisation)
    for role in chosen:
        add_membership(user, organisation, role)
    return user, invited


def change_roles(organisation, actor: User, member: User, roles: Iterable) -> bool:
    """Give a member exactly ``roles`` in the organisation; False when they already had them."""
    _require_administrator(actor, organisation)
    current = {membership.role: membership for membership in _memberships_of(member, organisation)}
    chosen = _chosen(roles)
    added = [role for role in chosen if role not in current]
    removed = [membership for role, membership in current.items() if role not in chosen]
    if added:
        _require_active(organisation)
    if _administrator_among(removed):
        _keep_an_administrator(organisation, actor, member)
    for role in added:
        add_membership(member, organisation, role)
    for membership in removed:
        remove_membership(membership)
    return bool(added or removed)


def remove_member(organisation, actor: User, member: User) -> None:
    """Take every role in the organisation away from a member; their account and other memberships stay."""
    _require_administrator(actor, organisation)
    memberships = _memberships_of(member, organisation)
    if _administrator_among(memberships):
        _keep_an_administrator(organisation, actor, member)
    for membership in memberships:
        remove_membership(membership)


def _require_administrator(actor: User, organisation) -> None:
    if not can_administer_organisation(actor, organisation):
        raise OperationRefused(
            _("You cannot manage the members of %(organisation)s.", organisation=organisation.name)
        )


def _require_active(organisation) -> None:
    if not organisation.active:
        raise OperationRefused(
            _(
                "%(organisation)s is inactive: nobody can be added to it or given a new role in it.",
                organisation=organisation.name,
            )
        )


def _chosen(roles: Iterable) -> list[MembershipRole]:
    """The distinct roles chosen, in role order; at least one."""
    chosen = {MembershipRole(role) for role in roles}
    if not chosen:
        raise OperationRefused(_("Choose at least one role."), "roles")
    return sorted(chosen, key=ROLE_ORDER.index)


def _invite(organisation, actor: User, email: str, name: str | None, locale) -> User:
    """Invite a person nobody knows yet, as the national administrators' invitation does."""
    if not (name or "").strip():
        raise OperationRefused(
            _("No account has this address yet: give the person's name, and they will be invited."), "name"
        )
    return invite_user(email, name, locale, invited_by=actor, organisation=organisation)


def _require_newcomer(user: User, organisation) -> None:
    """An account can be added when it is in use and not a member already."""
    if not user.active:
        raise OperationRefused(
            _(
                "The account of %(email)s is deactivated. A national administrator can reactivate it.",
                email=user.email,
            ),
            "email",
        )
    if roles_in(user, organisation):
        raise OperationRefused(
            _(
                "%(name)s is already a member of %(organisation)s. Change their roles in the member list.",
                name=user.name,
                organisation=organisation.name,
            ),
            "email",
        )


def _memberships_of(member: User, organisation) -> list:
    """The member's memberships in the organisation; refused when there are none."""
    memberships = memberships_in(member, organisation)
    if not memberships:
        raise OperationRefused(
            _(
                "%(name)s is not a member of %(organisation)s.",
                name=member.name,
                organisation=organisation.name,
            )
        )
    return memberships


def _administrator_among(memberships: list) -> bool:
    return any(membership.role == MembershipRole.ADMIN for membership in memberships)


def _keep_an_administrator(organisation, actor: User, leaving: User) -> None:
    """Refuse to leave the organisation without an active administrator, unless a national administrator
    does it; concurrent changes to one organisation's administrators queue on its row."""
    if can_administer(actor):
        return
    db.session.refresh(organisation, with_for_update=True)
    if not other_administrators(organisation, leaving):
        raise OperationRefused(
            _(
                "%(organisation)s must keep at least one organisation administrator. "
                "Make another member its administrator first.",
                organisation=organisation.name,
            )
        )
