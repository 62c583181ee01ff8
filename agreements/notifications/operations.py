"""Making notifications and acting on them: notify (every sender's one entry), reading, preferences."""

from sqlalchemy import update

from agreements.accounts.models import User
from agreements.core.mail import queue_rendered, render_mail
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from agreements.notifications.queries import delivery_for


def notify(
    user: User, kind: NotificationKind, template: str, caused_by=None, link: str = "", **context
) -> Notification | None:
    """Tell ``user`` something with ``templates/mail/<template>.txt``: listed in the service, and mailed
    now, in the daily digest or not at all as they prefer. Inactive users get nothing (None)."""
    if not user.active:
        return None
    subject, body = render_mail(template, user.locale.value, user=user, link=link, **context)
    delivery = delivery_for(user, kind)
    notification = Notification(
        user_id=user.id, kind=kind, subject=subject, body_text=body, link=link, delivery=delivery
    )
    if delivery == Delivery.IMMEDIATELY:
        queue_rendered(user.email, subject, body, caused_by=caused_by)
        notification.mailed_at = utcnow()
    db.session.add(notification)
    return notification


def mark_read(notification: Notification) -> None:
    """Mark one notification read (a second time changes nothing)."""
    if notification.read_at is None:
        notification.read_at = utcnow()
    db.session.flush()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many there were."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


def set_preferences(user: User, choices: dict[NotificationKind, Delivery]) -> None:
    """Save the user's choice per kind; a choice equal to the default is stored as no row at all."""
    for kind, delivery in choices.items():
        row = db.session.get(NotificationPreference, (user.id, kind))
        if delivery == DEFAULT_DELIVERY:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
        else:
            row.delivery = delivery
    db.session.flush()
