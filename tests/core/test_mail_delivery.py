"""Outbox delivery over SMTP to a real server on loopback: what arrives, retries, failures, leases, login,
the teardown hook, and the pages where administrators and users see the state of mail."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from agreements.core.audit import AuditEvent
from agreements.core.mail import MailStatus, OutboxMessage, deliver_queued, queue_rendered
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from tests.support.smtp import SMTP_PASSWORD, SMTP_USER, free_port

MINUTE = timedelta(minutes=1)


def queue(to_address: str = "vastaanottaja@paja.fi", subject: str = "Kutsu", caused_by=None) -> OutboxMessage:
    """Queue and commit one message, as a request that caused it would."""
    message = queue_rendered(
        to_address, subject, f"Hei!\n\nTämä on viesti: {subject}.\n", caused_by=caused_by
    )
    db.session.commit()
    return message


def state(message: OutboxMessage) -> OutboxMessage:
    """The message as the database has it now."""
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_the_server_receives_exactly_the_queued_mail(app, smtp_server):
    first = queue("eka@paja.fi", "Ensimmäinen")
    second = queue("toka@oppilaitos.fi", "Toinen")

    assert deliver_queued() == 2
    assert deliver_queued() == 0

    assert [received.rcpt_tos for received in smtp_server.received] == [
        ["eka@paja.fi"],
        ["toka@oppilaitos.fi"],
    ]
    for received, message in zip(smtp_server.received, (first, second), strict=True):
        email = received.message
        assert received.mail_from == "noreply@sopimuspolku.invalid"
        assert email["To"] == message.to_address
        assert email["Subject"] == message.subject
        assert email["Message-ID"] == f"<{message.idempotency_key}@sopimuspolku>"
        assert email.get_content().replace("\r\n", "\n") == message.body_text  # CRLF on the wire
        assert received.login is None
        sent = state(message)
        assert (sent.status, sent.attempts, sent.last_error) == (MailStatus.SENT, 1, None)
        assert sent.sent_at is not None and sent.locked_until is None


def test_a_421_reply_is_retried_after_its_backoff_and_then_delivered_once(app, smtp_server):
    message, other = queue("eka@paja.fi"), queue("toka@paja.fi")
    smtp_server.handler.answer(421)
    start = utcnow()

    # The connection the 421 closed is opened again for the next message of the same run.
    assert deliver_queued(start) == 1
    assert [received.rcpt_tos for received in smtp_server.received] == [[other.to_address]]
    waiting = state(message)
    assert waiting.status == MailStatus.QUEUED and waiting.attempts == 1
    assert waiting.last_error == "421 4.3.2 Service not available, try again later"
    assert waiting.last_attempt_at == start and waiting.next_attempt_at == start + MINUTE

    assert deliver_queued(start + MINUTE - timedelta(seconds=1)) == 0
    assert deliver_queued(start + MINUTE) == 1
    assert deliver_queued(start + 60 * MINUTE) == 0
    assert [received.rcpt_tos for received in smtp_server.received].count([message.to_address]) == 1
    delivered = state(message)
    assert (delivered.status, delivered.attempts, delivered.sent_at) == (MailStatus.SENT, 2, start + MINUTE)


@pytest.mark.parametrize("code", [550, 554])
def test_a_5xx_reply_fails_at_once_and_is_never_tried_again(app, smtp_server, code):
    message = queue()
    smtp_server.handler.answer(code)
    start = utcnow()

    assert deliver_queued(start) == 0
    assert deliver_queued(start + timedelta(days=1)) == 0
    failed = state(message)
    assert (failed.status, failed.attempts, failed.sent_at) == (MailStatus.FAILED, 1, None)
    assert failed.last_error.startswith(f"{code} 5.")
    assert smtp_server.received == []


def test_with_nothing_listening_the_mail_waits_and_is_delivered_later(app, smtp_server, monkeypatch):
    message = queue()
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    start = utcnow()

    assert deliver_queued(start) == 0
    waiting = state(message)
    assert waiting.status == MailStatus.QUEUED and waiting.attempts == 1
    assert waiting.last_error.startswith("ConnectionRefusedError")
    assert waiting.next_attempt_at == start + MINUTE

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    assert deliver_queued(start + MINUTE) == 1
    assert [received.rcpt_tos for received in smtp_server.received] == [[message.to_address]]


def test_once_the_retry_delays_are_used_up_the_message_fails(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RETRY_DELAYS", (MINUTE, 5 * MINUTE))
    message = queue()
    smtp_server.handler.answer(451, times=3)
    start = utcnow()

    for moment in (start, start + MINUTE, start + 6 * MINUTE):
        assert state(message).status == MailStatus.QUEUED
        assert deliver_queued(moment) == 0
    failed = state(message)
    assert (failed.status, failed.attempts) == (MailStatus.FAILED, 3)
    assert failed.last_error == "451 4.7.1 Greylisted, try again later"
    assert deliver_queued(start + timedelta(days=1)) == 0
    assert smtp_server.received == []


def test_a_message_leased_by_another_delivery_run_is_not_sent(app, smtp_server):
    message = queue()
    start = utcnow()
    leased = state(message)
    leased.locked_until, leased.locked_by = start + 5 * MINUTE, "other-host:4242:run"
    db.session.commit()

    assert deliver_queued(start) == 0
    assert deliver_queued(start + 5 * MINUTE - timedelta(seconds=1)) == 0
    assert smtp_server.received == []
    assert state(message).attempts == 0

    # The other run died without recording anything: once its lease is over, the message goes out.
    assert deliver_queued(start + 5 * MINUTE) == 1
    assert len(smtp_server.received) == 1


@pytest.mark.postgresql
@pytest.mark.committing  # threads, each with its own connection
def test_two_delivery_runs_at_once_send_each_message_exactly_once(app, smtp_server):
    messages = [queue(f"vastaanottaja{n}@paja.fi") for n in range(20)]
    start = threading.Barrier(2)

    def run() -> int:
        with app.app_context():
            start.wait()
            return deliver_queued()

    with ThreadPoolExecutor(max_workers=2) as pool:
        sent = [future.result() for future in [pool.submit(run) for _run in range(2)]]

    assert sum(sent) == 20
    message_ids = sorted(received.message["Message-ID"] for received in smtp_server.received)
    assert message_ids == sorted(f"<{message.idempotency_key}@sopimuspolku>" for message in messages)


def test_login_is_used_when_a_username_is_configured(app, start_smtp_server, monkeypatch):
    server = start_smtp_server(with_login=True)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", SMTP_USER)
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", SMTP_PASSWORD)
    queue()

    assert deliver_queued() == 1
    assert [received.login for received in server.received] == [SMTP_USER]


def test_a_refused_login_keeps_the_mail_queued_with_the_reply(app, start_smtp_server, monkeypatch):
    start_smtp_server(with_login=True)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", SMTP_USER)
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "wrong")
    message = queue()

    assert deliver_queued() == 0
    waiting = state(message)
    assert waiting.status == MailStatus.QUEUED
    assert waiting.last_error.startswith("535")


def test_without_a_username_there_is_no_login(app, start_smtp_server):
    server = start_smtp_server(with_login=True)
    queue()

    assert deliver_queued() == 1
    assert [received.login for received in server.received] == [None]


def test_the_request_teardown_never_talks_smtp(app, client, smtp_server, make_user):
    user = make_user()
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code in {200, 302}

    assert smtp_server.received == []
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.status == MailStatus.QUEUED and message.attempts == 0
    assert deliver_queued() == 1
    assert [received.rcpt_tos for received in smtp_server.received] == [[user.email]]


def test_with_the_files_transport_the_request_writes_its_mail_at_once(
    app, client, make_user, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_TRANSPORT", "files")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})

    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.status == MailStatus.SENT
    (eml,) = tmp_path.glob("*.eml")
    assert message.idempotency_key in eml.name


# The pages


@pytest.fixture
def admin_client(app, make_user, login):
    """A second client, beside ``client``, logged in as an administrator."""
    client = app.test_client()
    login(client, make_user(admin=True))
    return client


def failed_message(smtp_server, caused_by=None, to_address="ei.ole@paja.fi") -> OutboxMessage:
    """A message the server refused with 550."""
    message = queue(to_address, "Allekirjoituspyyntö", caused_by=caused_by)
    smtp_server.handler.answer(550)
    deliver_queued()
    return state(message)


def test_a_550_reply_is_shown_to_administrators_and_to_the_user_who_caused_it(
    app, smtp_server, admin_client, make_user, login
):
    drafter = make_user()
    failed_message(smtp_server, caused_by=drafter)

    outbox = admin_client.get("/admin/mail/?status=failed").get_data(as_text=True)
    assert "ei.ole@paja.fi" in outbox and "550 5.1.1 Mailbox unavailable" in outbox
    assert "Could not be delivered" in outbox and "Retry now" in outbox
    assert "Tämä on viesti" not in outbox

    client = app.test_client()
    login(client, drafter)
    mine = client.get("/mail/mine").get_data(as_text=True)
    assert "ei.ole@paja.fi" in mine and "Allekirjoituspyyntö" in mine
    assert "Could not be delivered" in mine and "550 5.1.1 Mailbox unavailable" in mine
    assert "Tämä on viesti" not in mine


def test_the_outbox_filters_by_status_and_searches_addresses(app, smtp_server, admin_client):
    failed_message(smtp_server, to_address="hylatty@paja.fi")
    queue("lahetetty@oppilaitos.fi")
    deliver_queued()
    queue("jonossa@paja.fi")

    def addresses(query: str) -> set[str]:
        page = admin_client.get(f"/admin/mail/{query}").get_data(as_text=True)
        return {a for a in ("hylatty@paja.fi", "lahetetty@oppilaitos.fi", "jonossa@paja.fi") if a in page}

    assert addresses("") == {"hylatty@paja.fi", "lahetetty@oppilaitos.fi", "jonossa@paja.fi"}
    assert addresses("?status=failed") == {"hylatty@paja.fi"}
    assert addresses("?status=sent") == {"lahetetty@oppilaitos.fi"}
    assert addresses("?status=queued") == {"jonossa@paja.fi"}
    assert addresses("?q=PAJA.fi") == {"hylatty@paja.fi", "jonossa@paja.fi"}
    assert addresses("?q=oppilaitos&status=failed") == set()
    assert "No messages match your search." in admin_client.get("/admin/mail/?q=nobody").get_data(
        as_text=True
    )
    assert addresses("?status=bogus") == {"hylatty@paja.fi", "lahetetty@oppilaitos.fi", "jonossa@paja.fi"}


def test_the_outbox_is_paginated(app, admin_client, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(3):
        queue(f"vastaanottaja{n}@paja.fi")

    first = admin_client.get("/admin/mail/").get_data(as_text=True)
    second = admin_client.get("/admin/mail/?page=2").get_data(as_text=True)
    assert (
        "3 messages" in first and "vastaanottaja2@paja.fi" in first and "vastaanottaja0@paja.fi" not in first
    )
    assert "vastaanottaja0@paja.fi" in second and "vastaanottaja2@paja.fi" not in second


def test_empty_pages_say_so(app, client, make_user, admin_client, login):
    assert "No mail has been queued yet." in admin_client.get("/admin/mail/").get_data(as_text=True)
    login(client, make_user())
    assert "Nothing you have done has sent mail yet." in client.get("/mail/mine").get_data(as_text=True)


def test_a_user_sees_only_the_mail_they_caused(app, client, make_user, login):
    user, other = make_user(), make_user()
    queue("oma@paja.fi", "Oma viesti", caused_by=user)
    queue("toisen@paja.fi", "Toisen viesti", caused_by=other)
    queue("jarjestelma@paja.fi", "Järjestelmän viesti")

    login(client, user)
    page = client.get("/mail/mine").get_data(as_text=True)
    assert "Oma viesti" in page and "Waiting to be sent" in page
    assert "Toisen viesti" not in page and "Järjestelmän viesti" not in page


def test_retry_puts_a_failed_message_back_in_the_queue_and_it_is_delivered(app, smtp_server, admin_client):
    message = failed_message(smtp_server)

    response = admin_client.post(
        f"/admin/mail/{message.id}/retry", data={"next": "/admin/mail/?status=failed"}
    )
    assert response.status_code == 302 and response.location == "/admin/mail/?status=failed"
    queued = state(message)
    assert (queued.status, queued.attempts) == (MailStatus.QUEUED, 0)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.retry"))
    assert event.object_id == message.id and event.details["last_error"].startswith("550")

    assert deliver_queued() == 1
    assert [received.rcpt_tos for received in smtp_server.received] == [[message.to_address]]
    assert state(message).status == MailStatus.SENT


def test_only_a_failed_message_can_be_retried(app, admin_client):
    message = queue()
    assert admin_client.post(f"/admin/mail/{message.id}/retry").status_code == 409
    assert state(message).status == MailStatus.QUEUED
