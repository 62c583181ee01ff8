"""The migrations, run through the real `flask db` commands on a database nobody else uses.

Upgrade from empty to head, downgrade to base, upgrade again, and `flask db check` finds no difference
between the models and the migrated schema. On SQLite by default; on a fresh PostgreSQL database beside
TEST_DATABASE_URL's when that names a PostgreSQL server.
"""

from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

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


#: Memberships written before the organisation administrator role: (id, user_id, organisation_id, role).
MEMBERSHIP_ROWS = [(1, 1, 1, "editor"), (2, 1, 1, "signatory"), (3, 2, 1, "viewer")]
NOW = "2026-12-01 10:00:00"


def _memberships(connection) -> list[tuple]:
    rows = connection.execute(text("SELECT id, user_id, organisation_id, role FROM memberships ORDER BY id"))
    return [tuple(row) for row in rows]


def _insert_people(connection) -> None:
    """One organisation, two users and their memberships, written as the schema before the admin role."""
    flags = {"yes": True, "no": False, "now": NOW}
    connection.execute(
        text(
            "INSERT INTO organisations (id, kind, name, business_id, region_id, municipality, language, "
            "active, created_at) SELECT 1, 'workshop', 'Paja', '1234567-1', min(id), 'Tampere', 'fi', "
            ":yes, :now FROM regions"
        ),
        flags,
    )
    for user_id in (1, 2):
        connection.execute(
            text(
                "INSERT INTO users (id, email, name, locale, active, is_admin, created_at, "
                "calendar_feed_generation) VALUES (:id, :email, 'Testi', 'fi', :yes, :no, :now, 0)"
            ),
            {"id": user_id, "email": f"user{user_id}@example.fi", **flags},
        )
    for row in MEMBERSHIP_ROWS:
        _insert_membership(connection, *row)


def _insert_membership(connection, *row) -> None:
    connection.execute(
        text(
            "INSERT INTO memberships (id, user_id, organisation_id, role, created_at) "
            "VALUES (:id, :user_id, :organisation_id, :role, :now)"
        ),
        dict(zip(("id", "user_id", "organisation_id", "role"), row, strict=True), now=NOW),
    )


def _refused(database_url: str, role: str) -> bool:
    """True when the memberships' CHECK constraint refuses ``role``; nothing is kept either way."""
    with connected(database_url) as connection:
        transaction = connection.begin()
        try:
            _insert_membership(connection, 99, 2, 1, role)
        except IntegrityError:
            return True
        finally:
            transaction.rollback()
    return False


def test_the_organisation_administrator_role_keeps_the_memberships(fresh_database_url):  # noqa: F811
    url = fresh_database_url
    flask_db(url, "upgrade", "e2f3a4b5c6d7")
    with connected(url) as connection, connection.begin():
        _insert_people(connection)
    assert _refused(url, "admin")

    flask_db(url, "upgrade", "c8b3b4376403")
    with connected(url) as connection, connection.begin():
        assert _memberships(connection) == MEMBERSHIP_ROWS
        _insert_membership(connection, 4, 2, 1, "admin")
    assert _refused(url, "owner")

    flask_db(url, "downgrade", "e2f3a4b5c6d7")
    with connected(url) as connection:
        assert _memberships(connection) == MEMBERSHIP_ROWS
    assert _refused(url, "admin")
