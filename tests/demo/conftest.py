"""The data set the demo tests read: generated once per module, each test rolled back to it."""

import pytest

from tests.support.demo import generate_small, synced


@pytest.fixture(scope="module")
def generated(shared_transaction):
    """The small data set on the day TODAY, with the test password; shared by the module's tests."""
    with shared_transaction():
        synced()
        return generate_small()
