"""Networks: the list, the network page, and administrators creating, editing and deleting them."""

import re

import pytest
from sqlalchemy import select

from agreements.extensions import db
from agreements.organisations.models import Network, Organisation, OrganisationKind
from tests.support.audit import audit_events
from tests.support.factories import region


def region_ids(*codes: str) -> list[str]:
    return [str(region(code).id) for code in codes]


def test_administrator_sees_every_network_with_regions_and_counts(
    admin_client, make_network, make_organisation
):
    make_network(name="ALU Länsi", region_codes=("06", "13"))
    make_network(name="ALU Lappi", region_codes=("19",))
    make_organisation(region_code="06")
    make_organisation(region_code="13")
    make_organisation(kind=OrganisationKind.PROVIDER, region_code="06")
    make_organisation(region_code="06", active=False)
    page = admin_client.get("/networks/").get_data(as_text=True)
    assert "ALU Länsi" in page and "ALU Lappi" in page
    assert "Pirkanmaa, Keski-Suomi" in page
    row = re.search(r"ALU Länsi</a></td>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["2", "1"]


def test_coordinator_sees_only_their_own_networks(coordinator_client, make_network, pirkanmaa_network):
    other = make_network(name="ALU Etelä", region_codes=("01",))
    page = coordinator_client.get("/networks/").get_data(as_text=True)
    assert pirkanmaa_network.name in page and "ALU Etelä" not in page
    assert coordinator_client.get(f"/networks/{pirkanmaa_network.id}").status_code == 200
    assert coordinator_client.get(f"/networks/{other.id}").status_code == 404


def test_workshop_member_may_not_see_networks(member_client, make_network):
    network = make_network()
    assert member_client.get("/networks/").status_code == 403
    assert member_client.get(f"/networks/{network.id}").status_code == 404


def test_network_page_shows_regions_coordinators_and_a_link_to_its_organisations(
    admin_client, coordinator, pirkanmaa_network, make_organisation
):
    make_organisation(region_code="13")
    page = admin_client.get(f"/networks/{pirkanmaa_network.id}").get_data(as_text=True)
    assert "Pirkanmaa" in page and "Keski-Suomi" in page
    assert "Kaisa Koordinaattori" in page
    assert f"/organisations/?network={pirkanmaa_network.id}" in page
    assert re.search(r"Active workshops</dt><dd[^>]*>1</dd>", page)


def test_create_network_with_regions(admin_client):
    response = admin_client.post(
        "/networks/new",
        data={
            "name": "ALU Itä",
            "description": "Itä-Suomen pajat",
            "region_ids": region_ids("10", "11", "12"),
            "active": "y",
        },
    )
    network = db.session.scalar(select(Network).where(Network.name == "ALU Itä"))
    assert response.status_code == 302
    assert [r.code for r in network.regions] == ["10", "11", "12"]
    [event] = audit_events("network.create")
    assert event.details["regions"] == ["10", "11", "12"]


def test_network_form_offers_the_19_regions_as_checkboxes(admin_client):
    page = admin_client.get("/networks/new").get_data(as_text=True)
    assert len(re.findall(r'<input[^>]*name="region_ids"[^>]*type="checkbox"', page)) == 19
    assert '<label class="form-check-label" for="region_ids-18">Ahvenanmaa</label>' in page


def test_network_needs_a_region_and_a_unique_name(admin_client, make_network):
    make_network(name="ALU Länsi")
    response = admin_client.post("/networks/new", data={"name": "alu länsi", "region_ids": []})
    page = response.get_data(as_text=True)
    assert 'id="region_ids-error"' in page and 'id="name-error"' in page
    assert len(db.session.scalars(select(Network)).all()) == 1


def test_edit_network_regions_records_the_change(admin_client, pirkanmaa_network):
    response = admin_client.post(
        f"/networks/{pirkanmaa_network.id}/edit",
        data={"name": pirkanmaa_network.name, "region_ids": region_ids("06", "07"), "active": "y"},
    )
    assert response.status_code == 302
    db.session.refresh(pirkanmaa_network)
    assert [r.code for r in pirkanmaa_network.regions] == ["06", "07"]
    [event] = audit_events("network.update")
    assert event.details == {"changed": {"regions": [["06", "13"], ["06", "07"]]}}


def test_edit_form_has_the_current_regions_checked(admin_client, pirkanmaa_network):
    page = admin_client.get(f"/networks/{pirkanmaa_network.id}/edit").get_data(as_text=True)
    checked = re.findall(r'<input checked[^>]*value="(\d+)"', page)
    assert sorted(checked) == sorted(region_ids("06", "13"))


def test_deactivate_network_by_editing(admin_client, pirkanmaa_network):
    admin_client.post(
        f"/networks/{pirkanmaa_network.id}/edit",
        data={"name": pirkanmaa_network.name, "region_ids": region_ids("06", "13")},
    )
    db.session.refresh(pirkanmaa_network)
    assert not pirkanmaa_network.active


def test_delete_is_refused_while_a_coordinator_is_assigned(admin_client, coordinator, pirkanmaa_network):
    page = admin_client.get(f"/networks/{pirkanmaa_network.id}/delete").get_data(as_text=True)
    assert "cannot be deleted while it has coordinators" in page and "Kaisa Koordinaattori" in page
    assert 'method="post"' not in page.split("<main", 1)[1]
    assert admin_client.post(f"/networks/{pirkanmaa_network.id}/delete").status_code == 409
    assert db.session.get(Network, pirkanmaa_network.id) is not None
    assert audit_events("network.delete") == []


def test_delete_uncoordinated_network_after_confirmation(admin_client, make_network, make_organisation):
    network_id = make_network(name="Poistuva verkosto", region_codes=("06",)).id
    organisation_id = make_organisation(region_code="06").id
    assert 'method="post"' in admin_client.get(f"/networks/{network_id}/delete").get_data(as_text=True)
    response = admin_client.post(f"/networks/{network_id}/delete")
    assert response.status_code == 302
    assert db.session.get(Network, network_id) is None
    assert db.session.get(Organisation, organisation_id) is not None
    [event] = audit_events("network.delete")
    assert event.details == {"name": "Poistuva verkosto", "regions": ["06"]}


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_coordinator_cannot_change_their_own_network(coordinator_client, pirkanmaa_network, action):
    assert coordinator_client.get(f"/networks/{pirkanmaa_network.id}/{action}").status_code == 404
    assert coordinator_client.get("/networks/new").status_code == 403
