"""Signing: send a frozen version for signature, sign or decline with evidence, upload a paper copy,
withdraw a request, and void it when the agreement is edited.

Sending stores the rendered document and its SHA-256 on the request, so every signatory signs the same
bytes. The agreement becomes signed when the last party signs; a decline, a withdrawal or an edit ends the
request and returns the agreement to draft. Every step appends an audit event to the agreement's chain.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from agreements.accounts.models import MembershipRole, User
from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import utcnow
from agreements.drafting import lifecycle, signals
from agreements.drafting.documents import version_document, version_pdf
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.drafting.policy import require_manager
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.signatures import notifications
from agreements.signatures.consent import CONSENT_VERSION, consent_sha256
from agreements.signatures.models import (
    RequestStatus,
    Signature,
    SignatureMethod,
    SignatureRequest,
    SignatureStatus,
    SigningOrder,
)
from agreements.signatures.queries import awaiting, pending_request, why_not_now
from agreements.signatures.uploads import check_pdf
from agreements.templates_lib.rendering import PdfUnavailable

#: The role recorded for a signatory who was invited by e-mail rather than a member signatory.
INVITED_SIGNATORY = "invited"


def sha256(data: bytes) -> str:
    """The hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def is_member_signatory(user: User, organisation: Organisation) -> bool:
    """True for an active user with the signatory role in the organisation."""
    return user.active and organisation.id in user.organisation_ids(MembershipRole.SIGNATORY)


def _check_signatories(agreement: Agreement, signatories: list[tuple[Organisation, User]]) -> None:
    """One signatory for each party, each an active member signatory of it or a person invited for it."""
    chosen = [organisation.id for organisation, _user in signatories]
    if sorted(chosen) != sorted(party.id for party in agreement.parties):
        raise OperationRefused(_("Choose one signatory for each party."))
    for organisation, user in signatories:
        if not user.active:
            raise OperationRefused(_("%(name)s cannot sign: the account is deactivated.", name=user.name))
        if not (
            is_member_signatory(user, organisation)
            or _invited_for_signing(user)
            or _asked_before(user, organisation, agreement)
        ):
            raise OperationRefused(
                _(
                    "%(name)s is not a signatory of %(organisation)s.",
                    name=user.name,
                    organisation=organisation.name,
                )
            )


def _invited_for_signing(user: User) -> bool:
    """A person invited by e-mail to sign: an account without memberships whose password is not set yet."""
    return not user.memberships and not user.password_hash and user.invited_at is not None


def _asked_before(user: User, organisation: Organisation, agreement: Agreement) -> bool:
    """True when an earlier request of this agreement asked the person to sign for this organisation."""
    query = (
        db.select(Signature.id)
        .join(SignatureRequest)
        .where(
            SignatureRequest.agreement_id == agreement.id,
            Signature.organisation_id == organisation.id,
            Signature.signatory_id == user.id,
        )
        .limit(1)
    )
    return db.session.scalar(query) is not None


def _frozen_documents(agreement: Agreement) -> dict:
    """The latest version's .docx, and its PDF when configured and LibreOffice can make one, with hashes."""
    version = agreement.latest_version
    docx = version_document(version)
    pdf = None
    if current_app.config["SIGNATURE_PDF"]:
        try:
            pdf = version_pdf(version)
        except PdfUnavailable:
            current_app.logger.warning("%s was sent for signature without a PDF", agreement.reference)
    return {
        "version": version,
        "docx": docx,
        "docx_sha256": sha256(docx),
        "pdf": pdf,
        "pdf_sha256": sha256(pdf) if pdf is not None else None,
    }


def ensure_sendable(agreement: Agreement) -> None:
    """Refuse with the reason unless the agreement is a draft, which can be sent for signature."""
    lifecycle.ensure_allowed(agreement, AgreementStatus.AWAITING_SIGNATURES, "send_for_signature")


