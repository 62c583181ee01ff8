"""Comment rounds in users' calendar feeds: the deadline of each open round they answer or run."""

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from agreements.accounts.models import MembershipRole, User
from agreements.accounts.tokens import external_url
from agreements.extensions import db
from agreements.reminders.calendar import DATETIME_FORMAT, FeedEvent
from agreements.reviews.models import CommentRound, RoundStatus
from agreements.reviews.queries import is_invited, rounds_for


def round_deadlines(user: User, since: datetime) -> list[FeedEvent]:
    """Deadlines of open rounds the user is invited to, or drafts as an editor of the owner workshop."""
    query = (
        rounds_for(user)
        .where(CommentRound.status == RoundStatus.OPEN, CommentRound.deadline >= since)
        .options(selectinload(CommentRound.invitations))
    )
    editor_of = user.organisation_ids(MembershipRole.EDITOR)
    return [
        FeedEvent(
            uid=f"round-{comment_round.id}-deadline",
            start=comment_round.deadline,
            summary=_("Comment deadline: %(agreement)s", agreement=str(comment_round.agreement)),
            description=_(
                "Comments are due by %(deadline)s (Finnish time).",
                deadline=format_datetime(comment_round.deadline, DATETIME_FORMAT),
            ),
            url=external_url("reviews.detail", round_id=comment_round.id),
        )
        for comment_round in db.session.scalars(query)
        if comment_round.agreement.owner_id in editor_of or is_invited(user, comment_round)
    ]
