"""Who may send an agreement for signature, follow a request, and sign."""

from agreements.drafting.models import AgreementStatus
from agreements.drafting.policy import can_manage_agreement, can_view_agreement
from agreements.signatures.models import RequestStatus


def can_send_for_signature(user, agreement) -> bool:
    """Editors of the owner workshop send a draft for signature."""
    return can_manage_agreement(user, agreement) and agreement.status == AgreementStatus.DRAFT


def can_view_signature_request(user, request) -> bool:
    """Readers of the agreement and every signatory asked on the request see it and its documents."""
    if not user.is_authenticated:
        return False
    return can_view_agreement(user, request.agreement) or any(
        s.signatory_id == user.id for s in request.signatures
    )


def can_manage_signature_request(user, request) -> bool:
    """Editors of the drafting workshop withdraw a request and upload paper copies for it."""
    return can_manage_agreement(user, request.agreement)


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
    """The certificate of completion exists once every party has signed, for those who see the request."""
    return request.status == RequestStatus.COMPLETED and can_view_signature_request(user, request)
