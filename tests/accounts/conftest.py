"""Fixtures of the account tests; their helpers (the outbox, links in mail, old tokens) are in
tests/support/messages.py and tests/support/accounts.py."""

import pytest


@pytest.fixture
def new_password() -> str:
    return "Uusi-salasana-2026"
