"""Signing: send a frozen version for signature, sign or decline with evidence, upload a paper copy,
withdraw a request, and void it when the agreement is edited.

Sending stores the rendered document and its SHA-256 on the request, so every signer signs the same
bytes. A party has signed when its rule is met: one of its named signers, or every one of them. In a joint
request the agreement is signed when the last party has; a decline, a withdrawal or an edit ends the
request and returns the agreement to draft. A commitment's request is an accession instead (accession.py):
each organisation that signs joins for itself, and a decline ends only its own invitation. Every step
appends an audit event to the agreement's chain.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from agreements.accounts.models import MembershipRole, User
from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import HELSINKI, as_utc, helsinki_today, utcnow
from agreements.drafting import lifecycle, parties, signals
from agreements.drafting.approval import ensure_approved
from agreements.drafting.documents import version_document
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.drafting.policy import require_manager
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.signatures import notifications
from agreements.signatures.consent import CONSENT_VERSION, consent_sha256
from agreements.signatures.eligibility import (
    PartyChoice,
    check_choice,
    check_joint_parties,
    is_member_signatory,
    is_signing_contact,
    party_choices,
)
from agreements.signatures.models import (
    PartyStatus,
    PdfStatus,
    RequestStatus,
    Signature,
    SignatureMethod,
    SignatureRequest,
    SignatureStatus,
    SignerRule,
    SigningContact,
    SigningMode,
    SigningOrder,
    SigningParty,
)
from agreements.signatures.queries import awaiting, party_awaiting, pending_request, why_not_now
from agreements.signatures.uploads import check_pdf
from agreements.templates_lib.converter import pdf_available
from agreements.templates_lib.models import TemplateKind

#: The role recorded for a signatory who was invited by e-mail rather than a member signatory.
INVITED_SIGNATORY = "invited"


def sha256(data: bytes) -> str:
    """The hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def mode_for(agreement: Agreement) -> SigningMode:
    """A commitment is joined organisation by organisation; every other agreement is signed jointly."""
    if agreement.kind == TemplateKind.COMMITMENT:
        return SigningMode.ACCESSION
    return SigningMode.JOINT


def _frozen_documents(agreement: Agreement) -> dict:
    """The latest version's .docx with its hash; its PDF is left to the scheduler (signatures/pdf.py),
    which makes it right after sending when configured and LibreOffice is installed."""
    version = agreement.latest_version
    docx = version_document(version)
    wanted = current_app.config["SIGNATURE_PDF"] and pdf_available()
    if current_app.config["SIGNATURE_PDF"] and not wanted:
        current_app.logger.warning("%s was sent for signature without a PDF", agreement.reference)
    return {
        "version": version,
        "docx": docx,
        "docx_sha256": sha256(docx),
        "pdf_status": PdfStatus.PENDING if wanted else PdfStatus.NONE,
    }


def ensure_sendable(agreement: Agreement) -> None:
    """Refuse with the reason unless the agreement can be sent for signature (or opened for joining) now."""
    if agreement.template_version is None:
        raise OperationRefused(
            _("An agreement signed outside the service has no document to send for signature.")
        )
    if mode_for(agreement) == SigningMode.ACCESSION and agreement.status == AgreementStatus.SIGNED:
        if pending_request(agreement) is not None:
            raise OperationRefused(_("This commitment is open for joining already."))
        if _version_sent(agreement):
            raise OperationRefused(
                _("This version was opened for joining already. Save a revised version first.")
            )
        ensure_approved(agreement)
        return
    lifecycle.ensure_allowed(agreement, AgreementStatus.AWAITING_SIGNATURES, "send_for_signature")
    ensure_approved(agreement)


def _version_sent(agreement: Agreement) -> bool:
    query = db.select(SignatureRequest.id).where(SignatureRequest.version_id == agreement.latest_version.id)
    return db.session.scalar(query.limit(1)) is not None


