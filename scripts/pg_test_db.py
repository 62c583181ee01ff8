"""Throwaway PostgreSQL databases for scripts/test.sh.

    python scripts/pg_test_db.py check          exit 0 when the server answers, else 1 with the reason
    python scripts/pg_test_db.py create         create sopimuspolku_test_<random>; print its URL
    python scripts/pg_test_db.py drop NAME      drop that database, even with connections left open

The server is reached through PG_ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
"""

import os
import secrets
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def shown(url: str) -> str:
    """The URL with any password masked, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def connect() -> psycopg.Connection:
    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)


def check() -> int:
    try:
        with connect() as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as error:
        print(f"PostgreSQL at {shown(ADMIN_URL)} cannot be used: {error}".strip(), file=sys.stderr)
        return 1
    print(f"PostgreSQL {version} at {shown(ADMIN_URL)}")
    return 0


def create() -> int:
    name = f"sopimuspolku_test_{secrets.token_hex(4)}"
    with connect() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(ADMIN_URL)
    print(urlunsplit(parts._replace(scheme="postgresql+psycopg", path=f"/{name}")))
    return 0


def drop(name: str) -> int:
    with connect() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    return 0


def main(argv: list[str]) -> int:
    commands = {"check": check, "create": create, "drop": drop}
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[0]](*argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
