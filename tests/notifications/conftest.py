"""Fixtures for notifications: the comment round world of tests/reviews (a drafter's draft, invited
providers and their people), clients, and reading the outbox."""

import pytest
from sqlalchemy import select

from agreements.core.mail import OutboxMessage
from agreements.extensions import db
from agreements.notifications.models import Notification
from tests.reviews.conftest import (  # noqa: F401 - fixtures shared with the review tests
    agreement,
    commenter,
    drafter,
    open_round,
    other_commenter,
    other_provider,
    provider,
    workshop,
)


def mails_to(user) -> list[OutboxMessage]:
    """The outbox messages queued to ``user``, oldest first."""
    db.session.flush()
    query = select(OutboxMessage).where(OutboxMessage.to_address == user.email).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def notifications_of(user) -> list[Notification]:
    """The user's notifications, oldest first."""
    db.session.flush()
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return list(db.session.scalars(query))


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
