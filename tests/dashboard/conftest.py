"""Fixtures of the dashboard tests: a template of each kind and a field of networks and workshops."""

from datetime import date

import pytest

from agreements.accounts.models import MembershipRole
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reminders.renewal import give_notice

PROVIDER = OrganisationKind.PROVIDER


@pytest.fixture
def templates(make_template_version) -> dict:
    """A template version of each kind, by kind."""
    return {
        kind: make_template_version(key=f"{kind}_template", kind=kind)
        for kind in ("bilateral", "annex", "commitment")
    }


@pytest.fixture
def field(make_organisation, make_network, make_user, make_agreement, templates):
    """Two networks (Pirkanmaa, Uusimaa), a workshop with a signed agreement in each and one without."""
    home = make_network(name="ALU Pirkanmaa", region_codes=("06",))
    away = make_network(name="ALU Uusimaa", region_codes=("01",))
    signed_here = make_organisation(kind=OrganisationKind.WORKSHOP, region_code="06", name="Tampereen Paja")
    idle_here = make_organisation(kind=OrganisationKind.WORKSHOP, region_code="06", name="Oriveden Paja")
    provider = make_organisation(kind=OrganisationKind.PROVIDER, region_code="06", name="Tredu")
    away_workshop = make_organisation(kind=OrganisationKind.WORKSHOP, region_code="01", name="Helsingin Paja")
    today = date.today()
    for owner in (signed_here, away_workshop):
        make_agreement(
            owner=owner,
            providers=[provider],
            status=AgreementStatus.SIGNED,
            template_version=templates["bilateral"],
            start_date=date(today.year - 1, 1, 1),
            end_date=date(today.year + 1, 12, 31),
        )
    coordinator = make_user(networks=[home])
    member = make_user(organisation=signed_here, role=MembershipRole.EDITOR)
    return {"home": home, "away": away, "coordinator": coordinator, "member": member, "idle": idle_here}


@pytest.fixture
def notice_given_alone(field, make_organisation, make_agreement, templates):
    """Make an agreement of the field's idle workshop in force from last year to the next, whose provider
    named ``name`` gave notice alone on 1.6. last year (its part ending 1.9.), the other provider staying."""

    def make(name: str):
        today = date.today()
        leaving = make_organisation(kind=PROVIDER, region_code="06", name=name)
        agreement = make_agreement(
            owner=field["idle"],
            providers=[
                leaving,
                make_organisation(kind=OrganisationKind.PROVIDER, region_code="06", name="Aa"),
            ],
            status=AgreementStatus.SIGNED,
            template_version=templates["bilateral"],
            start_date=date(today.year - 1, 1, 1),
            end_date=date(today.year + 1, 12, 31),
        )
        give_notice(agreement, leaving, date(today.year - 1, 6, 1), "", None, today=today)
        db.session.commit()
        return agreement

    return make
