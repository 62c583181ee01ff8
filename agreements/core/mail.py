"""The mail outbox: mail is queued in the same transaction as the change that caused it.

Delivery happens after commit, so nothing is sent for a change that rolled back. In development the
"files" transport writes each message as an .eml file under instance/mail and logs it to the console.
"""

import logging
import uuid
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import click
from flask import current_app, g, render_template
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from agreements.core.models import TitledEnum, enum_type
from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.extensions import db

log = logging.getLogger(__name__)


class MailStatus(TitledEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    """One e-mail waiting for, or past, delivery."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Travels as the Message-ID, so a retried delivery can be recognised as the same mail.
    idempotency_key: Mapped[str] = mapped_column(
        String(64), unique=True, nullable=False, default=lambda: uuid.uuid4().hex
    )
    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[MailStatus] = mapped_column(
        enum_type(MailStatus), default=MailStatus.QUEUED, nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: The user whose action caused the mail, so they can see its state.
    caused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_iff_sent_at"),)


def render_mail(template: str, locale: str, **context) -> tuple[str, str]:
    """Render ``templates/mail/<template>.txt`` in ``locale``: (subject from the first line, body text)."""
    with force_locale(locale):
        rendered = render_template(f"mail/{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def queue_rendered(to_address: str, subject: str, body_text: str, caused_by=None) -> OutboxMessage:
    """Queue a message whose subject and body are already rendered."""
    message = OutboxMessage(
        to_address=to_address,
        subject=subject,
        body_text=body_text,
        caused_by_id=caused_by.id if caused_by is not None else None,
    )
    db.session.add(message)
    g.mail_queued = True
    return message


def queue_mail(to_address: str, template: str, locale: str, caused_by=None, **context) -> OutboxMessage:
    """Render ``templates/mail/<template>.txt`` in the recipient's language and queue it."""
    return queue_rendered(to_address, *render_mail(template, locale, **context), caused_by=caused_by)


def queue_user_mail(user, template: str, caused_by=None, **context) -> OutboxMessage:
    """Queue mail to a user, in their interface language, with ``user`` in the template's context."""
    return queue_mail(user.email, template, user.locale.value, caused_by=caused_by, user=user, **context)


def as_email(message: OutboxMessage) -> EmailMessage:
    """The outbox row as a standard e-mail message."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = f"<{message.idempotency_key}@sopimuspolku>"
    email.set_content(message.body_text)
    return email


def write_to_file(message: OutboxMessage) -> None:
    """The development transport: an .eml file per message, and a line in the log."""
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{message.id:06d}-{message.idempotency_key}.eml"
    path.write_bytes(bytes(as_email(message)))
    log.warning("Mail to %s: %s (%s)\n%s", message.to_address, message.subject, path, message.body_text)


def deliver_queued() -> int:
    """Deliver every queued message with the configured transport; returns how many were sent."""
    if current_app.config["MAIL_TRANSPORT"] != "files":
        return 0
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == MailStatus.QUEUED))
    count = 0
    for message in messages:
        write_to_file(message)
        message.status, message.sent_at, message.attempts = MailStatus.SENT, utcnow(), message.attempts + 1
        count += 1
    db.session.commit()
    return count


def deliver_after_request(exc) -> None:
    """Teardown hook: deliver mail the request queued, once its transaction is over."""
    if exc is None and g.pop("mail_queued", False):
        db.session.rollback()  # whatever the view did not commit is not sent
        deliver_queued()


mail_cli = AppGroup("mail", help="The mail outbox.")


@mail_cli.command("deliver")
def deliver_command() -> None:
    """Deliver queued mail with the configured transport."""
    click.echo(f"{deliver_queued()} message(s) delivered")
