"""`flask demo seed`: networks by AVI area, fictional organisations, one login per role, safe to rerun."""

import pytest
from sqlalchemy import func, select

from agreements.accounts.models import Membership, MembershipRole, User
from agreements.demo.cli import DEMO_PASSWORD
from agreements.demo.data import USERS
from agreements.extensions import db
from agreements.organisations import business_id
from agreements.organisations.models import Language, Network, Organisation, OrganisationKind


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
    }


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_seed_creates_networks_organisations_and_one_user_per_role(seed):
    seed()

    assert counts() == {"networks": 7, "workshops": 30, "providers": 12, "users": 8, "memberships": 6}


def test_seeding_twice_creates_nothing_new(seed):
    seed()
    first = counts()

    output = seed()

    assert counts() == first
    assert "created 0 networks, 0 workshops, 0 education providers and 0 users" in output


def test_networks_follow_the_avi_areas_and_ula_covers_swedish_speaking_regions(seed):
    seed()
    regions = {n.name: {r.code for r in n.regions} for n in db.session.scalars(select(Network))}

    assert regions["ALU Etelä-Suomi"] == {"01", "05", "07", "08", "09"}
    assert regions["ALU Lappi"] == {"19"}
    assert regions["ULA – svenskspråkiga och tvåspråkiga verkstäder"] == {"01", "02", "15", "16", "21"}
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
