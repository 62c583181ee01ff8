"""`flask scheduler jobs` and `run-once`: what runs when, and a catch-up that sends nothing twice."""

from collections import Counter

import pytest
from sqlalchemy import delete, select

from agreements.accounts.models import User
from agreements.core.lease import lease_for
from agreements.core.mail import OutboxMessage
from agreements.extensions import db
from agreements.reminders.models import SentReminder
from agreements.scheduler import scheduled_jobs

#: The scheduler works through its own connections (the lease), threads and processes.
pytestmark = pytest.mark.committing


@pytest.fixture
def flask_cli(app):
    """Run `flask ARGS` against the test application."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_jobs_lists_every_job_with_its_trigger(flask_cli):
    result = flask_cli("scheduler", "jobs")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Times in Europe/Helsinki; a late run still runs (once) within 6 h." in lines
    listed = {line.split()[0]: line.split(maxsplit=1)[1] for line in lines[1:]}
    assert set(listed) == {job.id for job in scheduled_jobs()} | {"scheduler.heartbeat"}
    assert listed["reviews.close_expired_rounds"] == "interval[0:05:00]"
    assert listed["reviews.send_comment_digests"] == "interval[1:00:00]"
    assert listed["scheduler.heartbeat"] == "interval[0:00:20]"


def test_run_once_refuses_while_another_scheduler_holds_the_lease(flask_cli, sent_for_signature):
    sent_for_signature(days_ago=4)
    other = lease_for(db.engine, 60)
    assert other.acquire()
    try:
        result = flask_cli("scheduler", "run-once")
    finally:
        other.release()

    assert result.exit_code == 1
    assert "another scheduler holds the lease; no job was run" in result.output
    assert reminders() == Counter()


def test_a_scheduler_down_for_days_catches_up_once_and_a_second_run_sends_nothing(
    flask_cli, sent_for_signature
):
    # Sent 13 days ago: the reminders of day 3 and day 10 fell due while no scheduler ran.
    signatories = sent_for_signature(days_ago=13)
    db.session.execute(delete(OutboxMessage))  # the requests to sign
    db.session.commit()

    first = flask_cli("scheduler", "run-once")

    assert first.exit_code == 0, first.output
    assert "Lease acquired; running every job once." in first.output
    assert mail() == Counter({user.email: 1 for user in signatories})
    assert reminders() == Counter(
        {
            (user.email, kind): 1
            for user in signatories
            for kind in ("signature_pending_3d", "signature_pending_10d")
        }
    )

    second = flask_cli("scheduler", "run-once")

    assert second.exit_code == 0, second.output
    assert mail() == Counter({user.email: 1 for user in signatories})
    assert reminders() == Counter(
        {
            (user.email, kind): 1
            for user in signatories
            for kind in ("signature_pending_3d", "signature_pending_10d")
        }
    )
    assert_lease_free()


def assert_lease_free() -> None:
    """Nobody holds the lease: run-once gave it up."""
    lease = lease_for(db.engine, 60)
    assert lease.acquire()
    lease.release()


def mail() -> Counter:
    """Mail in the outbox per address."""
    db.session.expire_all()
    return Counter(db.session.scalars(select(OutboxMessage.to_address)))


def reminders() -> Counter:
    """Reminders recorded as sent, per (recipient's address, kind)."""
    db.session.expire_all()
    query = select(User.email, SentReminder.kind).join(User, User.id == SentReminder.recipient_id)
    return Counter(tuple(row) for row in db.session.execute(query))
