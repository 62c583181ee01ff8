"""Fixtures of the dashboard tests."""

import pytest


@pytest.fixture
def templates(make_template_version) -> dict:
    """A template version of each kind, by kind."""
    return {
        kind: make_template_version(key=f"{kind}_template", kind=kind)
        for kind in ("bilateral", "annex", "commitment")
    }
