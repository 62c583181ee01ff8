"""A database nobody else uses, and the real `flask` commands run against it in a subprocess."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text


@contextmanager
def fresh_database(directory: Path):
    """An empty database of the kind the suite runs on (a SQLite file in ``directory``, or a PostgreSQL
    database beside TEST_DATABASE_URL's); its URL, the database dropped afterwards."""
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgres"):
        yield f"sqlite:///{directory / 'migrations.sqlite3'}"
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


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the kind the suite runs on; dropped afterwards."""
    with fresh_database(tmp_path) as url:
        yield url


def flask_db(database_url: str, *args: str) -> str:
    """Run `flask db ARGS` against the database; fail the test with its output when it fails."""
    return flask_command(database_url, "db", *args)


def flask_command(database_url: str, *args: str, source: Path | None = None, timeout: int = 120) -> str:
    """Run `flask ARGS` against the database, with this checkout's code or that of another (``source``);
    fail the test with its output when it fails."""
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env.update(FLASK_APP="agreements", DATABASE_URL=database_url)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    result = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        env=env,
        cwd=source,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"`flask {' '.join(args)}` failed:\n{output}"
    return output


@contextmanager
def connected(database_url: str):
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()
