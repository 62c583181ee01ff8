"""The scheduler's lease: only the process holding it runs jobs; a second copy waits as a standby.

On PostgreSQL the lease is a session advisory lock held by a connection of its own: it lasts exactly as long
as that connection, so when the holder dies the server frees it and a standby takes it. Any other database
(SQLite) has a row in ``scheduler_leases`` that the holder renews before it expires and deletes when it stops.
"""

import contextlib
import os
import secrets
import socket
import threading
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine, String, delete, insert, or_, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.extensions import db

#: The advisory lock key of the scheduler lease ("Sopi" in ASCII); any constant all schedulers share.
ADVISORY_LOCK_KEY = 0x536F7069
LOCK_PARAMETERS = {"key": ADVISORY_LOCK_KEY}
LEASE_NAME = "scheduler"


class SchedulerLease(db.Model):
    """The lease row of the databases without advisory locks: who runs the jobs, and until when."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: "host:pid:random" of the process holding the lease.
    holder: Mapped[str] = mapped_column(String(200), nullable=False)
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: Free for the taking after this moment unless the holder renews it first.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class Lease(Protocol):
    """What the scheduler needs of a lease."""

    def acquire(self) -> bool:
        """Take the lease; False when another process holds it."""

    def renew(self) -> bool:
        """Confirm (and extend) the lease; False when it has been lost."""

    def release(self) -> None:
        """Give the lease up, if it is still held."""


def lease_for(engine: Engine, seconds: float) -> Lease:
    """The lease that suits the database: an advisory lock on PostgreSQL, a lease row elsewhere."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLease(engine)
    return RowLease(engine, seconds)


def holder_name() -> str:
    """A name for this process, unique even across machines and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class AdvisoryLease:
    """A PostgreSQL session advisory lock on a dedicated connection, outside the pool."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.connection = None
        #: Jobs in several threads check the lease; one connection serves one statement at a time.
        self.lock = threading.Lock()

    def acquire(self) -> bool:
        """Try the lock on a fresh connection; keep the connection only when the lock was granted."""
        if self.connection is not None:
            return self.renew()
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        connection.detach()  # closing it must end the session, never return it (and the lock) to the pool
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), LOCK_PARAMETERS).scalar_one()
        except DBAPIError:
            with contextlib.suppress(DBAPIError):
                connection.close()
            raise
        if not got:
            connection.close()
            return False
        self.connection = connection
        return True

    def renew(self) -> bool:
        """The lock lives as long as its connection: ask whether the connection is alive."""
        with self.lock:
            if self.connection is None:
                return False
            try:
                self.connection.execute(text("SELECT 1"))
            except DBAPIError:
                self._close()
                return False
            return True

    def release(self) -> None:
        """Unlock, then close the connection.

        Closing alone frees the lock only once the server has ended the session, a moment after the client
        has moved on; a standby asking at once would still find it taken.
        """
        with self.lock:
            if self.connection is not None:
                with contextlib.suppress(DBAPIError):  # a dead connection holds no lock
                    self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), LOCK_PARAMETERS)
                self._close()

    def _close(self) -> None:
        with contextlib.suppress(DBAPIError):  # a dead connection holds no lock
            self.connection.close()
        self.connection = None


class RowLease:
    """A row in ``scheduler_leases``, taken when absent or expired, renewed by its holder."""

    def __init__(self, engine: Engine, seconds: float, holder: str | None = None):
        self.engine = engine
        self.ttl = timedelta(seconds=seconds)
        self.holder = holder or holder_name()
        #: Until when the row is ours as far as we know: no other process can take it before then.
        self.held_until: datetime | None = None

    def acquire(self) -> bool:
        """Take over an expired (or our own) row, else insert one; a concurrent insert loses on the key."""
        now = utcnow()
        table = SchedulerLease.__table__
        fields = {"holder": self.holder, "acquired_at": now, "expires_at": now + self.ttl}
        takeover = (
            update(table)
            .where(table.c.name == LEASE_NAME, or_(table.c.expires_at < now, table.c.holder == self.holder))
            .values(fields)
        )
        with self.engine.begin() as connection:
            taken = connection.execute(takeover).rowcount == 1
        if not taken:
            try:
                with self.engine.begin() as connection:
                    connection.execute(insert(table).values(name=LEASE_NAME, **fields))
            except IntegrityError:
                return False
        self.held_until = fields["expires_at"]
        return True

    def renew(self) -> bool:
        """Push the expiry on, if the row is still ours.

        When the database does not answer (locked by a long write, or away), the lease still counts as held
        while the last expiry we wrote is more than a heartbeat (a third of the lease) ahead: no other
        process can take the row before it expires.
        """
        table = SchedulerLease.__table__
        expires_at = utcnow() + self.ttl
        extend = (
            update(table)
            .where(table.c.name == LEASE_NAME, table.c.holder == self.holder)
            .values(expires_at=expires_at)
        )
        try:
            with self.engine.begin() as connection:
                renewed = connection.execute(extend).rowcount == 1
        except DBAPIError:
            return self.held_until is not None and utcnow() + self.ttl / 3 < self.held_until
        self.held_until = expires_at if renewed else None
        return renewed

    def release(self) -> None:
        """Delete the row, if it is still ours."""
        table = SchedulerLease.__table__
        self.held_until = None
        with self.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.name == LEASE_NAME, table.c.holder == self.holder))