def send_for_signature(
    agreement: Agreement,
    sent_by: User,
    signatories: Iterable,
    order: SigningOrder = SigningOrder.PARALLEL,
    message: str = "",
    now: datetime | None = None,
    respond_by: date | None = None,
) -> SignatureRequest:
    """Freeze the latest version and ask each chosen party's signers to sign it, in the order given.

    ``signatories`` are PartyChoice items or (organisation, user) pairs. A commitment opens for joining:
    the organisations chosen are its first invitees, and more can be invited while it is open.
    """
    mode = mode_for(agreement)
    require_sender(sent_by, agreement, mode)
    ensure_sendable(agreement)
    choices = party_choices(signatories)
    if mode == SigningMode.JOINT:
        check_joint_parties(agreement, choices)
    elif not choices:
        raise OperationRefused(_("Invite at least one organisation to join."))
    check_respond_by(respond_by)
    for choice in choices:
        check_choice(agreement, choice)
    now = now or utcnow()
    request = SignatureRequest(
        agreement=agreement,
        sent_by=sent_by,
        sent_at=now,
        message=(message or "").strip(),
        mode=mode,
        order=SigningOrder(order) if mode == SigningMode.JOINT else SigningOrder.PARALLEL,
        **_frozen_documents(agreement),
    )
    db.session.add(request)
    if mode == SigningMode.ACCESSION:
        parties.open_for_joining(agreement)
    for choice in choices:  # only an invitation to join has a last day to answer
        add_party(request, choice, sent_by, now, respond_by if mode == SigningMode.ACCESSION else None)
    if agreement.status == AgreementStatus.DRAFT:
        lifecycle.send_for_signature(agreement, sent_by)
    details = {
        "version": request.version.number,
        "mode": mode.value,
        "docx_sha256": request.docx_sha256,
        "pdf_sha256": request.pdf_sha256,
    }
    record("signature_request.send", request, details, actor=sent_by)
    notifications.notify_turn(request, awaiting(request), sent_by)
    return request


def check_respond_by(respond_by: date | None, now: datetime | None = None) -> None:
    """Refuse a last day to answer that has passed already (on the day of ``now``, by default today)."""
    today = _day(now) if now is not None else helsinki_today()
    if respond_by is not None and respond_by < today:
        raise OperationRefused(_("The last day to answer cannot be in the past."), "respond_by")


def require_sender(user: User, agreement: Agreement, mode: SigningMode) -> None:
    """Editors of the drafting workshop send; a national administrator may also run a commitment's joining."""
    if mode == SigningMode.ACCESSION and user is not None and user.is_admin:
        return
    require_manager(user, agreement)


def add_party(
    request: SignatureRequest, choice: PartyChoice, by: User | None, now: datetime, respond_by=None
) -> SigningParty:
    """Add a party and its named signers to the request, after the parties already on it."""
    position = max((party.position for party in request.parties), default=0) + 1
    party = SigningParty(
        organisation=choice.organisation,
        position=position,
        rule=choice.rule if len(choice.signers) > 1 else SignerRule.ONE,
        signers_in_order=choice.in_order and choice.rule == SignerRule.ALL and len(choice.signers) > 1,
        invited_at=now,
        invited_by=by,
        respond_by=respond_by,
    )
    request.parties.append(party)
    for number, user in enumerate(choice.signers, start=1):
        party.signers.append(
            Signature(
                request=request,
                organisation=choice.organisation,
                party_position=position,
                signatory=user,
                position=number,
            )
        )
    if request.is_accession:
        parties.add_invited(request.agreement, choice.organisation)
    db.session.flush()
    return party


def lock_request(request: SignatureRequest) -> None:
    """Hold the request's row until commit and read it, its parties and their signers afresh, so that people
    acting on one request at once (two signers, an invitation and a close) take turns and see each other."""
    db.session.refresh(request, with_for_update=True)
    parties = (
        select(SigningParty)
        .where(SigningParty.request_id == request.id)
        .options(selectinload(SigningParty.signers))
    )
    db.session.scalars(parties.execution_options(populate_existing=True)).all()
    db.session.expire(request, ["parties", "signatures"])


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
    lock_request(signature.request)
    require_turn(signature)
    if not user.check_password(password or ""):
        raise OperationRefused(_("The password is not correct. Enter your password to sign."), "password")
    if not _same_name(typed_name or "", user.name):
        message = _("Type your name as it is on your account: %(name)s.", name=user.name)
        raise OperationRefused(message, "typed_name")
    if not consent_given:
        raise OperationRefused(_("Accept the terms of electronic signing to sign."), "consent")
    request = signature.request
    before = awaiting(request)
    signature.status = SignatureStatus.SIGNED
    signature.signed_at = as_utc(now or utcnow())
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
    if signature.signer_role == INVITED_SIGNATORY:
        _remember_contact(signature)
    _after_signature(signature, user, before)