def send_for_signature(
    agreement: Agreement,
    sent_by: User,
    signatories: list[tuple[Organisation, User]],
    order: SigningOrder,
    message: str = "",
    now: datetime | None = None,
) -> SignatureRequest:
    """Freeze the latest version and ask a signatory of each party to sign it, in ``signatories`` order."""
    require_manager(sent_by, agreement)
    ensure_sendable(agreement)
    _check_signatories(agreement, signatories)
    request = SignatureRequest(
        agreement=agreement,
        sent_by=sent_by,
        sent_at=now or utcnow(),
        message=(message or "").strip(),
        order=SigningOrder(order),
        signatures=[
            Signature(organisation=organisation, signatory=user, position=position)
            for position, (organisation, user) in enumerate(signatories, start=1)
        ],
        **_frozen_documents(agreement),
    )
    db.session.add(request)
    lifecycle.send_for_signature(agreement, sent_by)
    details = {
        "version": request.version.number,
        "docx_sha256": request.docx_sha256,
        "pdf_sha256": request.pdf_sha256,
    }
    record("signature_request.send", request, details, actor=sent_by)
    notifications.notify_turn(request, awaiting(request), sent_by)
    return request


def require_turn(signature: Signature) -> None:
    """Refuse with the reason unless the signature may be given (or declined) now."""
    reason = why_not_now(signature)
    if reason:
        raise OperationRefused(reason)


@dataclass(frozen=True)
class Evidence:
    """Where a signature came from: the request's address and browser."""

    ip: str | None
    user_agent: str | None


