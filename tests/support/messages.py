"""What people are told: mail queued in the outbox and notifications in the app."""

import re
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from agreements.core.mail import OutboxMessage
from agreements.extensions import db
from agreements.notifications.models import Notification

_LINK = re.compile(r"https?://\S+")


def outbox(to_address: str | None = None) -> list[OutboxMessage]:
    """Queued mail, optionally only to one address, oldest first."""
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if to_address is not None:
        query = query.where(OutboxMessage.to_address == to_address)
    return list(db.session.scalars(query))


def mails_to(user) -> list[OutboxMessage]:
    """The outbox messages queued to ``user``, oldest first."""
    db.session.flush()
    return outbox(user.email)


def take_mail() -> dict[str, list[OutboxMessage]]:
    """The queued messages by recipient address, taken out of the outbox so a test sees only what follows."""
    db.session.flush()
    messages = outbox()
    db.session.execute(delete(OutboxMessage))
    by_address: dict[str, list[OutboxMessage]] = {}
    for message in messages:
        by_address.setdefault(message.to_address, []).append(message)
    return by_address


def only_mail(messages: dict[str, list[OutboxMessage]], user) -> OutboxMessage:
    """The one message queued to ``user``."""
    (message,) = messages[user.email]
    return message


def link_path(message: OutboxMessage) -> str:
    """The path of the single link in a mail, to be followed with the test client."""
    links = _LINK.findall(message.body_text)
    assert len(links) == 1, message.body_text
    return urlsplit(links[0]).path


def notifications_of(user) -> list[Notification]:
    """The user's notifications, oldest first."""
    db.session.flush()
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return list(db.session.scalars(query))
