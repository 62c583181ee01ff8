"""Networks that are not regions (issue 15, item 5): a membership network such as ULA covers its chosen
members wherever they are. Its figures, lists, exports, who-signed page, invitations and coordinator's scope
follow its members; regional networks go on following their regions; national administrators manage the
members, and each change is in the audit log and shows on the dashboard at once."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select, text

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.dashboard.jobs import refresh
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import (
    Network,
    NetworkKind,
    Organisation,
    OrganisationKind,
    network_members,
)
from agreements.signatures import operations as signing
from tests.support.client import log_in
from tests.support.dashboard import exported
from tests.support.fresh_database import connected, flask_db, fresh_database_url  # noqa: F401 - a fixture
from tests.support.joining import approve, commitment_manifest, signatory

WORKSHOP, PROVIDER = OrganisationKind.WORKSHOP, OrganisationKind.PROVIDER


def _rows(text: str) -> list[dict]:
    """The rows of an exported table (after its stamp line) as dicts by column title."""
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    return [dict(zip(header, row, strict=True)) for row in rows]


def _names(client, path: str) -> set[str]:
    """The first column of a list's CSV export."""
    response = client.get(path)
    assert response.status_code == 200, path
    return {row["Organisation"] for row in _rows(response.get_data().decode("utf-8-sig"))}


@pytest.fixture
def world(make_organisation, make_user, make_network, make_agreement, make_template_version):
    """ULA of two Swedish-speaking members in Uusimaa and Ostrobothnia, each with a signed agreement between
    them; a Finnish workshop beside a member in Ostrobothnia; ALU Pirkanmaa with a workshop of its own under
    agreement; a coordinator of each network."""

    def organisation(name, kind, region_code):
        made = make_organisation(kind=kind, region_code=region_code, name=name)
        make_user(organisation=made, role=MembershipRole.SIGNATORY, name=f"Signatory {name}")
        return made

    svenska = organisation("Svenska Verkstaden", WORKSHOP, "01")
    yrkes = organisation("Yrkesinstitutet Vasa", PROVIDER, "15")
    vaasa = organisation("Vaasan Paja", WORKSHOP, "15")
    tampere = organisation("Tampereen Paja", WORKSHOP, "06")
    tredu = organisation("Tredu", PROVIDER, "06")
    bilateral = make_template_version(key="bilateral_template", kind="bilateral")
    agreements = {
        owner.name: make_agreement(
            owner=owner,
            providers=[provider],
            status=AgreementStatus.SIGNED,
            template_version=bilateral,
            start_date=date(date.today().year - 1, 1, 1),
            end_date=date(date.today().year + 1, 12, 31),
        )
        for owner, provider in ((svenska, yrkes), (tampere, tredu))
    }
    ula = make_network(name="ULA", members=[svenska, yrkes])
    alu = make_network(name="ALU Pirkanmaa", region_codes=("06",))
    return {
        "ula": ula,
        "alu": alu,
        "svenska": svenska,
        "yrkes": yrkes,
        "vaasa": vaasa,
        "tampere": tampere,
        "agreements": agreements,
        "ula_coordinator": make_user(networks=[ula], name="Ulla Koordinator"),
        "alu_coordinator": make_user(networks=[alu], name="Aku Koordinaattori"),
    }


def test_ula_figures_count_only_its_members(client, world):
    log_in(client, world["ula_coordinator"])
    (ula,) = _rows(exported(client, "networks"))
    assert (ula["Network"], ula["Workshops"], ula["Workshops with an agreement in force"]) == (
        "ULA",
        "1",
        "1",
    )
    assert ula["Providers with an agreement in force"] == "1"
    assert _rows(exported(client, "regions")) == []  # a membership network covers no region as a whole
    everything = _rows(exported(client, "statuses"))[-1]
    assert everything["Region"] == "All" and everything["Signed"] == "1"  # Tampere's agreement is not ULA's


def test_an_administrator_sees_each_network_by_its_kind(admin_client, world):
    rows = {row["Network"]: row for row in _rows(exported(admin_client, "networks"))}
    assert rows["ULA"]["Workshops"] == "1" and rows["ALU Pirkanmaa"]["Workshops"] == "1"
    narrowed = admin_client.get(f"/dashboard/export/statuses.csv?network={world['ula'].id}")
    (everything,) = _rows(narrowed.get_data().decode("utf-8-sig"))
    assert everything["Signed"] == "1"


def test_the_lists_behind_the_figures_and_their_exports_hold_only_members(client, world):
    log_in(client, world["ula_coordinator"])
    assert _names(client, "/dashboard/list/workshops.csv") == {"Svenska Verkstaden"}
    assert _names(client, "/dashboard/list/providers_in_force.csv") == {"Yrkesinstitutet Vasa"}
    agreements = client.get("/dashboard/list/agreements.csv").get_data().decode("utf-8-sig")
    assert world["agreements"]["Svenska Verkstaden"].reference in agreements
    assert world["agreements"]["Tampereen Paja"].reference not in agreements


