"""Due work of comment rounds, run by the scheduler (and by ``flask reviews`` commands): closing rounds past
their deadline, digests of new comments, and deadline reminders at 3 days and 1 day.

Each function takes ``now`` so tests can move the clock, and is safe to run again: digests remember how far
they got, and reminders are claimed under a unique key before they are queued.
"""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from agreements.core.timeutil import HELSINKI, utcnow
from agreements.extensions import db
from agreements.reminders.operations import claim_reminder
from agreements.reviews import notifications
from agreements.reviews.models import Comment, CommentRound, RoundStatus
from agreements.reviews.operations import close_expired_rounds
from agreements.reviews.queries import answers

#: Days before the deadline at which those who have not answered are reminded, the latest last.
DEADLINE_REMINDER_DAYS = (3, 1)

__all__ = ["close_expired_rounds", "send_comment_digests", "send_deadline_reminders"]


def send_comment_digests(now: datetime | None = None) -> int:
    """Send each round's drafters one digest of the comments made since the last; returns mails queued."""
    now = now or utcnow()
    since = func.coalesce(CommentRound.digest_sent_until, CommentRound.opened_at)
    # Only the ids are made distinct: PostgreSQL has no equality for the json column of a whole round.
    query = (
        select(CommentRound.id)
        .join(Comment, Comment.round_id == CommentRound.id)
        .where(Comment.created_at > since, Comment.created_at <= now)
        .distinct()
    )
    queued = 0
    for round_id in list(db.session.scalars(query.order_by(CommentRound.id))):
        queued += _digest(_locked_round(round_id), now)
    return queued


def _locked_round(round_id: int) -> CommentRound:
    """The round, locked until commit, so a second process waits and then finds nothing new."""
    return db.session.scalar(select(CommentRound).where(CommentRound.id == round_id).with_for_update())


def _digest(comment_round: CommentRound, now: datetime) -> int:
    since = comment_round.digest_sent_until or comment_round.opened_at
    new = [c for c in comment_round.comments if c.withdrawn_at is None and since < c.created_at <= now]
    comment_round.digest_sent_until = now
    db.session.flush()
    return notifications.notify_comments(comment_round, new) if new else 0


def send_deadline_reminders(now: datetime | None = None) -> int:
    """Remind invitees who have not answered, 3 days and 1 day before the deadline; returns mails queued.

    A run that comes late sends only the most urgent reminder due, never both.
    """
    now = now or utcnow()
    earliest = max(DEADLINE_REMINDER_DAYS)
    query = select(CommentRound).where(
        CommentRound.status == RoundStatus.OPEN,
        CommentRound.deadline > now,
        CommentRound.deadline <= now + timedelta(days=earliest),
    )
    return sum(
        _remind(comment_round, now) for comment_round in db.session.scalars(query.order_by(CommentRound.id))
    )


def _remind(comment_round: CommentRound, now: datetime) -> int:
    days = min(d for d in DEADLINE_REMINDER_DAYS if now >= comment_round.deadline - timedelta(days=d))
    due_on = (comment_round.deadline - timedelta(days=days)).astimezone(HELSINKI).date()
    unanswered = [answer.invitation for answer in answers(comment_round) if not answer.answered]
    recipients = [
        user
        for user in notifications.invitation_recipients(unanswered)
        if claim_reminder(
            f"comment_deadline_{days}d", comment_round.agreement_id, f"round:{comment_round.id}", user, due_on
        )
    ]
    if recipients:
        notifications.notify_deadline(comment_round, recipients)
    return len(recipients)
