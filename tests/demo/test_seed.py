"""`flask demo seed`: networks by AVI area, fictional organisations, one login per role, the demo commitment,
safe to rerun."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from agreements.accounts.models import Membership, MembershipRole, User
from agreements.core.audit import AuditEvent, verify_chains
from agreements.demo.cli import DEMO_PASSWORD
from agreements.demo.data import COMMITMENT, ULA, USERS
from agreements.drafting.models import Agreement, AgreementParty, AgreementStatus
from agreements.extensions import db
from agreements.organisations import business_id
from agreements.organisations.models import Language, Network, NetworkKind, Organisation, OrganisationKind
from agreements.signatures.models import Signature, SigningMode
from agreements.signatures.queries import latest_request
from tests.support.demo import synced
from tests.support.signing_events import check_events, helsinki_day, request_events


@pytest.fixture
def seed(app):
    """Run `flask demo seed` and return its output, failing on a non-zero exit."""

    def run() -> str:
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        return result.output

    return run


def counts() -> dict[str, int]:
    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return {
        "networks": count(Network),
        "workshops": count(Organisation, Organisation.kind == OrganisationKind.WORKSHOP),
        "providers": count(Organisation, Organisation.kind == OrganisationKind.PROVIDER),
        "users": count(User),
        "memberships": count(Membership),
        "agreements": count(Agreement),
        "signatures": count(Signature),
        "audit events": count(AuditEvent),
    }


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_seed_creates_networks_organisations_and_one_user_per_role(seed):
    seed()

    assert counts() == {
        "networks": 7,
        "workshops": 30,
        "providers": 12,
        "users": 13,
        "memberships": 11,
        "agreements": 0,
        "signatures": 0,
        "audit events": 0,
    }


def test_seeding_twice_creates_nothing_new(seed):
    seed()
    first = counts()

    output = seed()

    assert counts() == first
    assert "created 0 networks, 0 workshops, 0 education providers and 0 users" in output


def test_networks_follow_the_avi_areas_and_ula_has_the_swedish_speaking_organisations_as_members(seed):
    seed()
    regions = {n.name: {r.code for r in n.regions} for n in db.session.scalars(select(Network))}

    assert regions["ALU Etelä-Suomi"] == {"01", "05", "07", "08", "09"}
    assert regions["ALU Lappi"] == {"19"}
    ula = db.session.scalar(select(Network).where(Network.name == ULA))
    assert ula.kind == NetworkKind.MEMBERSHIP and regions[ULA] == set()
    assert {member.name for member in ula.members} == {
        "Ungdomsverkstaden Strandråg",
        "Verkstaden Skärgårdsbris",
        "Verkstaden Havtorn",
        "Verkstaden Lärkan",
        "Ungdomsverkstaden Sjöbris",
        "Yrkesskolan Ankaret",
        "Yrkesinstitutet Kustvind",
        "Uudenmaan Taitoakatemia",
    }
    avi_regions = set().union(*(codes for name, codes in regions.items() if name.startswith("ALU")))
    assert len(avi_regions) == 18
    assert "21" not in avi_regions


def test_every_business_id_has_a_valid_check_digit(seed):
    seed()
    ids = list(db.session.scalars(select(Organisation.business_id)))

    assert ids
    assert all(business_id.is_valid(value) for value in ids), ids


def test_organisations_are_spread_across_regions_in_both_languages(seed):
    seed()
    organisations = list(db.session.scalars(select(Organisation)))

    assert len({o.region_id for o in organisations}) >= 15
    assert sum(o.language == Language.SV for o in organisations) >= 4


@pytest.mark.parametrize("demo_user", USERS, ids=lambda u: u.role_label)
def test_each_role_has_a_login_with_the_right_rights(seed, demo_user):
    seed()
    account = user(demo_user.email)

    assert account.check_password(DEMO_PASSWORD)
    assert account.is_admin == demo_user.admin
    assert {n.name for n in account.coordinated_networks} == set(demo_user.networks)
    expected = {(demo_user.organisation, demo_user.role)} if demo_user.organisation else set()
    assert {(m.organisation.name, m.role) for m in account.memberships} == expected


def test_workshop_and_provider_roles_belong_to_the_right_kind_of_organisation(seed):
    seed()

    def kinds(email: str) -> set[OrganisationKind]:
        return {m.organisation.kind for m in user(email).memberships}

    assert kinds("workshop-viewer@demo.sopimuspolku.fi") == {OrganisationKind.WORKSHOP}
    assert kinds("workshop-admin@demo.sopimuspolku.fi") == {OrganisationKind.WORKSHOP}
    assert kinds("provider-signatory@demo.sopimuspolku.fi") == {OrganisationKind.PROVIDER}
    roles = {m.role for m in db.session.scalars(select(Membership))}
    assert roles == set(MembershipRole)


def test_output_lists_every_login_and_warns_the_password_is_for_the_demo_only(seed):
    output = seed()

    assert all(demo_user.email in output for demo_user in USERS)
    assert DEMO_PASSWORD in output
    assert "for the demo only" in output


def test_a_rerun_keeps_a_password_the_user_changed(seed):
    seed()
    account = user("admin@demo.sopimuspolku.fi")
    account.set_password("Oma-salasana-123")
    db.session.commit()

    output = seed()

    assert user("admin@demo.sopimuspolku.fi").check_password("Oma-salasana-123")
    assert "keep the password they had" in output


def commitment() -> Agreement:
    return db.session.scalar(select(Agreement).where(Agreement.title == COMMITMENT["title"]))


def test_the_demo_commitment_waits_for_the_templates(seed):
    output = seed()

    assert commitment() is None
    assert "flask templates sync" in output


def test_the_demo_commitment_is_joined_declined_unanswered_and_joined_late(seed):
    synced()

    output = seed()

    agreement = commitment()
    request = latest_request(agreement)
    answers = {party.organisation.name: party.status.value for party in request.parties}
    assert agreement.status == AgreementStatus.SIGNED and agreement.owner.name == COMMITMENT["owner"]
    assert (request.mode, request.status.value) == (SigningMode.ACCESSION, "pending")
    assert answers == {
        answer.organisation: {"join": "signed", "decline": "declined", "none": "pending"}[answer.answer]
        for answer in COMMITMENT["answers"]
    }
    late = request.party_of(_organisation("Harjurinteen ammattiopisto").id)
    assert helsinki_day(late.invited_at) == helsinki_day(request.sent_at) + timedelta(days=50)
    assert "1 declined, 1 not answered yet" in output
    (approval,) = agreement.approvals  # the shipped commitment requires approval before it opens
    assert (approval.version_id, approval.body) == (request.version_id, COMMITMENT["approval"]["body"])
    assert approval.recorded_at < request.sent_at
    check_events(request, request_events(request))
    assert verify_chains()[1] == []


def test_each_organisation_of_the_commitment_is_bound_from_the_day_it_joined(seed):
    synced()
    seed()

    request = latest_request(commitment())
    for party in request.parties:
        terms = db.session.get(AgreementParty, (request.agreement_id, party.organisation_id))
        joined = helsinki_day(party.signed_at) if party.signed_at else None
        assert (terms.bound, terms.joined_on) == (joined is not None, joined)
    assert request.sent_at < min(party.signed_at for party in request.parties if party.signed_at)


def test_seeding_again_leaves_the_commitment_as_it_was(seed):
    synced()
    seed()
    first = counts()

    output = seed()

    assert counts() == first
    assert "(existed)" in output


def _organisation(name: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))
