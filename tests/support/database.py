"""How tests leave the database as the migrations made it: rolled back, or emptied for the few that commit.

A rolled-back test runs on one connection inside an outer transaction. Every session of the test (its
own and the fresh one of each request the test client makes) is bound to that connection and joins it
with a SAVEPOINT (``join_transaction_mode="create_savepoint"``), so the application's ``commit()`` releases
a savepoint and its ``rollback()`` goes back to one; at the end the outer transaction is rolled back.
A module may also share one world between its tests: it is committed inside a module-wide transaction and
each test runs in a savepoint of it (``shared_transaction``).

Tests marked ``committing`` (other connections, threads or processes must see their data) commit for
real and are emptied with DELETE afterwards. A rolled-back test that opens another connection to the
test database, or uses the database from another thread, fails at once and says so.
"""

import contextlib
import functools
import threading

from flask_sqlalchemy.session import Session
from sqlalchemy import event, exists, literal, select, union_all

from agreements.extensions import db

#: Tables that hold reference data created by migrations; everything else starts every test empty.
KEPT_TABLES = {"regions", "alembic_version"}


class _Binding:
    """The connection rolled-back tests write through, the engine it came from and the thread using it."""

    connection = None
    engine = None
    thread = None


_binding = _Binding()


class RolledBackSession(Session):
    """A Flask-SQLAlchemy session that, during a rolled-back test, uses that test's connection."""

    def get_bind(self, *args, **kwargs):
        bind = super().get_bind(*args, **kwargs)
        if _binding.connection is None or bind is not _binding.engine:
            return bind
        if threading.get_ident() != _binding.thread:
            raise RuntimeError(
                "another thread used the database during a rolled-back test: mark the test "
                "@pytest.mark.committing so that its data is committed for real"
            )
        return _binding.connection


def install_session() -> None:
    """Make ``db.session`` hand out RolledBackSessions that join the test's transaction with a savepoint."""
    db.session.session_factory.class_ = RolledBackSession
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    event.listen(RolledBackSession, "after_flush", _remember_flush)
    event.listen(RolledBackSession, "after_transaction_end", _forget_flush)


def _remember_flush(session, _context) -> None:
    session.info["flushed"] = True


def _forget_flush(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("flushed", None)


def end_clean_transaction(session) -> None:
    """End the test's own transaction before a request when it has changed nothing.

    Both share one connection: left open, the request's savepoint would sit inside the test's, and a
    later ``rollback()`` by the test would take back what the request committed.
    """
    if session.in_transaction() and not (
        session.new or session.dirty or session.deleted or session.info.get("flushed")
    ):
        session.rollback()


def guard_engine(engine) -> None:
    """Refuse a second connection to the test database while a rolled-back test runs."""

    def checkout(_dbapi_connection, _record, _proxy):
        if _binding.connection is not None and _binding.engine is engine:
            raise RuntimeError(
                "a rolled-back test opened another connection to the test database, which cannot see "
                "its uncommitted data: mark the test @pytest.mark.committing"
            )

    event.listen(engine, "checkout", checkout)


@contextlib.contextmanager
def outer_transaction(engine):
    """One connection in a transaction that is rolled back at the end; sessions join it meanwhile."""
    connection = engine.connect()
    driver = connection.connection.driver_connection
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        # pysqlite's own BEGIN handling breaks SAVEPOINTs: begin ourselves, on this connection only
        # (SQLAlchemy's recipe "Serializable isolation / Savepoints / Transactional DDL").
        driver.isolation_level = None
    transaction = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    _binding.connection, _binding.engine, _binding.thread = connection, engine, threading.get_ident()
    try:
        yield connection
    finally:
        _binding.connection = _binding.engine = _binding.thread = None
        transaction.rollback()
        if sqlite:
            driver.isolation_level = ""  # pysqlite's default again for the connection's next user
        connection.close()


@contextlib.contextmanager
def rolled_back(engine):
    """Run the block in a transaction of its own, or in a savepoint of the module's shared one."""
    if _binding.connection is None:
        with outer_transaction(engine):
            yield
        return
    savepoint = _binding.connection.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()


def in_shared_transaction() -> bool:
    return _binding.connection is not None


def empty_tables() -> None:
    """DELETE, child tables first: far faster than TRUNCATE on PostgreSQL for tables this small.

    Inside a rolled-back test, in its transaction; otherwise committed.
    """
    with _connection_for_writing() as connection:
        for table in _emptied_tables()[::-1]:
            connection.execute(table.delete())


@contextlib.contextmanager
def _connection_for_writing():
    if _binding.connection is None:
        with db.engine.begin() as connection:
            yield connection
    else:
        with _binding.connection.begin_nested():
            yield _binding.connection


def tables_with_rows() -> list[str]:
    """Names of the tables that should be empty but hold rows, found with one statement."""
    with db.engine.connect() as connection:
        return list(connection.scalars(_rows_left_query()))


@functools.cache
def _rows_left_query():
    """The one statement of tables_with_rows, built once: the tables do not change during a run."""
    return union_all(
        *(select(literal(table.name)).where(exists().select_from(table)) for table in _emptied_tables())
    )


def _emptied_tables():
    return [table for table in db.metadata.sorted_tables if table.name not in KEPT_TABLES]


@contextlib.contextmanager
def counted_statements():
    """Count the SQL statements run inside the block: the yielded list's length, one entry per statement."""
    statements = []

    def tally(_connection, _cursor, statement, *_rest):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", tally)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", tally)
