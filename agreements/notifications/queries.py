"""Read models of notifications: a user's list and unread count, and their delivery preferences."""

from sqlalchemy import Select, func, select

from agreements.accounts.models import User
from agreements.accounts.queries import USER_FIGURES
from agreements.extensions import db
from agreements.notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)


def notifications_for(user: User) -> Select:
    """The user's notifications, newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread: one COUNT query."""
    return db.session.scalar(_unread_count(user.id))


def _unread_count(user_id) -> Select:
    """A COUNT of the unread notifications of ``user_id`` (an id or a column of them)."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


USER_FIGURES["unread_notifications"] = lambda user_id: _unread_count(user_id).scalar_subquery()


def preferences(user: User) -> dict[NotificationKind, Delivery]:
    """The user's delivery for every kind, the default where they have chosen nothing."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {kind: chosen.get(kind, DEFAULT_DELIVERY) for kind in NotificationKind}


def delivery_for(user: User, kind: NotificationKind) -> Delivery:
    """How notifications of ``kind`` reach ``user``."""
    row = db.session.get(NotificationPreference, (user.id, kind))
    return row.delivery if row is not None else DEFAULT_DELIVERY