def test_a_ula_coordinator_sees_exactly_the_members(client, world):
    log_in(client, world["ula_coordinator"])
    listed = client.get("/organisations/").get_data(as_text=True)
    assert "Svenska Verkstaden" in listed and "Yrkesinstitutet Vasa" in listed
    assert "Vaasan Paja" not in listed and "Tampereen Paja" not in listed
    assert client.get(f"/organisations/{world['svenska'].id}").status_code == 200
    assert client.get(f"/organisations/{world['vaasa'].id}").status_code == 404  # a member's neighbour
    assert client.get(f"/agreements/{world['agreements']['Svenska Verkstaden'].id}").status_code == 200
    assert client.get(f"/agreements/{world['agreements']['Tampereen Paja'].id}").status_code == 404
    agreement_list = client.get("/agreements/").get_data(as_text=True)
    assert world["agreements"]["Tampereen Paja"].reference not in agreement_list


def test_regional_coordinators_go_on_seeing_their_regions(client, world):
    log_in(client, world["alu_coordinator"])
    listed = client.get("/organisations/").get_data(as_text=True)
    assert "Tampereen Paja" in listed and "Svenska Verkstaden" not in listed
    assert _names(client, "/dashboard/list/workshops.csv") == {"Tampereen Paja"}
    assert client.get(f"/organisations/{world['svenska'].id}").status_code == 404


def test_the_network_pages_count_and_filter_the_members(admin_client, world):
    page = admin_client.get(f"/networks/{world['ula'].id}").get_data(as_text=True)
    assert "Membership network" in page and "Svenska Verkstaden" in page and "2 members" in page
    filtered = admin_client.get(f"/organisations/?network={world['ula'].id}").get_data(as_text=True)
    assert "Yrkesinstitutet Vasa" in filtered and "Vaasan Paja" not in filtered
    detail = admin_client.get(f"/organisations/{world['svenska'].id}").get_data(as_text=True)
    assert "ULA" in detail


def test_inviting_every_organisation_of_ula_and_who_signed_follow_the_members(
    client, world, admin, make_organisation, make_user, make_agreement, make_template_version
):
    borga = make_organisation(kind=WORKSHOP, region_code="01", name="Borgå Verkstad")
    make_user(organisation=borga, role=MembershipRole.SIGNATORY)
    world["ula"].members.append(borga)
    editor = make_user(organisation=world["svenska"], role=MembershipRole.EDITOR)
    commitment = make_agreement(
        owner=world["svenska"],
        providers=[world["yrkes"]],
        template_version=make_template_version(manifest_dict=commitment_manifest("ula_commitment")),
    )
    approve(commitment, editor)
    request = signing.send_for_signature(commitment, editor, [(world["yrkes"], signatory(world["yrkes"]))])
    db.session.commit()

    log_in(client, admin)
    response = client.post(
        f"/signatures/requests/{request.id}/invite", data={"network_ids": [world["ula"].id]}
    )
    assert response.status_code == 302
    invited = {party.organisation.name for party in request.parties}
    assert "Borgå Verkstad" in invited and "Vaasan Paja" not in invited

    client.post("/logout")
    log_in(client, world["ula_coordinator"])
    signed_page = f"/dashboard/commitments/{commitment.id}/signed.csv"
    assert _names(client, signed_page) == {"Svenska Verkstaden", "Yrkesinstitutet Vasa", "Borgå Verkstad"}


def test_administrators_create_a_membership_network_and_manage_its_members_with_audit(admin_client, world):
    unknown = admin_client.post("/networks/new", data={"name": "Nätverket", "kind": "guild"})
    assert unknown.status_code == 200 and 'id="kind-error"' in unknown.get_data(as_text=True)
    response = admin_client.post(
        "/networks/new", data={"name": "Nätverket", "kind": "membership", "active": "y"}
    )
    assert response.status_code == 302
    network = db.session.scalar(select(Network).where(Network.name == "Nätverket"))
    assert network.kind == NetworkKind.MEMBERSHIP and network.regions == []

    search = admin_client.get(f"/networks/{network.id}/members/add?q=vasa").get_data(as_text=True)
    assert "Yrkesinstitutet Vasa" in search and "Tampereen Paja" not in search
    chosen = {"organisation_ids": [world["yrkes"].id, world["vaasa"].id]}
    assert admin_client.post(f"/networks/{network.id}/members/add", data=chosen).status_code == 302
    assert {member.name for member in network.members} == {"Yrkesinstitutet Vasa", "Vaasan Paja"}
    nothing = admin_client.post(f"/networks/{network.id}/members/add", data={})
    assert "Choose at least one organisation." in nothing.get_data(as_text=True)

    remove = f"/networks/{network.id}/members/{world['vaasa'].id}/remove"
    assert "Remove Vaasan Paja from Nätverket?" in admin_client.get(remove).get_data(as_text=True)
    assert admin_client.post(remove).status_code == 302
    assert [member.name for member in network.members] == ["Yrkesinstitutet Vasa"]
    assert admin_client.get(remove).status_code == 404  # no longer a member

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "networks", AuditEvent.object_id == network.id)
    ).all()
    assert [event.action for event in events] == [
        "network.create",
        "network.members_add",
        "network.member_remove",
    ]
    assert events[0].details["kind"] == "membership"
    assert {m["name"] for m in events[1].details["added"]} == {"Yrkesinstitutet Vasa", "Vaasan Paja"}
    assert events[2].details["removed"] == [{"id": world["vaasa"].id, "name": "Vaasan Paja"}]


