"""Fixtures of the template administration tests: a logged-in administrator."""

import pytest


@pytest.fixture
def admin(make_user):
    return make_user(admin=True, name="Anna Ylläpitäjä")


@pytest.fixture
def admin_client(client, admin, login):
    login(client, admin)
    return client
