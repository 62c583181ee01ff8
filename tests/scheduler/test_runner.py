"""How the scheduler runs a job: as the lease holder, in its own transaction, logged, surviving failures."""

import logging
import re
import threading

import pytest
from sqlalchemy import select

from agreements.core.lease import lease_for
from agreements.core.mail import OutboxMessage
from agreements.core.scheduling import ScheduledJob
from agreements.extensions import db
from agreements.scheduler import SchedulerProcess, run_job
from tests.support.waiting import eventually

#: The scheduler works through its own connections (the lease), threads and processes.
pytestmark = pytest.mark.committing


@pytest.fixture
def lease():
    """The scheduler lease of the test database, held by the test."""
    held = lease_for(db.engine, 60)
    assert held.acquire()
    yield held
    held.release()


@pytest.fixture
def log(caplog, monkeypatch):
    """The scheduler's log lines (the migrations' logging.config.fileConfig disabled its logger)."""
    monkeypatch.setattr(logging.getLogger("agreements.scheduler"), "disabled", False)
    caplog.set_level(logging.INFO, logger="agreements.scheduler")
    return caplog


def mail_job(job_id: str = "test.mail", to: str = "maija@example.fi", fails: bool = False) -> ScheduledJob:
    """A job that queues one mail an hour, and then fails when told to."""

    def queue_one() -> int:
        db.session.add(OutboxMessage(to_address=to, subject="Muistutus", body_text="Hei!\n"))
        db.session.flush()
        if fails:
            raise RuntimeError("the mail server is down")
        return 1

    return ScheduledJob(job_id, queue_one, "interval", {"hours": 1})


def outbox() -> list[str]:
    """The addresses of the mail committed to the outbox."""
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage.to_address).order_by(OutboxMessage.id)))


def not_called():
    raise AssertionError("the lease was not lost")


def test_a_job_is_committed_and_logged_with_its_count_and_time(app, lease, log):
    assert run_job(app, lease, mail_job(), not_called)

    assert outbox() == ["maija@example.fi"]
    assert re.search(r"job test\.mail: 1 in \d+ ms", log.text)


def test_a_failing_job_is_rolled_back_logged_with_its_traceback_and_the_next_runs(app, lease, log):
    assert not run_job(app, lease, mail_job("test.broken", fails=True), not_called)
    assert run_job(app, lease, mail_job("test.mail", to="ville@example.fi"), not_called)

    assert outbox() == ["ville@example.fi"]
    (failure,) = [record for record in log.records if record.levelno == logging.ERROR]
    assert failure.getMessage() == "job test.broken failed"
    assert "RuntimeError: the mail server is down" in log.text  # the traceback
    assert "Traceback" in log.text


def test_a_job_does_not_run_once_the_lease_is_lost(app, lease):
    lease.release()
    lost = []

    assert not run_job(app, lease, mail_job(), lambda: lost.append(True))

    assert lost == [True]
    assert outbox() == []


def test_the_leader_runs_every_job_at_once_survives_failures_and_steps_down_when_the_lease_is_lost(
    app, lease, log, monkeypatch
):
    monkeypatch.setitem(app.config, "SCHEDULER_LEASE_SECONDS", 0.3)  # a heartbeat every 0.1 s
    jobs = [mail_job("test.broken", fails=True), mail_job("test.mail")]
    process = SchedulerProcess(app, lease, jobs)
    leader = threading.Thread(target=process.lead, daemon=True)
    leader.start()

    eventually(lambda: outbox() == ["maija@example.fi"])
    eventually(lambda: "job test.broken failed" in log.text)
    assert leader.is_alive()

    lease.release()  # as when its connection dies, or another process took over the expired row

    leader.join(timeout=10)
    assert not leader.is_alive()
    assert "lease acquired, running 2 jobs" in log.text
    assert "lease lost: stopping the jobs and going back to standby" in log.text
    assert outbox() == ["maija@example.fi"]  # the hourly job ran once, at once
