"""Who may see the dashboard, and who may see and act on who in their regions has signed a commitment."""

from agreements.organisations.coverage import coordinates_any
from agreements.signatures.models import SignatureRequest
from agreements.signatures.policy import can_manage_signature_request
from agreements.signatures.queries import pending_request
from agreements.templates_lib.models import TemplateKind


def can_view_dashboard(user) -> bool:
    """Coordinators see their networks' figures; administrators the whole country's."""
    return user.is_authenticated and (user.is_admin or user.is_coordinator)


def can_view_who_signed(user, agreement) -> bool:
    """A commitment's signers: for coordinators of a network covering a party, and administrators."""
    if not can_view_dashboard(user) or agreement.kind != TemplateKind.COMMITMENT:
        return False
    return user.is_admin or coordinates_any(user, [party.id for party in agreement.parties])


def open_joining_request(agreement) -> SignatureRequest | None:
    """The commitment's request open for joining, if any."""
    request = pending_request(agreement)
    return request if request is not None and request.is_accession else None


def can_invite_not_invited(user, agreement) -> bool:
    """Those who see the list and run the commitment's open joining invite the rest of their regions."""
    if not can_view_who_signed(user, agreement):
        return False
    request = open_joining_request(agreement)
    return request is not None and can_manage_signature_request(user, request)
