"""Fixtures of the reminder and renewal tests: a workshop and a provider with editors, signed agreements,
and a clock that runs the day's due work (automatic renewal, then reminders) at a given Helsinki time."""

from datetime import date, datetime, time

import pytest

from agreements.accounts.models import MembershipRole
from agreements.core.timeutil import HELSINKI
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reminders.jobs import renew_automatically, send_reminders
from tests.reviews.test_notifications import take_mail


@pytest.fixture
def workshop(make_organisation):
    return make_organisation(kind=OrganisationKind.WORKSHOP, name="Porin Työpaja")


@pytest.fixture
def provider(make_organisation):
    return make_organisation(kind=OrganisationKind.PROVIDER, name="Sataedu")


@pytest.fixture
def editor(make_user, workshop):
    """The drafting workshop's editor, who is reminded of the agreements' dates."""
    return make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Eeva Editori")


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


def at(day: date, hour: int = 9) -> datetime:
    """``hour`` o'clock, Helsinki time, on ``day``."""
    return datetime.combine(day, time(hour), tzinfo=HELSINKI)


def run_day(day: date, hour: int = 9) -> dict:
    """Run the due work as the scheduler would at ``hour`` on ``day``; the mails it queued, by address."""
    renew_automatically(at(day, hour))
    send_reminders(at(day, hour))
    db.session.commit()
    return take_mail()
