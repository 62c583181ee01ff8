"""State changes of the user administration: account details, memberships, networks, (de)activation.

Each operation checks the current state, raises OperationRefused when the change is not possible,
flushes and appends an audit event on the user; the view commits once.
"""

from flask_babel import gettext as _

from agreements.accounts.models import Membership, MembershipRole, UILanguage, User
from agreements.accounts.operations import find_user_by_email
from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation


def email_taken(email: str, except_user: User | None = None) -> bool:
    """True when another account already uses ``email``, compared regardless of case."""
    owner = find_user_by_email(email)
    return owner is not None and owner is not except_user


def update_user(user: User, actor: User, name: str, email: str, locale: UILanguage, is_admin: bool) -> None:
    """Change a user's name, e-mail, interface language and administrator flag."""
    if user.id == actor.id and not is_admin:
        raise OperationRefused(_("You cannot remove your own administrator rights."), "is_admin")
    email = User.normalise_email(email)
    if email_taken(email, except_user=user):
        raise OperationRefused(_("Another user already has this e-mail address."), "email")
    new_values = {"name": name.strip(), "email": email, "locale": UILanguage(locale), "is_admin": is_admin}
    changes = {
        field: [str(getattr(user, field)), str(value)]
        for field, value in new_values.items()
        if getattr(user, field) != value
    }
    for field, value in new_values.items():
        setattr(user, field, value)
    db.session.flush()
    if changes:
        record("user.update", user, {"changes": changes})


def add_membership(user: User, organisation: Organisation, role: MembershipRole) -> Membership:
    """Give a user a role in an organisation; the same role twice is refused."""
    if any(m.organisation_id == organisation.id and m.role == role for m in user.memberships):
        raise OperationRefused(_("The user already has this role in this organisation."), "role")
    membership = Membership(organisation=organisation, role=role)
    user.memberships.append(membership)
    db.session.flush()
    record("membership.add", user, _membership_details(membership))
    return membership


def remove_membership(membership: Membership) -> None:
    """Take a role in an organisation away from its user."""
    user = membership.user
    details = _membership_details(membership)
    user.memberships.remove(membership)
    db.session.flush()
    record("membership.remove", user, details)


def _membership_details(membership: Membership) -> dict:
    return {
        "membership_id": membership.id,
        "organisation_id": membership.organisation.id,
        "organisation": membership.organisation.name,
        "role": membership.role.value,
    }


def set_coordinator_networks(user: User, networks: list[Network]) -> None:
    """Make the user coordinator of exactly these networks."""
    before = {network.id: network.name for network in user.coordinated_networks}
    after = {network.id: network.name for network in networks}
    if before == after:
        return
    user.coordinated_networks = sorted(networks, key=lambda network: network.name)
    db.session.flush()
    record(
        "user.coordinator_networks",
        user,
        {
            "added": sorted(name for id_, name in after.items() if id_ not in before),
            "removed": sorted(name for id_, name in before.items() if id_ not in after),
        },
    )


def deactivate_user(user: User, actor: User) -> None:
    """Switch an account off: the user can no longer log in; data and memberships stay."""
    if user.id == actor.id:
        raise OperationRefused(_("You cannot deactivate your own account."))
    _switch_active(user, False, _("The user is already deactivated."))


def reactivate_user(user: User) -> None:
    """Switch a deactivated account back on."""
    _switch_active(user, True, _("The user is already active."))


def _switch_active(user: User, active: bool, refusal: str) -> None:
    if user.active == active:
        raise OperationRefused(refusal)
    user.active = active
    db.session.flush()
    record("user.reactivate" if active else "user.deactivate", user)
