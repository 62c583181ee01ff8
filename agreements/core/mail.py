"""The mail outbox: mail is queued in the same transaction as the change that caused it.

Delivery happens after commit, so nothing is sent for a change that rolled back. In development the
"files" transport writes each message as an .eml file under instance/mail and logs it to the console.
"""

import logging
import os
import socket
import uuid
from datetime import datetime
from email.message import EmailMessage

import click
from flask import current_app, g, render_template
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, defer, mapped_column

from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.core.mail_transports import DeliveryError, ServerUnavailable, describe, open_transport
from agreements.core.models import TitledEnum, enum_type
from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.extensions import db

log = logging.getLogger(__name__)


class MailStatus(TitledEnum):
    """Where a message stands: waiting (also between retries), accepted by the mail server, given up, or
    held back by an administrator (after a restore) until released or dropped."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"

    @classmethod
    def titles(cls):
        return {
            cls.QUEUED: _l("Waiting to be sent"),
            cls.SENT: _l("Sent"),
            cls.FAILED: _l("Could not be delivered"),
            cls.HELD: _l("Held by an administrator"),
        }


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
        enum_type(MailStatus), default=MailStatus.QUEUED, nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Delivery attempts since the message was queued (or put back in the queue by an administrator).
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    #: The mail server's reply (code and text), or the connection error, of the last failed attempt.
    last_error: Mapped[str | None] = mapped_column(Text)
    #: A queued message is not tried before this moment: at first its creation, then the retry backoff.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The lease of the delivery run sending the message: no other run touches it until then.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Which delivery run holds the lease (host, process and run), for the log.
    locked_by: Mapped[str | None] = mapped_column(String(120))
    #: The user whose action caused the mail, so they can see its state.
    caused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    __table_args__ = (
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_iff_sent_at"),
        # The delivery run's question: which queued messages are due.
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        # The outbox page, newest first: without it every look sorts every message ever queued.
        Index("ix_outbox_messages_created", "created_at", "id"),
    )


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


def deliver_queued(now: datetime | None = None) -> int:
    """Deliver the queued messages that are due, oldest first, each under a lease; returns how many were sent.

    ``now`` fixes the clock (tests move time with it); by default each step reads the real time.
    """
    if current_app.config["MAIL_TRANSPORT"] == "none":
        return 0
    clock = (lambda: now) if now is not None else utcnow
    run = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    due = select(OutboxMessage.id).where(*_claimable(clock()))
    sent = 0
    with open_transport(current_app.config) as transport:
        for message_id in db.session.scalars(due.order_by(OutboxMessage.created_at, OutboxMessage.id)).all():
            message = _claim(message_id, run, clock())
            if message is None:
                continue
            try:
                sent += _attempt(message, transport, clock())
            except ServerUnavailable:
                # The server is away for every message alike: the rest wait for the next run, untried.
                log.warning("Mail server unavailable: the delivery run ends; the rest wait for the next run")
                break
    return sent


def _claimable(now: datetime) -> tuple:
    """Conditions of a message a delivery run may take: queued, due, and held by no other run."""
    return (
        OutboxMessage.status == MailStatus.QUEUED,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= now),
    )


def _claim(message_id: int, run: str, now: datetime) -> OutboxMessage | None:
    """Take the lease on a message and count the attempt, committed before talking to the server; None
    when another run has it. An attempt cut off by a crash is counted all the same.

    The UPDATE repeats the conditions, so of two runs claiming at once only one changes the row (on
    PostgreSQL the second waits for the first's commit and then finds the lease taken).
    """
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, *_claimable(now))
        .values(
            locked_until=now + current_app.config["MAIL_LEASE"],
            locked_by=run,
            attempts=OutboxMessage.attempts + 1,
            last_attempt_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(OutboxMessage, message_id) if claimed else None


def _attempt(message: OutboxMessage, transport, now: datetime) -> int:
    """Send one claimed message, record the outcome, give up the lease and commit; 1 when it was sent.

    Raises ServerUnavailable, once the failure is recorded, when the server cannot be reached at all.
    """
    message.locked_until, message.locked_by = None, None
    try:
        transport.send(message, as_email(message))
    except ServerUnavailable as error:
        _record_failure(message, error, now)
        db.session.commit()
        raise
    except DeliveryError as error:
        _record_failure(message, error, now)
    except Exception as error:  # a fault of ours must not hold the message forever: counted, tried again
        log.exception("Mail %s to %s: unexpected error", message.id, message.to_address)
        _record_failure(message, DeliveryError(describe(error), permanent=False), now)
    else:
        message.status, message.sent_at, message.last_error = MailStatus.SENT, now, None
        log.info("Mail %s to %s sent: %s", message.id, message.to_address, message.subject)
    db.session.commit()
    return int(message.status == MailStatus.SENT)


def _record_failure(message: OutboxMessage, error: DeliveryError, now: datetime) -> None:
    """A 5xx reply, or a temporary failure with the retry delays used up, fails the message; else retry."""
    delays = current_app.config["MAIL_RETRY_DELAYS"]
    message.last_error = error.reply
    if error.permanent or message.attempts > len(delays):
        message.status = MailStatus.FAILED
        log.error("Mail %s to %s failed: %s", message.id, message.to_address, error.reply)
        return
    message.next_attempt_at = now + delays[message.attempts - 1]
    log.warning(
        "Mail %s to %s not delivered, retrying at %s: %s",
        message.id,
        message.to_address,
        message.next_attempt_at.isoformat(timespec="seconds"),
        error.reply,
    )


def deliver_after_request(exc) -> None:
    """Teardown hook: with the "files" transport, write the mail a request queued once its transaction ends.

    Only the files transport: web workers never talk to a mail server; the scheduler process delivers.
    """
    queued = g.pop("mail_queued", False)
    if exc is None and queued and current_app.config["MAIL_TRANSPORT"] == "files":
        db.session.rollback()  # whatever the view did not commit is not sent
        deliver_queued()


def outbox_query(address: str | None = None, status: str | None = None):
    """Outbox messages without their bodies, newest first; those whose address contains ``address`` and
    whose status is ``status`` when given."""
    query = (
        select(OutboxMessage)
        .options(defer(OutboxMessage.body_text))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    if address:
        query = query.where(OutboxMessage.to_address.icontains(address, autoescape=True))
    if status:
        query = query.where(OutboxMessage.status == MailStatus(status))
    return query


def failed_messages(caused_by_id: int | None = None):
    """Messages that could not be delivered, without their bodies, newest first; only those the user
    ``caused_by_id`` caused when given."""
    query = outbox_query(status=MailStatus.FAILED)
    if caused_by_id is not None:
        query = query.where(OutboxMessage.caused_by_id == caused_by_id)
    return query


def retry_message(message: OutboxMessage, actor) -> None:
    """Put a failed message back in the queue, due now, with its attempts counted afresh; audited."""
    if message.status != MailStatus.FAILED:
        raise OperationRefused(_l("Only a message that could not be delivered can be sent again."))
    details = {"attempts": message.attempts, "last_error": message.last_error}
    record("mail.retry", message, details, actor=actor)
    message.status, message.attempts, message.next_attempt_at = MailStatus.QUEUED, 0, utcnow()
    g.mail_queued = True


mail_cli = AppGroup("mail", help="The mail outbox.")


#: What a dropped message's last error says in the outbox.
DROPPED = "Dropped by an administrator (flask mail drop)"


def hold_queued() -> int:
    """Hold every queued message back (after a restore, before the scheduler starts); audited."""
    return _change_status(MailStatus.QUEUED, "mail.hold", None, status=MailStatus.HELD)


def release_held(ids: tuple[int, ...] = ()) -> int:
    """Put held messages (those of ``ids``, or all) back in the queue, due now; audited."""
    return _change_status(
        MailStatus.HELD, "mail.release", ids, status=MailStatus.QUEUED, next_attempt_at=utcnow()
    )


def drop_held(ids: tuple[int, ...] = ()) -> int:
    """Give held messages (those of ``ids``, or all) up unsent: they show as failed; audited."""
    return _change_status(MailStatus.HELD, "mail.drop", ids, status=MailStatus.FAILED, last_error=DROPPED)


def _change_status(current: MailStatus, action: str, ids: tuple[int, ...] | None, **values) -> int:
    """Set ``values`` on the messages in ``current`` status (only ``ids`` when given), audit each, commit."""
    query = select(OutboxMessage).where(OutboxMessage.status == current).order_by(OutboxMessage.id)
    if ids:
        query = query.where(OutboxMessage.id.in_(ids))
    messages = db.session.scalars(query).all()
    for message in messages:
        record(action, message, {"from": current.value, "to": values["status"].value})
        for name, value in values.items():
            setattr(message, name, value)
    db.session.commit()
    return len(messages)


@mail_cli.command("hold")
def hold_command() -> None:
    """Hold all queued mail back until released or dropped: run it first after restoring a backup."""
    click.echo(f"{hold_queued()} message(s) held")


def _held_command(name: str, operation, done: str, summary: str) -> None:
    """Add `flask mail NAME [IDS]... [--all]`: ``operation`` on held mail, saying what was ``done``."""

    @click.argument("ids", nargs=-1, type=int)
    @click.option("--all", "everything", is_flag=True, help="Every held message.")
    def command(ids: tuple[int, ...], everything: bool) -> None:
        _require_choice(ids, everything)
        click.echo(f"{operation(ids)} message(s) {done}")

    mail_cli.command(name, help=summary)(command)


_held_command(
    "release", release_held, "released", "Put held mail (the messages IDS, or --all) back in the queue."
)
_held_command(
    "drop", drop_held, "dropped", "Give held mail (the messages IDS, or --all) up without sending it."
)


def _require_choice(ids: tuple[int, ...], everything: bool) -> None:
    if bool(ids) == everything:
        raise click.UsageError("name the messages by id, or give --all (not both)")


@mail_cli.command("held")
def held_command() -> None:
    """List the held mail: id, when it was queued, recipient and subject."""
    query = outbox_query(status=MailStatus.HELD.value).order_by(None).order_by(OutboxMessage.id)
    for message in db.session.scalars(query):
        created = message.created_at.isoformat(timespec="minutes")
        click.echo(f"{message.id}\t{created}\t{message.to_address}\t{message.subject}")


@mail_cli.command("deliver")
def deliver_command() -> None:
    """Deliver the queued mail that is due with the configured transport (the scheduler does this too)."""
    click.echo(f"{deliver_queued()} message(s) delivered")
