"""Read models of signing: whose turn it is, what waits for a user, an agreement's pending request."""

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _

from agreements.accounts.models import User
from agreements.drafting.models import Agreement
from agreements.extensions import db
from agreements.signatures.models import (
    RequestStatus,
    Signature,
    SignatureRequest,
    SignatureStatus,
    SigningOrder,
)


def awaiting(request: SignatureRequest) -> list[Signature]:
    """The pending signatures whose turn it is: all of them in parallel, the first in a sequence."""
    pending = [s for s in request.signatures if s.status == SignatureStatus.PENDING]
    if request.order == SigningOrder.SEQUENTIAL:
        return pending[:1]
    return pending


def signatures_awaiting(user: User) -> list[Signature]:
    """The user's signatures that are asked for now, the oldest request first."""
    query = (
        db.select(Signature)
        .join(SignatureRequest)
        .where(
            Signature.signatory_id == user.id,
            Signature.status == SignatureStatus.PENDING,
            SignatureRequest.status == RequestStatus.PENDING,
        )
        .order_by(SignatureRequest.sent_at)
    )
    return [signature for signature in db.session.scalars(query) if whose_turn(signature)]


def whose_turn(signature: Signature) -> bool:
    """True when the signature may be given now."""
    return signature.request.is_pending and signature in awaiting(signature.request)


def pending_request(agreement: Agreement) -> SignatureRequest | None:
    """The agreement's request that is waiting for signatures, if any."""
    return db.session.scalar(
        db.select(SignatureRequest).where(
            SignatureRequest.agreement_id == agreement.id, SignatureRequest.status == RequestStatus.PENDING
        )
    )


def turn_started(signature: Signature) -> datetime:
    """When the signature became the signatory's to give: on sending, or when the party before signed."""
    request = signature.request
    if request.order == SigningOrder.SEQUENTIAL:
        earlier = [s.signed_at for s in request.signatures if s.position < signature.position and s.signed_at]
        if earlier:
            return max(earlier)
    return request.sent_at


def why_not_now(signature: Signature) -> str | None:
    """Why the signature cannot be given or declined now, or None when it can."""
    if whose_turn(signature):
        return None
    if signature.status == SignatureStatus.SIGNED:
        return _("This party signed on %(when)s.", when=_helsinki(signature.signed_at))
    if signature.status == SignatureStatus.DECLINED:
        return _("The signatory declined to sign on %(when)s.", when=_helsinki(signature.declined_at))
    if not signature.request.is_pending:
        return _(
            "This signature request is no longer open for signing: %(status)s.",
            status=signature.request.status.title,
        )
    return _("The parties sign in order, and it is not yet this party's turn.")


def _helsinki(value) -> str:
    return format_datetime(value, "d.M.yyyy HH.mm")


def agreement_requests(agreement: Agreement) -> list[SignatureRequest]:
    """The agreement's signature requests, newest first."""
    query = (
        db.select(SignatureRequest)
        .where(SignatureRequest.agreement_id == agreement.id)
        .order_by(SignatureRequest.sent_at.desc(), SignatureRequest.id.desc())
    )
    return list(db.session.scalars(query))
