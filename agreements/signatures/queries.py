"""Read models of signing: whose turn it is, what waits for a user, an agreement's pending request.

Turns: in a joint request signed in parallel every unsigned party's turn has come; signed in sequence, only
the first unsigned party's. In an accession every invited organisation's turn has come. Within a party
every named signer may sign at once, except when every signer must sign in the order given: then only the
first who has not signed.
"""

from datetime import datetime

from flask import g, has_request_context
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy.orm import contains_eager, joinedload

from agreements.accounts.models import User
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.extensions import db
from agreements.signatures.models import (
    PartyStatus,
    RequestStatus,
    Signature,
    SignatureRequest,
    SignatureStatus,
    SignerRule,
    SigningMode,
    SigningOrder,
    SigningParty,
)


def awaiting_parties(request: SignatureRequest) -> list[SigningParty]:
    """The unsigned parties whose turn has come: all of them, or the first in a sequential joint request."""
    if not request.is_pending:
        return []
    pending = [party for party in request.parties if party.is_pending]
    if request.mode == SigningMode.JOINT and request.order == SigningOrder.SEQUENTIAL:
        return pending[:1]
    return pending


def party_awaiting(party: SigningParty) -> list[Signature]:
    """The party's unsigned signers who may sign now: all of them, or the first when they sign in order."""
    if not party.is_pending:
        return []
    pending = [s for s in party.signers if s.status == SignatureStatus.PENDING]
    if party.rule == SignerRule.ALL and party.signers_in_order:
        return pending[:1]
    return pending


def awaiting(request: SignatureRequest) -> list[Signature]:
    """Every signature that may be given now."""
    return [signature for party in awaiting_parties(request) for signature in party_awaiting(party)]


def signatures_awaiting(user: User) -> list[Signature]:
    """The user's signatures that are asked for now, the oldest request first; their requests, parties,
    fellow signers, agreements and organisations loaded in a fixed number of statements."""
    request = contains_eager(Signature.request)
    query = (
        db.select(Signature)
        .join(Signature.request)
        .join(Signature.party)
        .where(
            Signature.signatory_id == user.id,
            Signature.status == SignatureStatus.PENDING,
            SigningParty.status == PartyStatus.PENDING,
            SignatureRequest.status == RequestStatus.PENDING,
        )
        .options(
            request.selectinload(SignatureRequest.parties).selectinload(SigningParty.signers),
            request.selectinload(SignatureRequest.agreement),
            contains_eager(Signature.party),
            joinedload(Signature.organisation),
        )
        .order_by(SignatureRequest.sent_at, SigningParty.invited_at, Signature.id)
    )
    return [signature for signature in db.session.scalars(query) if whose_turn(signature)]


def whose_turn(signature: Signature) -> bool:
    """True when the signature may be given now."""
    party = signature.party
    return party in awaiting_parties(signature.request) and signature in party_awaiting(party)


def pending_request(agreement: Agreement) -> SignatureRequest | None:
    """The agreement's request that is waiting for signatures (or open for accession), if any."""
    return db.session.scalar(
        db.select(SignatureRequest).where(
            SignatureRequest.agreement_id == agreement.id, SignatureRequest.status == RequestStatus.PENDING
        )
    )


def latest_request(agreement: Agreement) -> SignatureRequest | None:
    """The agreement's most recent request, whatever its status."""
    return db.session.scalar(
        db.select(SignatureRequest)
        .where(SignatureRequest.agreement_id == agreement.id)
        .order_by(SignatureRequest.sent_at.desc(), SignatureRequest.id.desc())
        .limit(1)
    )


def turn_started(signature: Signature) -> datetime:
    """When the signature became the signer's to give: on invitation, or when the one before them signed."""
    party = signature.party
    earlier = []
    if party.rule == SignerRule.ALL and party.signers_in_order:
        earlier += [s.signed_at for s in party.signers if s.position < signature.position and s.signed_at]
    request = signature.request
    if request.mode == SigningMode.JOINT and request.order == SigningOrder.SEQUENTIAL:
        earlier += [p.signed_at for p in request.parties if p.position < party.position and p.signed_at]
    return max([party.invited_at, *earlier])


