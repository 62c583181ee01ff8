"""A database connection lost during a request: a translated 503 page, and the next request works.

PostgreSQL only: the test ends the app's own server processes with ``pg_terminate_backend`` from another
connection, which SQLite (no server, no connections to end) cannot do.
"""

import contextlib

import psycopg
import pytest
from sqlalchemy import event

from agreements.accounts.models import UILanguage
from agreements.extensions import db
from tests.support import factories

pytestmark = [pytest.mark.postgresql, pytest.mark.committing]


def _terminate_app_connections() -> int:
    """End every other server process of the test database, from a connection of our own."""
    url = db.engine.url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        return admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


@contextlib.contextmanager
def _connection_killed_mid_request(statement: int = 0, starting: str = ""):
    """Terminate the app's connections just before its ``statement``-th statement (counted from 1), or
    each that starts with ``starting``, runs."""
    seen = []

    def before(conn, cursor, text, parameters, context, executemany):
        seen.append(text)
        if len(seen) == statement or (starting and text.startswith(starting) and not statement):
            _terminate_app_connections()

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


@pytest.fixture
def member(app):
    organisation = factories.make_organisation()
    user = factories.make_user(organisation, locale=UILanguage.FI)
    db.session.commit()
    return user


def test_connections_ended_between_requests_are_replaced_unseen(app, client, login, member):
    login(client, member)
    assert _terminate_app_connections() >= 0

    assert client.get("/agreements/").status_code == 200


@pytest.mark.parametrize("statement", [1, 2])
def test_connection_lost_in_a_request_answers_503_in_the_users_language_then_works(
    app, client, login, member, statement
):
    login(client, member)

    with _connection_killed_mid_request(statement=statement):
        response = client.get("/agreements/")

    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Palvelu ei ole juuri nyt käytettävissä" in page
    assert "Nothing was saved" not in page
    assert client.get("/agreements/").status_code == 200


def test_connection_lost_while_saving_keeps_nothing_and_the_form_can_be_sent_again(
    app, client, login, member
):
    login(client, member)
    with _connection_killed_mid_request(starting="UPDATE users"):
        refused = client.post("/language", data={"locale": "sv"})

    assert refused.status_code == 503
    db.session.expire_all()
    assert db.session.get(type(member), member.id).locale == UILanguage.FI
    assert client.post("/language", data={"locale": "sv"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(member), member.id).locale == UILanguage.SV


def test_a_database_that_stays_away_still_answers_the_503_page(app, client, login, member):
    login(client, member)

    with _connection_killed_mid_request(starting="SELECT"):
        response = client.get("/agreements/")

    assert response.status_code == 503
    assert "Service temporarily unavailable" in response.get_data(as_text=True)
    assert client.get("/agreements/").status_code == 200
