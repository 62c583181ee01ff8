"""The migrations, run through the real `flask db` commands on a database nobody else uses.

Upgrade from empty to head, downgrade to base, upgrade again, and `flask db check` finds no difference
between the models and the migrated schema. On SQLite by default; on a fresh PostgreSQL database beside
TEST_DATABASE_URL's when that names a PostgreSQL server.
"""

from sqlalchemy import inspect, text

from tests.support.fresh_database import connected, flask_db, fresh_database_url  # noqa: F401 - a fixture


def tables(database_url: str) -> set[str]:
    with connected(database_url) as connection:
        return set(inspect(connection).get_table_names())


def region_count(database_url: str) -> int:
    with connected(database_url) as connection:
        return connection.execute(text("SELECT count(*) FROM regions")).scalar_one()


def test_migrations_go_up_down_and_up_again_without_drift(fresh_database_url):  # noqa: F811 - the fixture
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
