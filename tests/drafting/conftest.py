"""Fixtures for drafting: the workshop's editor logged in, and the test package as a commitment template.

The workshop, its provider and editor, the bilateral test template and the draft come from tests/conftest.py.
"""

import pytest

from tests.support.client import log_in


@pytest.fixture
def editor_client(client, editor):
    """A client logged in as an editor of ``workshop``."""
    log_in(client, editor)
    return client


@pytest.fixture
def commitment_version(make_template_version):
    """The test package as a commitment template."""
    return make_template_version(key="test_commitment", kind="commitment")
