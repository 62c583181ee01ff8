"""Due work of signature requests: reminding a signatory whose turn it is and who has not signed, and
ending invitations to join a commitment whose last day to answer has passed.

The reminder days (by default 3, 10, 17 and 24 days after the turn began) and the sending are the reminder
rules' and agreements/reminders/scan.py's; this module says which signatures are waiting and for whom.
"""

from datetime import datetime, timedelta

from sqlalchemy import String, and_, cast, exists, false, literal, or_, select
from sqlalchemy.orm import joinedload, subqueryload

from agreements.accounts.queries import USERS_ALONE
from agreements.core.scheduling import ScheduledJob
from agreements.extensions import db
from agreements.reminders.models import AgreementReminderRule, ReminderKind, SentReminder
from agreements.reminders.rules import agreement_days, default_days
from agreements.reminders.scan import LazyLink, Occasion
from agreements.signatures import notifications
from agreements.signatures.accession import expire_invitations
from agreements.signatures.calendar import signature_turns
from agreements.signatures.models import (
    RequestStatus,
    Signature,
    SignatureRequest,
    SignatureStatus,
    SigningParty,
)
from agreements.signatures.pdf import make_pending_pdfs
from agreements.signatures.queries import awaiting, turn_started


def reminder_occasions(now: datetime) -> list[Occasion]:
    """Every signature whose signatory's turn has come and who has not signed, in the requests that may
    have a reminder to send."""
    pending = (
        SignatureRequest.status == RequestStatus.PENDING,
        SignatureRequest.sent_at <= now,
        _may_remind(now),
    )
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


def _may_remind(now: datetime):
    """The request's agreement has reminder days of its own, or one of its unsigned signatures has a
    reminder of the default days due by ``now`` that its signatory has no record of.

    The days count from the signer's turn, which is never before the party's invitation: counting from the
    invitation finds every reminder that may be due (an hour's leeway covers a change of summer time).
    """
    kind = ReminderKind.SIGNATURE_PENDING
    own = exists().where(
        AgreementReminderRule.agreement_id == SignatureRequest.agreement_id,
        AgreementReminderRule.kind == kind,
    )
    subject = literal("signature:") + cast(Signature.id, String)
    unsent = [
        and_(
            SigningParty.invited_at <= now - timedelta(days=days, hours=-1),
            ~exists()
            .where(
                SentReminder.agreement_id == SignatureRequest.agreement_id,
                SentReminder.kind == f"{kind.value}_{days}d",
                SentReminder.subject == subject,
                SentReminder.recipient_id == Signature.signatory_id,
            )
            .correlate_except(SentReminder),
        )
        for days in default_days(kind)
    ]
    unsigned = (
        select(Signature.id)
        .join(SigningParty, SigningParty.id == Signature.party_id)
        .where(Signature.request_id == SignatureRequest.id, Signature.status == SignatureStatus.PENDING)
    )
    return or_(own, exists(unsigned.where(or_(false(), *unsent))))


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


SCHEDULE = [
    ScheduledJob("signatures.expire_invitations", expire_invitations, "interval", {"hours": 1}),
    # Right after sending: a run looks for pending PDFs with one indexed query and converts each at once.
    ScheduledJob("signatures.make_pdfs", make_pending_pdfs, "interval", {"seconds": 15}),
]

#: What may need reminding, and the deadlines in users' calendar feeds: signatures whose turn has come.
REMINDERS = [reminder_occasions]
DEADLINES = [signature_turns]
