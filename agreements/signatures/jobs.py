"""Due work of signature requests: reminding a signatory whose turn it is and who has not signed, and
ending invitations to join a commitment whose last day to answer has passed.

The reminder days (by default 3, 10, 17 and 24 days after the turn began) and the sending are the reminder
rules' and agreements/reminders/scan.py's; this module says which signatures are waiting and for whom.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, subqueryload

from agreements.accounts.queries import USERS_ALONE
from agreements.core.scheduling import ScheduledJob
from agreements.extensions import db
from agreements.reminders.models import ReminderKind
from agreements.reminders.rules import agreement_days
from agreements.reminders.scan import LazyLink, Occasion
from agreements.signatures import notifications
from agreements.signatures.accession import expire_invitations
from agreements.signatures.calendar import signature_turns
from agreements.signatures.models import RequestStatus, Signature, SignatureRequest, SigningParty
from agreements.signatures.queries import awaiting, turn_started


def reminder_occasions(now: datetime) -> list[Occasion]:
    """Every signature whose signatory's turn has come and who has not signed."""
    pending = (SignatureRequest.status == RequestStatus.PENDING, SignatureRequest.sent_at <= now)
    query = select(SignatureRequest).where(*pending)
    loading = (
        joinedload(SignatureRequest.agreement),
        subqueryload(SignatureRequest.parties)
        .subqueryload(SigningParty.signers)
        .joinedload(Signature.signatory)
        .options(*USERS_ALONE),
    )
    requests = db.session.scalars(query.options(*loading).order_by(SignatureRequest.id)).all()
    days = agreement_days(
        select(SignatureRequest.agreement_id).where(*pending), ReminderKind.SIGNATURE_PENDING
    )
    return [
        _occasion(signature, days[request.agreement_id])
        for request in requests
        for signature in awaiting(request)
    ]


def _occasion(signature: Signature, days: tuple[int, ...]) -> Occasion:
    started = turn_started(signature)
    return Occasion(
        kind=ReminderKind.SIGNATURE_PENDING,
        agreement=signature.request.agreement,
        subject=f"signature:{signature.id}",
        anchor=started,
        days=days,
        recipients=[signature.signatory] if signature.signatory.active else [],
        send=lambda recipients: notifications.notify_reminder(signature, started),
        link=LazyLink("signatures.sign", signature_id=signature.id),
    )


SCHEDULE = [ScheduledJob("signatures.expire_invitations", expire_invitations, "interval", {"hours": 1})]

#: What may need reminding, and the deadlines in users' calendar feeds: signatures whose turn has come.
REMINDERS = [reminder_occasions]
DEADLINES = [signature_turns]
