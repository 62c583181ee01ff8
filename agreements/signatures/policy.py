"""Who may send an agreement for signature, run a commitment's joining, follow a request, and sign."""

from agreements.core.errors import OperationRefused
from agreements.drafting.policy import can_manage_agreement, can_view_agreement
from agreements.signatures.certificate import has_certificate
from agreements.signatures.operations import ensure_sendable
from agreements.templates_lib.models import TemplateKind


def can_run_signing(user, agreement) -> bool:
    """Editors of the drafting workshop; a commitment's joining also the national administrators."""
    if can_manage_agreement(user, agreement):
        return True
    commitment = agreement.kind == TemplateKind.COMMITMENT
    return user.is_authenticated and user.is_admin and commitment


def can_send_for_signature(user, agreement) -> bool:
    """Those who run the signing send a draft (or a commitment's revised version) when it can be sent."""
    if not can_run_signing(user, agreement):
        return False
    try:
        ensure_sendable(agreement)
    except OperationRefused:
        return False
    return True


def can_view_signature_request(user, request) -> bool:
    """Readers of the agreement and every signatory asked on the request see it and its documents."""
    if not user.is_authenticated:
        return False
    return can_view_agreement(user, request.agreement) or any(
        s.signatory_id == user.id for s in request.signatures
    )


def can_manage_signature_request(user, request) -> bool:
    """Those who run the signing withdraw or close a request, invite, replace and remind signers."""
    return can_run_signing(user, request.agreement)


def can_manage_signing_party(user, party) -> bool:
    """Those who run the signing withdraw an organisation's invitation."""
    return can_manage_signature_request(user, party.request)


def can_view_signature(user, signature) -> bool:
    """A signature is reachable for those who see its request."""
    return can_view_signature_request(user, signature.request)


def can_sign(user, signature) -> bool:
    """Only the person asked to sign for a party signs or declines for it."""
    return user.is_authenticated and signature.signatory_id == user.id


def can_manage_signature(user, signature) -> bool:
    """Editors of the drafting workshop record a party's signature on paper."""
    return can_manage_signature_request(user, signature.request)


def can_view_certificate(user, request) -> bool:
    """The certificate exists once every party has signed (a commitment: once one joined), for its readers."""
    return has_certificate(request) and can_view_signature_request(user, request)
