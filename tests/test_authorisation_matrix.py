"""Every route × every role, with the answer each role must get.

The table below is checked against the app's URL map: a route without a row fails the suite, so nobody
can add a page and forget to decide who may use it. Pages for logged-in users send anonymous visitors to
the login page (302); admin pages without an id answer 403; pages that take an id answer 404 for a
missing and a forbidden object alike.
"""

import pytest

from agreements import create_app
from agreements.accounts.models import User
from agreements.extensions import db
from config import TestingConfig
from tests.support.route_matrix import ADMIN, MATRIX, ROLES, build_world, client_as, route_url


def _routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_a_row_in_the_matrix(app):
    routes = _routes(app)
    assert not routes - MATRIX.keys(), (
        f"routes without an authorisation rule: {sorted(routes - MATRIX.keys())}"
    )
    assert not MATRIX.keys() - routes, (
        f"rules for routes that no longer exist: {sorted(MATRIX.keys() - routes)}"
    )


@pytest.fixture(scope="module")
def built_world(shared_transaction):
    """One user per role around the workshop W, plus objects in another region: (user ids, URL values).

    Built once; every test that uses it is rolled back to it, so a POST that changes an object changes
    it for that test only.
    """
    with shared_transaction():
        users, url_values = build_world()
        return {role: user.id for role, user in users.items()}, url_values


@pytest.fixture
def world(built_world):
    """The shared world's users (loaded in this test) and URL values."""
    user_ids, url_values = built_world
    return {role: db.session.get(User, user_id) for role, user_id in user_ids.items()}, url_values


def _answers(clients: dict, url: str, method: str) -> dict[str, int]:
    """The status each role's client gets for ``url``."""
    return {
        role: (client.get(url) if method == "GET" else client.post(url, data={})).status_code
        for role, client in clients.items()
    }


def test_every_page_answers_each_role_as_the_matrix_says(app, world):
    """GETs change nothing that decides access, so they share one world and one logged-in client per role."""
    users, url_values = world
    clients = {role: client_as(app, users.get(role)) for role in ROLES}
    wrong = {}
    for endpoint, method in sorted(key for key in MATRIX if key[1] == "GET"):
        url = route_url(app, endpoint, url_values)
        got, expected = _answers(clients, url, method), MATRIX[(endpoint, method)]
        if got != expected:
            wrong[f"{method} {url}"] = {
                role: (expected[role], got[role]) for role in ROLES if got[role] != expected[role]
            }
    assert not wrong, f"role: (expected, got) per page: {wrong}"


@pytest.mark.parametrize(("endpoint", "method"), sorted(key for key in MATRIX if key[1] != "GET"))
def test_form_answers_each_role_as_the_matrix_says(app, world, endpoint, method):
    """A POST may change the objects, so each starts from the world as built (rolled back to it); roles in
    ROLES order, admin last."""
    users, url_values = world
    url = route_url(app, endpoint, url_values)
    clients = {role: client_as(app, users.get(role)) for role in ROLES}
    assert _answers(clients, url, method) == MATRIX[(endpoint, method)], f"{method} {url}"


#: Endpoints whose URL takes an object id, read from the app's own URL map.
ID_ROUTES = {rule.endpoint for rule in create_app(TestingConfig).url_map.iter_rules() if "_id>" in rule.rule}


def test_a_missing_object_is_404_even_for_an_administrator(app, world):
    """Nothing exists under the missing ids, so every route is asked on the same world."""
    users, url_values = world
    client = {ADMIN: client_as(app, users[ADMIN])}
    missing = {name: (999_999 if name.endswith("_id") else value) for name, value in url_values.items()}
    answers_by_url = {
        f"{method} {url}": _answers(client, url, method)[ADMIN]
        for endpoint, method in sorted(key for key in MATRIX if key[0] in ID_ROUTES)
        for url in [route_url(app, endpoint, missing)]
    }
    assert {key: status for key, status in answers_by_url.items() if status != 404} == {}
