"""Slow and silent mail servers (aiosmtpd and a bare socket on loopback): a server that stores a message
but answers its DATA late gets it once; one that never greets costs one timeout per run, not per message;
every attempt is counted before it starts, and a repeat carries the same Message-ID."""

import socket
import threading
import time

import pytest
from sqlalchemy import text

from agreements.core.mail import MailStatus, deliver_queued
from agreements.extensions import db
from tests.core.test_mail_delivery import queue, state


@pytest.fixture
def silent_server(app, monkeypatch):
    """A server that accepts connections and never says a word (no greeting); the settings point at it."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        settings = {
            "MAIL_TRANSPORT": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": listener.getsockname()[1],
            "MAIL_SECURITY": "none",
            "MAIL_USERNAME": None,
            "MAIL_TIMEOUT": 1,
        }
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        yield listener


def test_a_server_that_answers_data_late_gets_each_message_once(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
    monkeypatch.setitem(app.config, "MAIL_DATA_TIMEOUT", 10)
    smtp_server.handler.answer_delay = 2.5
    messages = [queue("eka@paja.fi"), queue("toka@paja.fi")]

    assert deliver_queued() == 2
    assert deliver_queued() == 0

    assert [received.rcpt_tos for received in smtp_server.received] == [["eka@paja.fi"], ["toka@paja.fi"]]
    for message in messages:
        assert (state(message).status, state(message).attempts) == (MailStatus.SENT, 1)


def test_a_repeat_after_a_lost_reply_carries_the_same_message_id(app, smtp_server, monkeypatch):
    # Long enough for the server to store the message even on a loaded machine, then reply too late.
    monkeypatch.setitem(app.config, "MAIL_DATA_TIMEOUT", 2)
    smtp_server.handler.answer_delay = 5
    message = queue()

    assert deliver_queued() == 0  # stored by the server, but its reply came too late
    waiting = state(message)
    assert (waiting.status, waiting.attempts) == (MailStatus.QUEUED, 1)

    smtp_server.handler.answer_delay = 0
    assert deliver_queued(waiting.next_attempt_at) == 1

    ids = [received.message["Message-ID"] for received in smtp_server.received]
    assert ids == [f"<{message.idempotency_key}@sopimuspolku>"] * 2
    assert state(message).attempts == 2


def test_a_server_that_never_greets_costs_one_timeout_per_run(app, silent_server):
    messages = [queue(f"vastaanottaja{n}@paja.fi") for n in range(4)]

    started = time.monotonic()
    assert deliver_queued() == 0
    took = time.monotonic() - started

    assert 0.9 < took < 2.5  # MAIL_TIMEOUT is 1 s: one wait for the whole queue, not four
    first, *rest = (state(message) for message in messages)
    assert first.status == MailStatus.QUEUED and first.attempts == 1
    assert "TimeoutError" in first.last_error or "timed out" in first.last_error
    assert [(message.status, message.attempts) for message in rest] == [(MailStatus.QUEUED, 0)] * 3


@pytest.mark.committing  # read from another connection while the run waits
def test_an_attempt_is_counted_before_the_server_is_asked(app, silent_server):
    """The count is committed before connecting: a run killed while it waits has it counted all the same."""
    message = queue()
    engine, seen = db.engine, {}

    def watch():
        """The moment the run connects, read the attempts from another connection, then hang up."""
        connection, _ = silent_server.accept()
        with engine.connect() as other:
            query = text("SELECT attempts FROM outbox_messages WHERE id = :id")
            seen["attempts"] = other.execute(query, {"id": message.id}).scalar_one()
        connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    deliver_queued()
    watcher.join()

    assert seen["attempts"] == 1
