"""Due work of notifications, run by the scheduler: the daily digest of notifications users chose to get
once a day.

The notifications are claimed by a conditional UPDATE in the transaction that queues the digest, so a rerun
or a second process finds them already mailed: on PostgreSQL the second UPDATE waits for the first to commit
and then no longer matches the rows.
"""

from datetime import datetime

from sqlalchemy import select, update

from agreements.accounts.models import User
from agreements.accounts.tokens import external_url
from agreements.core.mail import queue_mail
from agreements.core.scheduling import ScheduledJob
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.notifications.models import Delivery, Notification


def _waiting(now: datetime):
    """Conditions of the notifications waiting for a digest, made before ``now``."""
    return (
        Notification.delivery == Delivery.DAILY,
        Notification.mailed_at.is_(None),
        Notification.created_at <= now,
    )


def send_daily_digests(now: datetime | None = None) -> int:
    """Mail each active user one digest of their notifications waiting for it; returns digests queued."""
    now = now or utcnow()
    query = (
        select(User)
        .where(User.active, User.id.in_(select(Notification.user_id).where(*_waiting(now))))
        .order_by(User.id)
    )
    return sum(_digest(user, now) for user in list(db.session.scalars(query)))


def _digest(user: User, now: datetime) -> int:
    """Claim the user's waiting notifications and queue them as one mail; 0 when another run took them."""
    claimed = db.session.scalars(
        update(Notification)
        .where(Notification.user_id == user.id, *_waiting(now))
        .values(mailed_at=now)
        .returning(Notification.id)
    ).all()
    if not claimed:
        return 0
    notifications = db.session.scalars(
        select(Notification)
        .where(Notification.id.in_(claimed))
        .order_by(Notification.created_at, Notification.id)
    ).all()
    queue_mail(
        user.email,
        "notification_digest",
        user.locale.value,
        user=user,
        notifications=notifications,
        list_link=external_url("notifications.index"),
        preferences_link=external_url("notifications.preferences"),
    )
    db.session.flush()
    return 1


SCHEDULE = [ScheduledJob("notifications.daily_digest", send_daily_digests, "cron", {"hour": 7, "minute": 0})]
