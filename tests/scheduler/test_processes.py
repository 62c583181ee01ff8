"""Real `flask scheduler run` processes: one leads, a second waits as a standby, and takes over when the
first is killed; no reminder is sent twice. A stopped scheduler gives its lease up.
"""

import os
import signal
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import text

from agreements import create_app
from agreements.core.lease import lease_for
from agreements.extensions import db
from config import TestingConfig
from tests.support.fresh_database import connected, flask_db, fresh_database_url  # noqa: F401 - a fixture
from tests.support.waiting import eventually

#: The scheduler works through its own connections (the lease), threads and processes.
pytestmark = pytest.mark.committing

ACQUIRED = "lease acquired, running"
STANDBY = "standby: another scheduler holds the lease"


@dataclass
class Scheduler:
    """A `flask scheduler run` process and the file its log goes to."""

    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def start_scheduler(tmp_path):
    """Factory: start `flask scheduler run` on a database; any still running are killed after the test."""
    started = []

    def start(database_url: str, name: str, **settings: str) -> Scheduler:
        env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
        env.update(
            FLASK_APP="agreements",
            DATABASE_URL=database_url,
            MAIL_TRANSPORT="none",
            SCHEDULER_STANDBY_POLL="0.2",
            **settings,
        )
        log = tmp_path / f"{name}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "scheduler", "run"],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        return Scheduler(process, log)

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def lease_is_free() -> bool:
    """Whether the test could take the scheduler lease (and it gives it straight back)."""
    lease = lease_for(db.engine, 60)
    taken = lease.acquire()
    lease.release()
    return taken


def test_a_scheduler_stopped_with_sigterm_finishes_and_gives_the_lease_up(database_url, start_scheduler):
    scheduler = start_scheduler(database_url, "only")
    eventually(lambda: ACQUIRED in scheduler.output(), timeout=20)
    assert not lease_is_free()

    scheduler.process.send_signal(signal.SIGTERM)

    assert scheduler.process.wait(timeout=10) == 0, scheduler.output()
    assert "scheduler stopped" in scheduler.output()
    assert lease_is_free()


@contextmanager
def app_on(database_url: str):
    """An application context on another database, so the factories write there."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    with create_app(Config).app_context(), force_locale("en"):
        yield
        db.session.remove()
        db.engine.dispose()


def outbox(database_url: str) -> Counter:
    """Mail in the outbox per address."""
    with connected(database_url) as connection:
        return Counter(connection.scalars(text("SELECT to_address FROM outbox_messages")))


def reminders(database_url: str) -> Counter:
    """Reminders recorded as sent, per (recipient's address, kind)."""
    query = "SELECT u.email, r.kind FROM sent_reminders r JOIN users u ON u.id = r.recipient_id"
    with connected(database_url) as connection:
        return Counter(tuple(row) for row in connection.execute(text(query)))


def empty_outbox(database_url: str) -> None:
    with connected(database_url) as connection:
        connection.execute(text("DELETE FROM outbox_messages"))
        connection.commit()


def roles(first: Scheduler, second: Scheduler) -> tuple[Scheduler, Scheduler] | None:
    """(leader, standby) once one has taken the lease and the other has said it waits."""
    for leader, standby in ((first, second), (second, first)):
        if ACQUIRED in leader.output() and STANDBY in standby.output():
            return leader, standby
    return None


@pytest.mark.postgresql
def test_two_schedulers_send_each_reminder_once_and_the_standby_takes_over_from_a_killed_leader(
    fresh_database_url,  # noqa: F811 - the fixture imported above
    start_scheduler,
    sent_for_signature,
):
    url = fresh_database_url
    flask_db(url, "upgrade")
    with app_on(url):
        early = [user.email for user in sent_for_signature(days_ago=4)]  # the day-3 reminder is due
    empty_outbox(url)  # the requests to sign

    first, second = start_scheduler(url, "first"), start_scheduler(url, "second")
    leader, standby = eventually(lambda: roles(first, second), timeout=20)
    eventually(lambda: len(reminders(url)) == 2)

    assert ACQUIRED not in standby.output()
    assert outbox(url) == Counter({address: 1 for address in early})
    assert reminders(url) == Counter({(address, "signature_pending_3d"): 1 for address in early})

    with app_on(url):
        later = [user.email for user in sent_for_signature(days_ago=4)]
    empty_outbox(url)
    leader.process.kill()
    leader.process.wait()

    eventually(lambda: ACQUIRED in standby.output())
    eventually(lambda: len(reminders(url)) == 4)

    assert outbox(url) == Counter({address: 1 for address in later})  # and the early ones not again
    assert reminders(url) == Counter({(address, "signature_pending_3d"): 1 for address in early + later})
    standby.process.send_signal(signal.SIGTERM)
    assert standby.process.wait(timeout=10) == 0
