"""The organisation page: who may open it and who sees its members."""

import pytest

from agreements.accounts.models import MembershipRole


def test_member_opens_their_own_organisation_and_sees_its_members(member_client, make_user):
    workshop = member_client.organisation
    make_user(organisation=workshop, role=MembershipRole.SIGNATORY, name="Sanna Allekirjoittaja")
    response = member_client.get(f"/organisations/{workshop.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Oma Työpaja" in page and "0737546-2" in page and "Pirkanmaa" in page
    assert "Members" in page and "Eero Editori" in page and "Sanna Allekirjoittaja" in page


def test_member_gets_404_for_another_organisation(member_client, make_organisation):
    other = make_organisation(name="Naapurin Paja")
    assert member_client.get(f"/organisations/{other.id}").status_code == 404


@pytest.mark.parametrize("organisation_id", [999999, 2**31, 2**63, 10**30])
def test_missing_organisation_is_404_even_beyond_the_range_of_ids(admin_client, organisation_id):
    assert admin_client.get(f"/organisations/{organisation_id}").status_code == 404


def test_coordinator_reads_an_organisation_in_their_regions_without_members(
    coordinator_client, make_organisation, make_user, pirkanmaa_network
):
    workshop = make_organisation(name="Verkoston Paja", region_code="13")
    make_user(organisation=workshop, name="Piilotettu Jäsen")
    page = coordinator_client.get(f"/organisations/{workshop.id}").get_data(as_text=True)
    assert "Verkoston Paja" in page and pirkanmaa_network.name in page
    assert "Piilotettu Jäsen" not in page
    assert f"/organisations/{workshop.id}/edit" not in page


def test_coordinator_gets_404_for_another_regions_organisation(coordinator_client, make_organisation):
    helsinki = make_organisation(name="Helsingin Paja", region_code="01")
    assert coordinator_client.get(f"/organisations/{helsinki.id}").status_code == 404


def test_administrator_sees_members_networks_and_actions(
    admin_client, make_organisation, make_user, make_network
):
    make_network(name="ALU Pirkanmaa", region_codes=("06",))
    make_network(name="ALU Uusimaa", region_codes=("01",))
    workshop = make_organisation(name="Hallinnoitu Paja")
    make_user(organisation=workshop, role=MembershipRole.VIEWER, name="Ville Katselija")
    page = admin_client.get(f"/organisations/{workshop.id}").get_data(as_text=True)
    assert "Ville Katselija" in page and "Viewer" in page
    assert "ALU Pirkanmaa" in page and "ALU Uusimaa" not in page
    assert f"/organisations/{workshop.id}/edit" in page and f"/organisations/{workshop.id}/deactivate" in page
