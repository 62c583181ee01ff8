"""Signatures in users' calendar feeds: the day each signer's turn to sign began."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from agreements.accounts.models import User
from agreements.accounts.tokens import external_url
from agreements.core.timeutil import HELSINKI
from agreements.extensions import db
from agreements.reminders.calendar import FeedEvent
from agreements.signatures.models import (
    RequestStatus,
    Signature,
    SignatureRequest,
    SignatureStatus,
    SigningParty,
)
from agreements.signatures.queries import turn_started, whose_turn


def _signatures_asked(user: User) -> list[Signature]:
    """The user's pending signatures whose turn it is, with their requests and agreements loaded at once."""
    request = contains_eager(Signature.request)
    query = (
        select(Signature)
        .join(Signature.request)
        .where(
            Signature.signatory_id == user.id,
            Signature.status == SignatureStatus.PENDING,
            SignatureRequest.status == RequestStatus.PENDING,
        )
        .options(
            request.selectinload(SignatureRequest.parties).selectinload(SigningParty.signers),
            request.selectinload(SignatureRequest.agreement),
            joinedload(Signature.organisation),
        )
        .order_by(SignatureRequest.sent_at, Signature.id)
    )
    return [signature for signature in db.session.scalars(query) if whose_turn(signature)]


def signature_turns(user: User, since: datetime) -> list[FeedEvent]:
    """An all-day event for each signature asked of the user, on the day their turn began."""
    since_day = since.astimezone(HELSINKI).date()
    events = []
    for signature in _signatures_asked(user):
        day = turn_started(signature).astimezone(HELSINKI).date()
        if day < since_day:
            continue
        events.append(
            FeedEvent(
                uid=f"signature-{signature.id}",
                start=day,
                summary=_("Sign: %(agreement)s", agreement=str(signature.request.agreement)),
                description=_(
                    "Your signature is asked for %(organisation)s.", organisation=signature.organisation.name
                ),
                url=external_url("signatures.sign", signature_id=signature.id),
            )
        )
    return events
