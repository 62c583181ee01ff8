"""Due work of signature requests, run by the scheduler (and by ``flask signatures send-reminders``):
reminding a signatory whose turn it is and who has not signed, 3 days after the turn began and then weekly.

The function takes ``now`` so tests can move the clock, and is safe to run again: each reminder is claimed
under a unique key before it is queued.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from agreements.core.timeutil import HELSINKI, utcnow
from agreements.extensions import db
from agreements.reminders.operations import claim_reminder
from agreements.signatures import notifications
from agreements.signatures.models import RequestStatus, Signature, SignatureRequest, SigningOrder
from agreements.signatures.operations import awaiting

#: From the start of a signatory's turn to the first reminder.
FIRST_REMINDER_AFTER = timedelta(days=3)
#: Between one reminder and the next.
REMINDER_INTERVAL = timedelta(days=7)
#: No signatory is reminded more often than this about one signature.
MAX_REMINDERS = 4


def send_signature_reminders(now: datetime | None = None) -> int:
    """Remind each signatory whose turn it is and who has not signed; returns reminders queued.

    A run that comes late sends only the latest reminder due, never the ones it skipped.
    """
    now = now or utcnow()
    query = select(SignatureRequest).where(
        SignatureRequest.status == RequestStatus.PENDING,
        SignatureRequest.sent_at <= now - FIRST_REMINDER_AFTER,
    )
    requests = db.session.scalars(query.order_by(SignatureRequest.id)).all()
    return sum(_remind(signature, now) for request in requests for signature in awaiting(request))


def turn_started(signature: Signature) -> datetime:
    """When the signature became the signatory's to give: on sending, or when the party before signed."""
    request = signature.request
    if request.order == SigningOrder.SEQUENTIAL:
        earlier = [s.signed_at for s in request.signatures if s.position < signature.position and s.signed_at]
        if earlier:
            return max(earlier)
    return request.sent_at


def reminders_due(started: datetime, now: datetime) -> int:
    """How many reminders have fallen due by ``now`` for a turn that began at ``started`` (0 to 4)."""
    if now < started + FIRST_REMINDER_AFTER:
        return 0
    return min(MAX_REMINDERS, 1 + (now - started - FIRST_REMINDER_AFTER) // REMINDER_INTERVAL)


def _remind(signature: Signature, now: datetime) -> int:
    """Queue the latest reminder due unless it was sent; the earlier ones it stands for are claimed too."""
    started = turn_started(signature)
    latest = reminders_due(started, now)
    if not latest or not signature.signatory.active or not _claim(signature, started, latest):
        return 0
    for number in range(1, latest):
        _claim(signature, started, number)
    notifications.notify_reminder(signature, started)
    return 1


def _claim(signature: Signature, started: datetime, number: int) -> bool:
    due = started + FIRST_REMINDER_AFTER + REMINDER_INTERVAL * (number - 1)
    return claim_reminder(
        f"signature_pending_{number}",
        signature.request.agreement_id,
        f"signature:{signature.id}",
        signature.signatory,
        due.astimezone(HELSINKI).date(),
    )
