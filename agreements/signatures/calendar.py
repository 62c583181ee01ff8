"""Signatures in users' calendar feeds: the day each signer's turn to sign began."""

from datetime import datetime

from flask_babel import gettext as _

from agreements.accounts.models import User
from agreements.accounts.tokens import external_url
from agreements.core.timeutil import HELSINKI
from agreements.reminders.calendar import FeedEvent
from agreements.signatures.queries import signatures_awaiting, turn_started


def signature_turns(user: User, since: datetime) -> list[FeedEvent]:
    """An all-day event for each signature asked of the user, on the day their turn began."""
    since_day = since.astimezone(HELSINKI).date()
    events = []
    for signature in signatures_awaiting(user):
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
