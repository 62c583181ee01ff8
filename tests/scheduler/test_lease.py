"""The scheduler's lease: one holder at a time, taken over when the holder is gone, given up on stop."""

import time

import pytest
from sqlalchemy import select, text

from agreements.core.lease import AdvisoryLease, RowLease, SchedulerLease
from agreements.extensions import db
from tests.support.waiting import eventually

#: The scheduler works through its own connections (the lease), threads and processes.
pytestmark = pytest.mark.committing


def lease_row() -> SchedulerLease | None:
    db.session.expire_all()
    return db.session.scalar(select(SchedulerLease))


def test_a_second_holder_is_refused_while_the_first_holds_the_row():
    first, second = RowLease(db.engine, 60), RowLease(db.engine, 60)

    assert first.acquire()
    assert not second.acquire()
    assert first.renew()
    assert not second.renew()
    assert first.acquire()  # taking it again is harmless
    assert lease_row().holder == first.holder


def test_an_expired_row_is_taken_over_and_the_old_holder_learns_it_lost_it():
    first, second = RowLease(db.engine, 0.2), RowLease(db.engine, 60)
    assert first.acquire()

    time.sleep(0.3)

    assert second.acquire()
    assert not first.renew()
    assert not first.acquire()
    row = lease_row()
    assert row.holder == second.holder
    assert row.expires_at > row.acquired_at


def test_renewing_pushes_the_expiry_on():
    lease = RowLease(db.engine, 60)
    lease.acquire()
    before = lease_row().expires_at

    time.sleep(0.01)
    assert lease.renew()

    assert lease_row().expires_at > before


def test_a_released_row_is_free_at_once_and_only_its_holder_can_release_it():
    first, second = RowLease(db.engine, 60), RowLease(db.engine, 60)
    first.acquire()

    second.release()
    assert lease_row().holder == first.holder

    first.release()
    assert lease_row() is None
    assert second.acquire()


@pytest.mark.postgresql
def test_the_advisory_lock_has_one_holder_and_is_freed_when_released():
    first, second = AdvisoryLease(db.engine), AdvisoryLease(db.engine)
    try:
        assert first.acquire()
        assert not second.acquire()
        assert first.renew()
        assert not second.renew()
        assert first.acquire()  # taking it again is harmless

        first.release()

        assert not first.renew()
        assert second.acquire()
    finally:
        first.release()
        second.release()


@pytest.mark.postgresql
def test_the_advisory_lock_is_freed_when_its_connection_dies():
    first, second = AdvisoryLease(db.engine), AdvisoryLease(db.engine)
    try:
        assert first.acquire()
        backend = first.connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with db.engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})

        eventually(second.acquire)
        assert not first.renew()
    finally:
        first.release()
        second.release()