def _role(user: User, organisation: Organisation) -> str:
    if is_member_signatory(user, organisation):
        return MembershipRole.SIGNATORY.value
    return INVITED_SIGNATORY


def _remember_contact(signature: Signature) -> None:
    """Remember a person invited by e-mail who signed for an organisation as a signing contact of it."""
    if is_signing_contact(signature.signatory, signature.organisation):
        return
    contact = SigningContact(
        organisation_id=signature.organisation_id,
        user_id=signature.signatory_id,
        first_signature_id=signature.id,
    )
    db.session.add(contact)
    db.session.flush()
    details = {
        "organisation": signature.organisation_id,
        "user": signature.signatory_id,
        "signature": signature.id,
    }
    record("signing_contact.add", contact, details, actor=signature.signatory)


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


def _after_signature(signature: Signature, actor: User, before: list[Signature]) -> None:
    """Sign the party when its rule is met; complete, join or pass the turn on; tell who needs to know.

    ``before`` are the signatures that could be given before this one was: whoever is new is asked now.
    """
    party = signature.party
    if _rule_met(party):
        _party_signed(party, signature.signed_at, actor)
    request = signature.request
    if party.status != PartyStatus.SIGNED:
        notifications.notify_turn(request, [s for s in party_awaiting(party) if s not in before], actor)
        return
    if request.is_accession:
        parties.join(request.agreement, party.organisation, _day(signature.signed_at), actor)
        notifications.notify_joined(request, party, actor)
    elif all(p.status == PartyStatus.SIGNED for p in request.parties):
        _close(request, RequestStatus.COMPLETED, actor, signature.signed_at)
        lifecycle.mark_signed(request.agreement, actor)
        notifications.notify_completed(request, actor)
        return
    else:
        notifications.notify_signed(request, signature, actor)
    notifications.notify_turn(request, [s for s in awaiting(request) if s not in before], actor)


def _day(moment: datetime) -> date:
    """The Helsinki calendar day of a moment."""
    return moment.astimezone(HELSINKI).date()


def _rule_met(party: SigningParty) -> bool:
    signed = [s.status == SignatureStatus.SIGNED for s in party.signers]
    return any(signed) if party.rule == SignerRule.ONE else all(signed)


def _party_signed(party: SigningParty, when: datetime, actor: User) -> None:
    """Record that the party has signed; with one signer needed, the others are no longer asked."""
    party.status = PartyStatus.SIGNED
    party.signed_at = when
    _void_pending(party, when)
    db.session.flush()
    details = {
        "organisation": party.organisation_id,
        "signers": [s.signatory_id for s in party.signers if s.signed_at],
    }
    record("signing_party.signed", party, details, actor=actor)


def _void_pending(party: SigningParty, now: datetime) -> None:
    for signer in party.signers:
        if signer.status == SignatureStatus.PENDING:
            signer.status = SignatureStatus.VOIDED
            signer.voided_at = now


def upload_paper_copy(
    signature: Signature, uploaded_by: User, data: bytes, now: datetime | None = None
) -> None:
    """Record a signer's signature given on paper: a scanned signed copy uploaded by the drafter."""
    require_sender(uploaded_by, signature.request.agreement, signature.request.mode)
    lock_request(signature.request)
    require_turn(signature)
    check_pdf(data)
    before = awaiting(signature.request)
    signature.status = SignatureStatus.SIGNED
    signature.signed_at = as_utc(now or utcnow())
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
    _after_signature(signature, uploaded_by, before)


