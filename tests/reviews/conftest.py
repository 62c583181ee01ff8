"""Fixtures for comment rounds: the world of tests/support/review_world.py (a draft by a workshop, invited
organisations and people, an open round)."""

from tests.support.review_world import (  # noqa: F401 - fixtures
    agreement,
    comment_round,
    commenter,
    drafter_client,
    open_round,
    other_commenter,
    other_provider,
)