def test_a_regional_network_has_no_members_to_manage(admin_client, world):
    assert admin_client.get(f"/networks/{world['alu'].id}/members/add").status_code == 409
    data = {"organisation_ids": [world["svenska"].id]}
    assert admin_client.post(f"/networks/{world['alu'].id}/members/add", data=data).status_code == 409
    assert world["alu"].members == []


def test_only_national_administrators_manage_members(client, world):
    log_in(client, world["ula_coordinator"])
    ula = world["ula"]
    assert client.get(f"/networks/{ula.id}/members/add").status_code == 404
    data = {"organisation_ids": [world["vaasa"].id]}
    assert client.post(f"/networks/{ula.id}/members/add", data=data).status_code == 404
    assert client.post(f"/networks/{ula.id}/members/{world['svenska'].id}/remove").status_code == 404
    assert {member.name for member in ula.members} == {"Svenska Verkstaden", "Yrkesinstitutet Vasa"}
    assert "Add members" not in client.get(f"/networks/{ula.id}").get_data(as_text=True)


def test_becoming_regional_lets_the_members_go_and_is_audited(admin_client, world):
    ula = world["ula"]
    data = {"name": "ULA", "kind": "regional", "region_ids": ["1"], "active": "y"}
    assert admin_client.post(f"/networks/{ula.id}/edit", data=data).status_code == 302
    assert ula.kind == NetworkKind.REGIONAL and ula.members == [] and len(ula.regions) == 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "network.update")).all()[-1]
    assert event.details["changed"]["kind"] == ["membership", "regional"]
    assert {m["name"] for m in event.details["changed"]["members"][0]} == {
        "Svenska Verkstaden",
        "Yrkesinstitutet Vasa",
    }


def test_a_change_of_members_shows_on_the_dashboard_at_once(client, world, admin, cache_on):
    refresh()  # the scheduler's count, and the cache, are there before the change
    db.session.commit()
    log_in(client, admin)
    path = f"/dashboard/export/networks.csv?network={world['ula'].id}"
    assert _rows(client.get(path).get_data().decode("utf-8-sig"))[0]["Workshops"] == "1"

    admin_client = client
    data = {"organisation_ids": [world["vaasa"].id]}
    assert admin_client.post(f"/networks/{world['ula'].id}/members/add", data=data).status_code == 302
    assert _rows(client.get(path).get_data().decode("utf-8-sig"))[0]["Workshops"] == "2"
    unfiltered = {row["Network"]: row for row in _rows(exported(client, "networks"))}
    assert unfiltered["ULA"]["Workshops"] == "2"


def test_ids_past_any_row_are_refused_without_a_server_error(admin_client, world):
    ula, huge = world["ula"], 10**20
    response = admin_client.post(f"/networks/{ula.id}/members/add", data={"organisation_ids": [huge]})
    assert response.status_code < 500
    assert admin_client.get(f"/networks/{ula.id}/members/{huge}/remove").status_code == 404
    assert admin_client.get(f"/networks/{ula.id}/members/{2**31}/remove").status_code == 404
    assert {member.name for member in ula.members} == {"Svenska Verkstaden", "Yrkesinstitutet Vasa"}


def test_downgrading_refuses_to_turn_a_membership_network_into_one_without_regions(
    fresh_database_url,  # noqa: F811 - the fixture
):
    url, before = fresh_database_url, "e7f8a9b0c1d2"  # the revision before network kinds
    flask_db(url, "upgrade")
    with connected(url) as connection:
        network_id = insert(connection, Network, name="ULA", kind="membership")
        organisation_id = insert(
            connection,
            Organisation,
            kind="workshop",
            name="Verkstaden",
            business_id="0737546-2",
            region_id=connection.execute(text("SELECT min(id) FROM regions")).scalar_one(),
            municipality="Vasa",
            language="sv",
        )
        connection.execute(
            network_members.insert().values(network_id=network_id, organisation_id=organisation_id)
        )
        connection.commit()

    with pytest.raises(AssertionError, match="membership networks have members"):
        flask_db(url, "downgrade", before)
    flask_db(url, "upgrade")  # wherever the refusal left it (SQLite has run the later downgrades)
    with connected(url) as connection:
        assert connection.execute(select(network_members)).all() == [(network_id, organisation_id)]
        connection.execute(network_members.delete())
        connection.commit()
    flask_db(url, "downgrade", before)
    with connected(url) as connection:
        assert connection.execute(text("SELECT name FROM networks")).scalars().all() == ["ULA"]


def insert(connection, model, **values) -> int:
    return connection.execute(model.__table__.insert().values(**values)).inserted_primary_key[0]
