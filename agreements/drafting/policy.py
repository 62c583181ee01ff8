"""Who may draft, read, edit and cancel agreements; and the refusal of an operation by anyone else."""

from flask_babel import gettext as _

from agreements.accounts.models import MembershipRole
from agreements.core.errors import OperationRefused
from agreements.drafting import lifecycle
from agreements.drafting.models import AgreementStatus
from agreements.organisations.coverage import coordinates_any
from agreements.organisations.models import OrganisationKind


def drafting_workshops(user) -> list:
    """Active workshops in which the user is an editor, i.e. for which they may draft agreements."""
    workshops = {
        m.organisation
        for m in user.memberships
        if m.role == MembershipRole.EDITOR
        and m.organisation.kind == OrganisationKind.WORKSHOP
        and m.organisation.active
    }
    return sorted(workshops, key=lambda organisation: organisation.name)


def can_create_agreement(user) -> bool:
    """Editors of an active workshop draft new agreements."""
    return user.is_authenticated and bool(drafting_workshops(user))


def can_view_agreement(user, agreement) -> bool:
    """Members of any party, coordinators of a network covering a party, and administrators read it."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    party_ids = {party.id for party in agreement.parties}
    return bool(party_ids & set(user.organisation_ids())) or coordinates_any(user, party_ids)


def can_manage_agreement(user, agreement) -> bool:
    """Editors of the owner workshop act on the agreement; its status decides which actions succeed."""
    return user.is_authenticated and agreement.owner_id in user.organisation_ids(MembershipRole.EDITOR)


def can_edit_agreement(user, agreement) -> bool:
    """Editors of the owner workshop edit the agreement while its status allows it (see is_editable)."""
    return can_manage_agreement(user, agreement) and lifecycle.is_editable(agreement)


def can_cancel(user, agreement) -> bool:
    """Editors of the owner workshop cancel an agreement while it is a draft or out for comments."""
    return can_manage_agreement(user, agreement) and lifecycle.can_move(agreement, AgreementStatus.CANCELLED)


def require_manager(user, agreement) -> None:
    """Refuse an operation on the agreement (409) by anyone but an editor of its owner workshop."""
    if user is None or not can_manage_agreement(user, agreement):
        raise OperationRefused(_("Only editors of the drafting organisation can do this."))


def can_register_agreements(user) -> bool:
    """Editors of an active workshop and national administrators register agreements signed elsewhere."""
    return user.is_authenticated and (user.is_admin or bool(drafting_workshops(user)))


def can_register_for(user, owner) -> bool:
    """Whether the user may register an agreement of ``owner``: an editor of it, or an administrator."""
    if not user.is_authenticated or owner.kind != OrganisationKind.WORKSHOP:
        return False
    return user.is_admin or owner.id in user.organisation_ids(MembershipRole.EDITOR)


def can_view_registration(user, agreement) -> bool:
    """The registered documents are read by whoever reads the agreement."""
    return agreement.registration is not None and can_view_agreement(user, agreement)
