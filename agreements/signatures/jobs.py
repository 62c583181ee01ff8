"""Due work of signature requests: reminding a signatory whose turn it is and who has not signed, and
ending invitations to join a commitment whose last day to answer has passed.

The reminder days (by default 3, 10, 17 and 24 days after the turn began) and the sending are the reminder
rules' and agreements/reminders/scan.py's; this module says which signatures are waiting and for whom.
"""

from datetime import datetime, timedelta

from sqlalchemy import String, and_, cast, exists, literal, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload, subqueryload

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
    if not requests:
        return []
    days = agreement_days(
        select(SignatureRequest.agreement_id).where(*pending), ReminderKind.SIGNATURE_PENDING
    )
    return [
        _occasion(signature, days[request.agreement_id])
        for request in requests
        for signature in awaiting(request)
    ]


def _may_remind(now: datetime):
    """The request's agreement has reminder days of its own, or one of its signatures whose turn has come
    has a reminder of the default days due by ``now`` that its signatory has no record of.

    The days count from the signer's turn (``turn_started``): the party's invitation, or the latest
    signing before it in the order, whichever is later (an hour's leeway covers a change of summer time).
    A record's due date need not be compared: once the turn has begun its start never changes (the
    invitation is stamped once, signings are final), so the subject and kind fix the due date.
    """
    kind = ReminderKind.SIGNATURE_PENDING
    own = exists().where(
        AgreementReminderRule.agreement_id == SignatureRequest.agreement_id,
        AgreementReminderRule.kind == kind,
    )
    due = _due_days(kind, now)
    if due is None:
        return own
    sent = exists().where(  # by the key's index: the subject names the signature, whatever the agreement
        SentReminder.kind == due.c.kind,
        SentReminder.subject == literal("signature:") + cast(Signature.id, String),
        SentReminder.recipient_id == Signature.signatory_id,
    )
    party, signer = aliased(SigningParty), aliased(Signature)
    in_party_order = and_(
        SignatureRequest.mode == SigningMode.JOINT, SignatureRequest.order == SigningOrder.SEQUENTIAL
    )
    in_signer_order = and_(SigningParty.rule == SignerRule.ALL, SigningParty.signers_in_order.is_(True))
    party_before = exists().where(
        in_party_order, party.request_id == SigningParty.request_id, party.position < SigningParty.position
    )
    signer_before = exists().where(
        in_signer_order, signer.party_id == Signature.party_id, signer.position < Signature.position
    )
    unsigned = (
        select(Signature.id)
        .join(SigningParty, SigningParty.id == Signature.party_id)
        .join(due, SigningParty.invited_at <= due.c.by)
        .where(Signature.request_id == SignatureRequest.id, Signature.status == SignatureStatus.PENDING)
        .where(SigningParty.status == PartyStatus.PENDING)
        # its turn has come (``awaiting``): no one before it in the order is still to sign ...
        .where(~party_before.where(party.status == PartyStatus.PENDING).correlate_except(party))
        .where(~signer_before.where(signer.status == SignatureStatus.PENDING).correlate_except(signer))
        # ... and it came by the reminder's moment: no one before it signed later
        .where(~party_before.where(party.signed_at > due.c.by).correlate_except(party))
        .where(~signer_before.where(signer.signed_at > due.c.by).correlate_except(signer))
        .where(~sent.correlate_except(SentReminder))
    )
    return or_(own, exists(unsigned))


def _due_days(kind: ReminderKind, now: datetime):
    """Rows of each default day count's reminder kind and the latest turn whose reminder is due by ``now``."""
    moment = SigningParty.invited_at.type
    rows = [
        select(
            literal(f"{kind.value}_{days}d", String).label("kind"),
            literal(now - timedelta(days=days, hours=-1), moment).label("by"),
        )
        for days in default_days(kind)
    ]
    if not rows:
        return None
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("due_days")


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
