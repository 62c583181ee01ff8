"""Who in my region has signed a commitment: every active organisation of the coordinator's regions with its
status (signed with its day and version, invited, declined, not invited), filtered, exported, limited to the
scope, inviting the rest in one go, in a fixed number of statements."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from agreements.accounts.models import MembershipRole
from agreements.drafting.models import AgreementOrigin, AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.signatures import operations
from agreements.signatures.models import PartyStatus
from agreements.templates_lib.models import TemplateKind
from tests.support.client import log_in
from tests.support.database import counted_statements
from tests.support.joining import approve, commitment_manifest, moment, sign_for, signatory

WORKSHOP, PROVIDER = OrganisationKind.WORKSHOP, OrganisationKind.PROVIDER


@pytest.fixture
def joining(
    make_organisation, make_user, make_network, make_agreement, make_template_version, workshop, drafter
):
    """Pirkanmaa's commitment: one organisation signed, one declined, one invited, one not invited; one in
    Uusimaa signed; a closed workshop in Pirkanmaa. A coordinator of each region and one of Lapland."""
    networks = {code: make_network(name=f"ALU {code}", region_codes=(code,)) for code in ("06", "01", "19")}

    def organisation(name, kind, region_code="06"):
        made = make_organisation(kind=kind, region_code=region_code, name=name)
        make_user(organisation=made, role=MembershipRole.SIGNATORY, name=f"Allekirjoittaja {name}")
        return made

    signs, declines = organisation("Aallon Paja", WORKSHOP), organisation("Bertan Opisto", PROVIDER)
    waits, left_out = organisation("Ceen Paja", WORKSHOP), organisation("Deen Opisto", PROVIDER)
    helsinki = organisation("Helsingin Paja", WORKSHOP, "01")
    make_organisation(kind=WORKSHOP, name="Suljettu Paja", active=False)
    invited = [signs, declines, waits, helsinki]
    commitment = make_agreement(
        owner=workshop,
        providers=invited,
        template_version=make_template_version(manifest_dict=commitment_manifest("who_signed")),
        title="Pirkanmaan linjaukset",
    )
    approve(commitment, drafter)
    request = operations.send_for_signature(
        commitment, drafter, [(o, signatory(o)) for o in invited], now=moment(1)
    )
    db.session.commit()
    sign_for(request, signs, moment(3))
    sign_for(request, helsinki, moment(4))
    refusal = request.party_of(declines.id).signers[0]
    operations.decline(refusal, refusal.signatory, "Ei nyt.", moment(5))
    db.session.commit()
    coordinators = {code: make_user(networks=[network]) for code, network in networks.items()}
    return {"commitment": commitment, "request": request, "coordinators": coordinators, "left_out": left_out}


def _csv(client, path: str) -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers.get_all("Content-Type") == ["text/csv; charset=utf-8"]  # one charset
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    return rows[2:]  # the stamp and the header row first


def _statuses(rows) -> dict[str, tuple]:
    return {row[0]: (row[4], row[5], row[6]) for row in rows}


def test_each_organisation_of_the_region_has_its_status(client, joining):
    log_in(client, joining["coordinators"]["06"])
    path = f"/dashboard/commitments/{joining['commitment'].id}/signed"
    assert _statuses(_csv(client, path + ".csv")) == {
        "Aallon Paja": ("Signed", "3.9.2026", "1"),
        "Bertan Opisto": ("Declined", "", ""),
        "Ceen Paja": ("Invited, not answered yet", "", ""),
        "Deen Opisto": ("Not invited", "", ""),
        "Tampereen Työpaja": ("Not invited", "", ""),
    }
    page = client.get(path).get_data(as_text=True)
    assert "Aallon Paja" in page and "Helsingin Paja" not in page and "Suljettu Paja" not in page
    assert '<th scope="col">' in page and "5 organisations" in page
    assert "Invite every organisation not yet invited" not in page  # a coordinator does not run the joining


def test_the_list_is_filtered_by_status_kind_and_name(client, joining):
    log_in(client, joining["coordinators"]["06"])
    path = f"/dashboard/commitments/{joining['commitment'].id}/signed"
    assert [row[0] for row in _csv(client, path + ".csv?status=signed")] == ["Aallon Paja"]
    assert [row[0] for row in _csv(client, path + ".csv?kind=provider")] == ["Bertan Opisto", "Deen Opisto"]
    assert [row[0] for row in _csv(client, path + ".csv?q=ceen")] == ["Ceen Paja"]
    assert [row[0] for row in _csv(client, path + ".csv?status=not_invited&kind=workshop")] == [
        "Tampereen Työpaja"
    ]
    empty = client.get(path + "?q=nobody").get_data(as_text=True)
    assert "No active organisation in view matches the filters." in empty
    assert client.get(path + "?status=nonsense").status_code == 404
    assert client.get(path + "?kind=nonsense").status_code == 404


def test_the_xlsx_export_holds_the_same_rows(client, joining):
    log_in(client, joining["coordinators"]["06"])
    response = client.get(f"/dashboard/commitments/{joining['commitment'].id}/signed.xlsx?status=signed")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Organisation" and rows[2][0] == "Aallon Paja" and rows[2][6] == 1
    assert len(rows) == 3


def test_each_coordinator_sees_only_their_regions_and_others_nothing(client, joining):
    commitment = joining["commitment"]
    log_in(client, joining["coordinators"]["01"])
    path = f"/dashboard/commitments/{commitment.id}/signed"
    assert _statuses(_csv(client, path + ".csv")) == {"Helsingin Paja": ("Signed", "4.9.2026", "1")}
    client.post("/logout")
    log_in(client, joining["coordinators"]["19"])  # no party in Lapland
    assert client.get(path).status_code == 404
    assert client.get(path + ".csv").status_code == 404


def test_the_dashboard_and_the_agreement_page_link_to_the_list(client, joining):
    log_in(client, joining["coordinators"]["06"])
    commitment = joining["commitment"]
    link = f"/dashboard/commitments/{commitment.id}/signed"
    assert link in client.get("/dashboard/").get_data(as_text=True)
    assert link in client.get(f"/agreements/{commitment.id}").get_data(as_text=True)


def test_an_administrator_invites_every_organisation_not_yet_invited(client, joining, admin):
    log_in(client, admin)
    commitment, region = joining["commitment"], joining["left_out"].region_id
    page = client.get(f"/dashboard/commitments/{commitment.id}/signed?region={region}").get_data(as_text=True)
    assert "Invite every organisation not yet invited" in page
    response = client.post(f"/dashboard/commitments/{commitment.id}/invite?region={region}")
    assert response.status_code == 302
    assert joining["request"].party_of(joining["left_out"].id).status == PartyStatus.PENDING
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 organisation was invited." in followed
    assert "Tampereen Työpaja" in followed.split("nobody signs for them")[1]  # the drafter has no signatory


def test_a_coordinator_may_not_invite(client, joining):
    log_in(client, joining["coordinators"]["06"])
    assert client.post(f"/dashboard/commitments/{joining['commitment'].id}/invite").status_code == 404


def test_the_page_takes_as_many_statements_whatever_the_number_of_organisations(
    client, joining, make_organisation
):
    log_in(client, joining["coordinators"]["06"])
    path = f"/dashboard/commitments/{joining['commitment'].id}/signed"

    def statements_of() -> int:
        """The page's queries, leaving out the test's savepoint bookkeeping."""
        with counted_statements() as statements:
            assert client.get(path).status_code == 200
        return len([s for s in statements if "SAVEPOINT" not in str(s)])

    few = statements_of()
    for number in range(6):
        make_organisation(kind=PROVIDER if number % 2 else WORKSHOP, name=f"Lisäjärjestö {number}")
    assert statements_of() == few


def test_a_commitment_signed_outside_the_service_lists_its_parties_as_signed(
    client, make_organisation, make_network, make_agreement, make_user, workshop
):
    coordinator = make_user(networks=[make_network(name="ALU 06", region_codes=("06",))])
    joined = make_organisation(kind=PROVIDER, name="Paperilla Opisto")
    make_organisation(kind=WORKSHOP, name="Muu Paja")
    commitment = make_agreement(
        owner=workshop, providers=[joined], status=AgreementStatus.SIGNED, start_date=date(2019, 10, 1)
    )
    commitment.origin, commitment.template_version = AgreementOrigin.REGISTERED, None
    commitment.registered_kind = TemplateKind.COMMITMENT
    db.session.commit()

    log_in(client, coordinator)
    rows = _csv(client, f"/dashboard/commitments/{commitment.id}/signed.csv")
    assert _statuses(rows) == {
        "Muu Paja": ("Not invited", "", ""),
        "Paperilla Opisto": ("Signed", "1.10.2019", ""),
        "Tampereen Työpaja": ("Signed", "1.10.2019", ""),
    }
