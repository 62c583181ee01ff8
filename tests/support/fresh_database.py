"""A database nobody else uses, and the real `flask db` commands run against it in a subprocess."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text


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