def decline(signature: Signature, user: User, reason: str, now: datetime | None = None) -> None:
    """Decline to sign for a party, with a reason. While another named signer of a party that needs only one
    may still sign, only this signer is out; otherwise the party declines: a joint request ends, an
    accession only for the party."""
    if signature.signatory_id != user.id:
        raise OperationRefused(_("Only the person asked to sign for this party can decline."))
    lock_request(signature.request)
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
    request, party = signature.request, signature.party
    if party.rule == SignerRule.ONE and any(s.status == SignatureStatus.PENDING for s in party.signers):
        notifications.notify_signer_declined(request, signature, user)
        return
    end_party(party, PartyStatus.DECLINED, user, now, reason)
    if request.is_accession:
        notifications.notify_party_declined(request, signature, user)
        return
    _end(request, RequestStatus.DECLINED, user, now, reason)
    notifications.notify_declined(request, signature, user)


def end_party(
    party: SigningParty, status: PartyStatus, by: User | None, now: datetime, reason: str = ""
) -> None:
    """End a party's part unsigned (declined, withdrawn, expired or void); its unsigned signers are void."""
    party.status = status
    party.ended_at = now
    party.end_reason = reason
    _void_pending(party, now)
    db.session.flush()
    details = {"organisation": party.organisation_id, **({"reason": reason} if reason else {})}
    record(f"signing_party.{status.value}", party, details, actor=by)


def ensure_withdrawable(request: SignatureRequest) -> None:
    """Refuse with the reason unless the request is still pending."""
    if not request.is_pending:
        raise OperationRefused(_("This signature request is no longer pending."))


def withdraw(request: SignatureRequest, by: User, reason: str, now: datetime | None = None) -> None:
    """Withdraw a pending request with a reason; pending signatures are voided and the signatories told."""
    require_manager(by, request.agreement)
    lock_request(request)
    ensure_withdrawable(request)
    if request.is_accession:
        raise OperationRefused(_("Close the joining instead: the organisations that joined stay committed."))
    reason = (reason or "").strip()
    if not reason:
        raise OperationRefused(_("Give the reason for withdrawing the request."))
    _end(request, RequestStatus.WITHDRAWN, by, now or utcnow(), reason)
    notifications.notify_withdrawn(request, by)


@signals.agreement_edited.connect
def void_for_edit(
    agreement: Agreement, actor: User | None, now: datetime | None = None
) -> SignatureRequest | None:
    """End the pending request of an agreement being edited: a joint one is void, an accession closes."""
    request = pending_request(agreement)
    if request is None:
        return None
    lock_request(request)
    now = now or utcnow()
    if request.is_accession:
        close_accession_now(request, actor, now, "edited after sending")
        return request
    _end(request, RequestStatus.VOIDED, actor, now, "edited after sending", void_signed=True)
    notifications.notify_withdrawn(request, actor)
    return request


@signals.agreement_ended.connect
def close_for_end(agreement: Agreement, actor: User | None) -> None:
    """Close a commitment's joining when the commitment ends: nobody may join what is over."""
    request = pending_request(agreement)
    if request is not None and request.is_accession:
        lock_request(request)
        close_accession_now(request, actor, utcnow(), "the commitment ended")


def close_accession_now(request: SignatureRequest, by: User | None, now: datetime, reason: str) -> None:
    """Close an accession: nobody new may sign; the organisations that joined stay bound."""
    unanswered = [party for party in request.parties if party.is_pending]
    for party in unanswered:
        end_party(party, PartyStatus.WITHDRAWN, by, now, reason)
    _close(request, RequestStatus.CLOSED, by, now, reason)
    if request.agreement.status == AgreementStatus.AWAITING_SIGNATURES:
        lifecycle.return_to_draft(request.agreement, by, reason="nobody joined before the joining closed")
    for party in unanswered:
        notifications.notify_invitation_ended(party, by)


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
    for party in request.parties:
        if party.is_pending or (void_signed and party.status == PartyStatus.SIGNED):
            party.status, party.ended_at = PartyStatus.VOIDED, now
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
