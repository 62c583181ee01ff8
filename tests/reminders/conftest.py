"""Fixtures of the reminder and renewal tests: an editor of the provider and signed agreements.

The workshop, its editor (who is reminded of the agreements' dates) and the provider come from
tests/conftest.py; the clock that runs the day's due work is in tests/support/reminders.py.
"""

import pytest

from agreements.accounts.models import MembershipRole
from agreements.drafting.models import AgreementStatus


@pytest.fixture
def provider_editor(make_user, provider):
    return make_user(organisation=provider, role=MembershipRole.EDITOR, name="Pekka Provider")


@pytest.fixture
def signed(make_agreement, workshop, provider, editor):
    """Factory: a signed agreement between the workshop and the provider, 1.8.2026–31.7.2027 unless told."""

    def make(**dates):
        return make_agreement(
            owner=workshop, providers=[provider], status=AgreementStatus.SIGNED, created_by=editor, **dates
        )

    return make
