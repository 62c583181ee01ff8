"""What the signature operations record about a request, as rules a test checks events against: who acts and
which details each event carries, derived from the request's rows. The rules hold for events the real
operations record and must hold for generated ones alike.
"""

from datetime import timedelta

from sqlalchemy import or_, select

from agreements.core.audit import AuditEvent
from agreements.core.timeutil import HELSINKI
from agreements.extensions import db
from agreements.signatures.consent import consent_sha256
from agreements.signatures.models import Signature, SignatureRequest, SigningParty

#: The agreement's own events that signing records.
AGREEMENT_ACTIONS = (
    "agreement.send_for_signature",
    "agreement.join",
    "agreement.mark_signed",
    "agreement.return_to_draft",
)
#: What lifecycle.return_to_draft records as the reason, per request status.
RETURN_REASONS = {
    "declined": "signature request declined",
    "withdrawn": "signature request withdrawn",
    "voided": "signature request voided",
    "closed": "nobody joined before the joining closed",
}


def request_events(request: SignatureRequest, after_id: int = 0) -> list[AuditEvent]:
    """The request's events in its agreement's chain, in order: the request's, its parties' and signatures',
    and the agreement's own signing events while the request was open."""
    party_ids = [party.id for party in request.parties]
    signature_ids = [signature.id for signature in request.signatures]
    # the operations record a moment after the request's own times: give them a minute
    until = (request.closed_at or request.sent_at + timedelta(days=36500)) + timedelta(minutes=1)
    query = select(AuditEvent).where(
        AuditEvent.chain == f"agreement:{request.agreement_id}",
        AuditEvent.id > after_id,
        or_(
            (AuditEvent.object_type == "signature_requests") & (AuditEvent.object_id == request.id),
            (AuditEvent.object_type == "signing_parties") & AuditEvent.object_id.in_(party_ids),
            (AuditEvent.object_type == "signatures") & AuditEvent.object_id.in_(signature_ids),
            AuditEvent.action.in_(AGREEMENT_ACTIONS)
            & (AuditEvent.created_at >= request.sent_at - timedelta(minutes=1))
            & (AuditEvent.created_at <= until),
        ),
    )
    return list(db.session.scalars(query.order_by(AuditEvent.seq)))


def check_events(request: SignatureRequest, events: list[AuditEvent]) -> None:
    """Assert that every event has the actor and details the operations give it."""
    previous = None
    for event in events:
        actor, details = expected(event, request, previous)
        assert (event.actor_id, event.details) == (actor, details), (event.action, event.id)
        previous = event


def expected(event: AuditEvent, request: SignatureRequest, previous: AuditEvent | None) -> tuple:
    """The actor id and details an event of the request gets from the operations."""
    action = event.action
    if action in ("agreement.send_for_signature", "signature_request.send"):
        return request.sent_by_id, _sent(action, request)
    if action in ("agreement.mark_signed", "signature_request.completed"):
        return previous.actor_id, _signed(action)
    if action == "signature_request.invite":
        return _invited(event, request)
    if action.startswith("signature_request.") or action == "agreement.return_to_draft":
        return request.closed_by_id, _closed(action, request)
    party = _party(event, request)
    if action.startswith("signing_party.") and action != "signing_party.signed":
        actor = None if action == "signing_party.expired" else _ended_by(party, request)
        return actor, _ended(party)
    return _signer_event(action, party)


def _sent(action: str, request: SignatureRequest) -> dict:
    if action == "agreement.send_for_signature":
        return {"from": "draft", "to": "awaiting_signatures"}
    return {
        "version": request.version.number,
        "mode": request.mode.value,
        "docx_sha256": request.docx_sha256,
        "pdf_sha256": request.pdf_sha256,
    }


def _signed(action: str) -> dict:
    return {"from": "awaiting_signatures", "to": "signed"} if action == "agreement.mark_signed" else {}


def _invited(event: AuditEvent, request: SignatureRequest) -> tuple:
    """An invitation lists organisations invited together, after the first ones, by one person."""
    listed = [request.party_of(organisation) for organisation in event.details["organisations"]]
    first = listed[0]
    invitation = (first.invited_at, first.invited_by_id)
    together = [p for p in request.parties if (p.invited_at, p.invited_by_id) == invitation]
    assert listed == together and first.invited_at > request.sent_at
    respond_by = {"respond_by": first.respond_by.isoformat()} if first.respond_by else {}
    return first.invited_by_id, {"organisations": [p.organisation_id for p in listed], **respond_by}


def _closed(action: str, request: SignatureRequest) -> dict:
    status = request.status.value
    if action == "agreement.return_to_draft":
        return {"from": "awaiting_signatures", "to": "draft", "reason": RETURN_REASONS[status]}
    return {"reason": request.close_reason} if request.close_reason else {}


def _party(event: AuditEvent, request: SignatureRequest) -> SigningParty:
    if event.object_type == "signing_parties":
        return db.session.get(SigningParty, event.object_id)
    if event.object_type == "signatures":
        return db.session.get(Signature, event.object_id).party
    return request.party_of(event.details["organisation"])


def _ended_by(party: SigningParty, request: SignatureRequest) -> int | None:
    """A signer declines for their party; the one who closes the joining withdraws the open invitations."""
    if party.status.value == "declined":
        return party.signers[0].signatory_id
    return request.closed_by_id


def _ended(party: SigningParty) -> dict:
    reason = {"reason": party.end_reason} if party.end_reason else {}
    return {"organisation": party.organisation_id, **reason}


def _signer_event(action: str, party: SigningParty) -> tuple:
    """A signature (electronic or on paper), a decline, the party signed, and the organisation joining."""
    (signature,) = party.signers
    actor = signature.uploaded_by_id or signature.signatory_id
    organisation = party.organisation_id
    if action == "signature.sign":
        return actor, evidence(signature)
    if action == "signature.paper":
        details = {"signatory": signature.signatory_id, "method": "paper", "size": len(signature.paper_pdf)}
        return actor, {"organisation": organisation, "paper_sha256": signature.paper_sha256, **details}
    if action == "signature.decline":
        return actor, {"organisation": organisation, "reason": signature.decline_reason}
    if action == "signing_party.signed":
        return actor, {"organisation": organisation, "signers": [signature.signatory_id]}
    assert action == "agreement.join", action
    return actor, {"organisation": organisation, "joined_on": helsinki_day(party.signed_at).isoformat()}


def evidence(signature: Signature) -> dict:
    """The details signatures.operations.sign records: the signature's evidence columns."""
    return {
        "organisation": signature.organisation_id,
        "signatory": signature.signatory_id,
        "role": signature.signer_role,
        "method": "electronic",
        "signed_at": signature.signed_at.isoformat(),
        "document_sha256": signature.document_sha256,
        "consent_version": signature.consent_version,
        "consent_language": _consent_language(signature),
        "consent_sha256": signature.consent_sha256,
        "ip": signature.ip,
        "user_agent": signature.user_agent,
    }


def _consent_language(signature: Signature) -> str:
    """The language whose consent text the signer accepted."""
    return next(lang for lang in ("fi", "sv", "en") if consent_sha256(lang) == signature.consent_sha256)


def helsinki_day(moment):
    """The calendar day of a moment in Helsinki."""
    return moment.astimezone(HELSINKI).date()


def actions(events: list[AuditEvent]) -> list[str]:
    """The events' actions, a run of one action shortened to one."""
    return [e.action for i, e in enumerate(events) if i == 0 or events[i - 1].action != e.action]
