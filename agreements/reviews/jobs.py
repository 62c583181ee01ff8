"""Due work of comment rounds, run by the scheduler (and by ``flask reviews`` commands): closing rounds past
their deadline, digests of new comments, and which invitees are to be reminded of the deadline.

Each function takes ``now`` so tests can move the clock, and is safe to run again: digests remember how far
they got. The reminder days and the sending are the reminder rules' and agreements/reminders/scan.py's.
"""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, subqueryload

from agreements.accounts.queries import USERS_ALONE, members_by_organisation
from agreements.core.scheduling import ScheduledJob
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.reminders.models import ReminderKind
from agreements.reminders.rules import agreement_days, longest
from agreements.reminders.scan import LazyLink, Occasion
from agreements.reviews import notifications
from agreements.reviews.calendar import round_deadlines
from agreements.reviews.models import Comment, CommentRound, RoundInvitation, RoundStatus
from agreements.reviews.operations import close_expired_rounds
from agreements.reviews.queries import answers


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


def reminder_occasions(now: datetime) -> list[Occasion]:
    """Every open round whose deadline is near enough for a reminder, with the invitees yet to answer.

    The rounds, their invitations and comments and the invited organisations' members are read in a fixed
    handful of queries, however many rounds there are.
    """
    reach = timedelta(days=longest(ReminderKind.COMMENT_DEADLINE))
    due = select(CommentRound.id).where(
        CommentRound.status == RoundStatus.OPEN,
        CommentRound.deadline > now,
        CommentRound.deadline <= now + reach,
    )
    invited = select(RoundInvitation.organisation_id).where(RoundInvitation.round_id.in_(due))
    members = members_by_organisation(invited)
    loading = (
        joinedload(CommentRound.agreement),
        subqueryload(CommentRound.invitations).options(
            joinedload(RoundInvitation.organisation), joinedload(RoundInvitation.user).options(*USERS_ALONE)
        ),
        subqueryload(CommentRound.comments),
    )
    query = select(CommentRound).where(CommentRound.id.in_(due)).options(*loading)
    rounds = db.session.scalars(query.order_by(CommentRound.id)).all()
    if not rounds:
        return []
    days = agreement_days(
        select(CommentRound.agreement_id).where(CommentRound.id.in_(due)), ReminderKind.COMMENT_DEADLINE
    )
    return [_occasion(comment_round, days[comment_round.agreement_id], members) for comment_round in rounds]


def _occasion(comment_round: CommentRound, days: tuple[int, ...], members: dict) -> Occasion:
    unanswered = [answer.invitation for answer in answers(comment_round) if not answer.answered]
    return Occasion(
        kind=ReminderKind.COMMENT_DEADLINE,
        agreement=comment_round.agreement,
        subject=f"round:{comment_round.id}",
        anchor=comment_round.deadline,
        days=days,
        recipients=notifications.invitation_recipients(unanswered, members),
        send=lambda recipients: notifications.notify_deadline(comment_round, recipients),
        link=LazyLink("reviews.detail", round_id=comment_round.id),
    )


SCHEDULE = [
    ScheduledJob("reviews.close_expired_rounds", close_expired_rounds, "interval", {"minutes": 5}),
    ScheduledJob("reviews.send_comment_digests", send_comment_digests, "interval", {"hours": 1}),
]

#: What may need reminding, and the deadlines in users' calendar feeds: open rounds' deadlines.
REMINDERS = [reminder_occasions]
DEADLINES = [round_deadlines]
