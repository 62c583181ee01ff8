"""After a restore: `flask mail hold` keeps the queued mail from leaving until an administrator lists it
(`held`), releases it to be delivered or drops it; each change is in the audit trail."""

import pytest
from sqlalchemy import select

from agreements.core.audit import AuditEvent
from agreements.core.mail import DROPPED, MailStatus, deliver_queued
from agreements.extensions import db
from tests.core.test_mail_delivery import queue, state


@pytest.fixture
def flask_mail(app):
    """Run `flask mail ARGS` against the test application."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["mail", *map(str, args)])


def test_held_mail_is_not_delivered_until_released(app, smtp_server, flask_mail):
    first, second = queue("eka@paja.fi", "Ennen varmuuskopiota"), queue("toka@paja.fi", "Toinen")

    assert flask_mail("hold").output == "2 message(s) held\n"
    assert deliver_queued() == 0
    assert smtp_server.received == []
    listed = flask_mail("held").output.splitlines()
    assert [line.split("\t")[0] for line in listed] == [str(first.id), str(second.id)]
    assert listed[0].endswith("\teka@paja.fi\tEnnen varmuuskopiota")

    assert flask_mail("release", first.id).output == "1 message(s) released\n"
    assert deliver_queued() == 1
    assert [received.rcpt_tos for received in smtp_server.received] == [["eka@paja.fi"]]
    assert state(second).status == MailStatus.HELD


def test_dropped_mail_is_never_sent_and_shows_as_failed(app, smtp_server, flask_mail):
    message = queue()
    flask_mail("hold")

    assert flask_mail("drop", "--all").output == "1 message(s) dropped\n"
    assert flask_mail("release", "--all").output == "0 message(s) released\n"
    assert deliver_queued() == 0

    dropped = state(message)
    assert (dropped.status, dropped.last_error) == (MailStatus.FAILED, DROPPED)
    assert smtp_server.received == []
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["mail.hold", "mail.drop"]


@pytest.mark.parametrize("args", [(), ("1", "--all")])
def test_release_and_drop_need_ids_or_all_but_not_both(app, flask_mail, args):
    for command in ("release", "drop"):
        result = flask_mail(command, *args)
        assert result.exit_code == 2
        assert "name the messages by id, or give --all" in result.output


def test_mail_already_sent_or_failed_is_not_held(app, smtp_server, flask_mail):
    sent = queue()
    deliver_queued()

    assert flask_mail("hold").output == "0 message(s) held\n"
    assert state(sent).status == MailStatus.SENT
