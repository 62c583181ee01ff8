"""Helpers for the account tests: the outbox and links read from mail bodies."""

import re
import time
from urllib.parse import urlsplit

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from agreements.accounts.tokens import TokenPurpose, serializer
from agreements.core.mail import OutboxMessage
from agreements.extensions import db

_LINK = re.compile(r"https?://\S+")


def outbox(to_address: str | None = None) -> list[OutboxMessage]:
    """Queued mail, optionally only to one address, oldest first."""
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if to_address is not None:
        query = query.where(OutboxMessage.to_address == to_address)
    return list(db.session.scalars(query))


def link_path(message: OutboxMessage) -> str:
    """The path of the single link in a mail, to be followed with the test client."""
    links = _LINK.findall(message.body_text)
    assert len(links) == 1, message.body_text
    return urlsplit(links[0]).path


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def signed_in_past(token: str, purpose: TokenPurpose, seconds_ago: float) -> str:
    """The same token payload signed as if ``seconds_ago`` seconds had passed since."""
    signer = serializer(purpose)
    payload = signer.loads(token)

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - seconds_ago)

    signer.signer = PastSigner
    return signer.dumps(payload)


def is_logged_in(client) -> bool:
    """True when the home page opens instead of redirecting to the login page."""
    return client.get("/").status_code == 200


@pytest.fixture
def new_password() -> str:
    return "Uusi-salasana-2026"