def why_not_now(signature: Signature) -> str | None:
    """Why the signature cannot be given or declined now, or None when it can."""
    if whose_turn(signature):
        return None
    party = signature.party
    if signature.status == SignatureStatus.SIGNED:
        return _("This party signed on %(when)s.", when=_helsinki(signature.signed_at))
    if signature.status == SignatureStatus.DECLINED:
        return _("The signatory declined to sign on %(when)s.", when=_helsinki(signature.declined_at))
    if party.status == PartyStatus.SIGNED:
        return _("%(name)s has signed: no other signature is needed.", name=party.organisation.name)
    if not signature.request.is_pending:
        return _(
            "This signature request is no longer open for signing: %(status)s.",
            status=signature.request.status.title,
        )
    if party.status != PartyStatus.PENDING:
        return _(
            "The invitation of %(name)s ended: %(status)s.",
            name=party.organisation.name,
            status=party.status.title,
        )
    if signature.status == SignatureStatus.VOIDED:
        return _("You are no longer asked to sign for this party.")
    if signature.party in awaiting_parties(signature.request):
        return _("The signers of this party sign in order, and it is not yet your turn.")
    return _("The parties sign in order, and it is not yet this party's turn.")


def _helsinki(value) -> str:
    return format_datetime(value, "d.M.yyyy HH.mm")


#: An agreement's signature requests, newest first: one statement object for every page, so that SQLAlchemy
#: computes its cache key once, not on every request.
_AGREEMENT_REQUESTS = (
    db.select(SignatureRequest)
    .where(SignatureRequest.agreement_id == bindparam("agreement_id"))
    .order_by(SignatureRequest.sent_at.desc(), SignatureRequest.id.desc())
)
#: The same with their signatures, organisations and signers (alone), as a signed agreement's page shows them
#: (an agreement has a few: 85 at most in the national demo data).
_REQUESTS_WITH_SIGNATURES = _AGREEMENT_REQUESTS.options(
    joinedload(SignatureRequest.signatures).options(
        joinedload(Signature.organisation), joinedload(Signature.signatory).lazyload("*")
    )
)
#: Statuses of an agreement that every party signed: its page shows how each signed.
SIGNED_STATUSES = frozenset({AgreementStatus.SIGNED, AgreementStatus.TERMINATED, AgreementStatus.SUPERSEDED})


def agreement_requests(agreement: Agreement) -> list[SignatureRequest]:
    """The agreement's signature requests, newest first; a signed agreement's with their signatures (the
    joined rows cost the others more than they save)."""
    parameters = {"agreement_id": agreement.id}
    if agreement.status in SIGNED_STATUSES:
        return list(db.session.scalars(_REQUESTS_WITH_SIGNATURES, parameters).unique())
    return list(db.session.scalars(_AGREEMENT_REQUESTS, parameters))


def page_requests(agreement: Agreement) -> list[SignatureRequest]:
    """The agreement's signature requests, newest first, read once for the page being rendered: its list of
    requests and its signed agreement's section both read them."""
    if not has_request_context():
        return agreement_requests(agreement)
    read = g.setdefault("agreement_requests", {})
    if agreement.id not in read:
        read[agreement.id] = agreement_requests(agreement)
    return read[agreement.id]


def earlier_signers(agreement: Agreement, request: SignatureRequest | None = None) -> list[SigningParty]:
    """Parties that signed an earlier version of the agreement (the latest of each organisation), by name."""
    query = (
        db.select(SigningParty)
        .join(SignatureRequest, SignatureRequest.id == SigningParty.request_id)
        .where(SignatureRequest.agreement_id == agreement.id, SigningParty.status == PartyStatus.SIGNED)
        .order_by(SigningParty.signed_at)
    )
    if request is not None:
        query = query.where(SignatureRequest.version_id != request.version_id)
    latest = {party.organisation_id: party for party in db.session.scalars(query)}
    return sorted(latest.values(), key=lambda party: party.organisation.name.casefold())
