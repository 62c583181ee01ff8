"""The migrations, run through the real `flask db` commands on a database nobody else uses.

Upgrade from empty to head, downgrade to base, upgrade again, and `flask db check` finds no difference
between the models and the migrated schema. On SQLite by default; on a fresh PostgreSQL database beside
TEST_DATABASE_URL's when that names a PostgreSQL server.
"""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, inspect, make_url, text


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the kind the suite runs on; dropped afterwards."""
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = make_url(test_url).set(drivername="postgresql+psycopg")
    name = f"{url.database}_migrations_{uuid.uuid4().hex[:6]}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def flask_db(database_url: str, *args: str) -> str:
    """Run `flask db ARGS` against the database; fail the test with its output when it fails."""
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env.update(FLASK_APP="agreements", DATABASE_URL=database_url)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "db", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"`flask db {' '.join(args)}` failed:\n{output}"
    return output


@contextmanager
def connected(database_url: str):
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def tables(database_url: str) -> set[str]:
    with connected(database_url) as connection:
        return set(inspect(connection).get_table_names())


def region_count(database_url: str) -> int:
    with connected(database_url) as connection:
        return connection.execute(text("SELECT count(*) FROM regions")).scalar_one()


def test_migrations_go_up_down_and_up_again_without_drift(fresh_database_url):
    url = fresh_database_url

    flask_db(url, "upgrade")
    assert {"organisations", "users", "memberships", "networks", "audit_events"} <= tables(url)
    assert region_count(url) == 19
    assert "No new upgrade operations detected" in flask_db(url, "check")

    flask_db(url, "downgrade", "base")
    assert tables(url) <= {"alembic_version"}

    flask_db(url, "upgrade")
    assert region_count(url) == 19
    assert "No new upgrade operations detected" in flask_db(url, "check")
