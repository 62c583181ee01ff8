"""Fixtures for notifications: the comment round world of tests/support/review_world.py (a drafter's
draft, invited providers and their people) and clients of its people."""

import pytest

from tests.support.review_world import (  # noqa: F401 - fixtures
    agreement,
    commenter,
    open_round,
    other_commenter,
    other_provider,
)


@pytest.fixture
def user_client(app, login):
    """Factory: a client logged in as ``user``, reading English."""

    def make(user):
        client = app.test_client()
        with client.session_transaction() as session:
            session["locale"] = "en"
        login(client, user)
        return client

    return make