def _same_name(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def sign(
    signature: Signature,
    user: User,
    password: str,
    typed_name: str,
    consent_given: bool,
    language: str,
    evidence: Evidence,
    now: datetime | None = None,
) -> None:
    """Sign for a party: the named signatory, a fresh password, their typed name and the accepted consent."""
    if signature.signatory_id != user.id:
        raise OperationRefused(_("Only the person asked to sign for this party can sign."))
    require_turn(signature)
    if not user.check_password(password or ""):
        raise OperationRefused(_("The password is not correct. Enter your password to sign."), "password")
    if not _same_name(typed_name or "", user.name):
        message = _("Type your name as it is on your account: %(name)s.", name=user.name)
        raise OperationRefused(message, "typed_name")
    if not consent_given:
        raise OperationRefused(_("Accept the terms of electronic signing to sign."), "consent")
    request = signature.request
    signature.status = SignatureStatus.SIGNED
    signature.signed_at = now or utcnow()
    signature.method = SignatureMethod.ELECTRONIC
    signature.typed_name = " ".join(typed_name.split())
    signature.signer_role = _role(user, signature.organisation)
    signature.consent_version = CONSENT_VERSION
    signature.consent_sha256 = consent_sha256(language)
    signature.document_sha256 = request.docx_sha256
    signature.ip = evidence.ip
    signature.user_agent = (evidence.user_agent or "")[:400] or None
    db.session.flush()
    record("signature.sign", signature, _evidence_details(signature, language), actor=user)
    _after_signature(signature, user)


def _role(user: User, organisation: Organisation) -> str:
    if is_member_signatory(user, organisation):
        return MembershipRole.SIGNATORY.value
    return INVITED_SIGNATORY


def _evidence_details(signature: Signature, language: str) -> dict:
    return {
        "organisation": signature.organisation_id,
        "signatory": signature.signatory_id,
        "role": signature.signer_role,
        "method": signature.method.value,
        "signed_at": signature.signed_at.isoformat(),
        "document_sha256": signature.document_sha256,
        "consent_version": signature.consent_version,
        "consent_language": language,
        "consent_sha256": signature.consent_sha256,
        "ip": signature.ip,
        "user_agent": signature.user_agent,
    }


def _after_signature(signature: Signature, actor: User) -> None:
    """Complete the request after the last signature; otherwise tell the drafter and whoever is next."""
    request = signature.request
    if all(s.status == SignatureStatus.SIGNED for s in request.signatures):
        _close(request, RequestStatus.COMPLETED, actor, signature.signed_at)
        lifecycle.mark_signed(request.agreement, actor)
        notifications.notify_completed(request, actor)
        return
    notifications.notify_signed(request, signature, actor)
    if request.order == SigningOrder.SEQUENTIAL:
        notifications.notify_turn(request, awaiting(request), actor)


def upload_paper_copy(
    signature: Signature, uploaded_by: User, data: bytes, now: datetime | None = None
) -> None:
    """Record a party's signature given on paper: a scanned signed copy uploaded by the drafter."""
    require_manager(uploaded_by, signature.request.agreement)
    require_turn(signature)
    check_pdf(data)
    signature.status = SignatureStatus.SIGNED
    signature.signed_at = now or utcnow()
    signature.method = SignatureMethod.PAPER
    signature.paper_pdf = data
    signature.paper_sha256 = sha256(data)
    signature.uploaded_by = uploaded_by
    signature.document_sha256 = signature.request.docx_sha256
    db.session.flush()
    details = {
        "organisation": signature.organisation_id,
        "signatory": signature.signatory_id,
        "method": SignatureMethod.PAPER.value,
        "paper_sha256": signature.paper_sha256,
        "size": len(data),
    }
    record("signature.paper", signature, details, actor=uploaded_by)
    _after_signature(signature, uploaded_by)


def decline(signature: Signature, user: User, reason: str, now: datetime | None = None) -> None:
    """Decline to sign, with a reason; the request ends and the agreement goes back to the drafter."""
    if signature.signatory_id != user.id:
        raise OperationRefused(_("Only the person asked to sign for this party can decline."))
    require_turn(signature)
    reason = (reason or "").strip()
    if not reason:
        raise OperationRefused(_("Tell the drafter why you decline."))
    now = now or utcnow()
    signature.status = SignatureStatus.DECLINED
    signature.declined_at = now
    signature.decline_reason = reason
    db.session.flush()
    record(
        "signature.decline",
        signature,
        {"organisation": signature.organisation_id, "reason": reason},
        actor=user,
    )
    request = signature.request
    _end(request, RequestStatus.DECLINED, user, now, reason)
    notifications.notify_declined(request, signature, user)


def ensure_withdrawable(request: SignatureRequest) -> None:
    """Refuse with the reason unless the request is still pending."""
    if not request.is_pending:
        raise OperationRefused(_("This signature request is no longer pending."))


def withdraw(request: SignatureRequest, by: User, reason: str, now: datetime | None = None) -> None:
    """Withdraw a pending request with a reason; pending signatures are voided and the signatories told."""
    require_manager(by, request.agreement)
    ensure_withdrawable(request)
    reason = (reason or "").strip()
    if not reason:
        raise OperationRefused(_("Give the reason for withdrawing the request."))
    _end(request, RequestStatus.WITHDRAWN, by, now or utcnow(), reason)
    notifications.notify_withdrawn(request, by)


@signals.agreement_edited.connect
def void_for_edit(
    agreement: Agreement, actor: User | None, now: datetime | None = None
) -> SignatureRequest | None:
    """End the pending request of an agreement being edited: every signature on it is void."""
    request = pending_request(agreement) if agreement.status == AgreementStatus.AWAITING_SIGNATURES else None
    if request is None:
        return None
    _end(request, RequestStatus.VOIDED, actor, now or utcnow(), "edited after sending", void_signed=True)
    notifications.notify_withdrawn(request, actor)
    return request


def _end(
    request: SignatureRequest,
    status: RequestStatus,
    by: User | None,
    now: datetime,
    reason: str,
    void_signed: bool = False,
) -> None:
    """Close the request, void its open signatures (after an edit, the given ones too), reopen the draft."""
    voidable = {SignatureStatus.PENDING, SignatureStatus.SIGNED} if void_signed else {SignatureStatus.PENDING}
    for signature in request.signatures:
        if signature.status in voidable:
            signature.status = SignatureStatus.VOIDED
            signature.voided_at = now
    _close(request, status, by, now, reason)
    lifecycle.return_to_draft(request.agreement, by, reason=f"signature request {status.value}")


def _close(
    request: SignatureRequest, status: RequestStatus, by: User | None, now: datetime, reason: str = ""
) -> None:
    request.status = status
    request.closed_at = now
    request.closed_by = by
    request.close_reason = reason
    db.session.flush()
    record(f"signature_request.{status.value}", request, {"reason": reason} if reason else None, actor=by)
