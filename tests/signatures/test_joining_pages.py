"""The pages of a commitment's joining and of a party's signers, through the client: opening for joining,
inviting by region and by name, withdrawing an invitation, closing, replacing and reminding a signer."""

import html

import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.signatures.models import PartyStatus, RequestStatus, SignatureRequest, SigningMode
from tests.support.client import log_in, logged_in
from tests.support.joining import approve, moment, sign_for, signatory


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def drafter_client(app, drafter):
    return logged_in(app, drafter)


def test_the_drafter_opens_a_commitment_for_joining_leaving_one_out(
    drafter_client, commitment, joiners, drafter
):
    approve(commitment, drafter)
    page = text(drafter_client.get(f"/signatures/send/{commitment.id}"))
    assert "Open SOP" in page and "Do not invite this organisation now" in page
    data = {}
    for party in commitment.parties:
        prefix = f"party_{party.id}-"
        chosen = "skip" if party.id in (commitment.owner_id, joiners[5].id) else str(signatory(party).id)
        data.update({prefix + "signatory": chosen, prefix + "rule": "one"})
    response = drafter_client.post(f"/signatures/send/{commitment.id}", data=data)
    assert response.status_code == 302, text(response)[:3000]
    request = db.session.scalars(select(SignatureRequest)).one()
    assert request.mode == SigningMode.ACCESSION
    assert {p.organisation_id for p in request.parties} == {o.id for o in joiners[:5]}
    page = text(drafter_client.get(response.location))
    assert "Joining open" in page and "Invite more organisations" in page and "Close the joining" in page


def test_inviting_a_region_invites_each_organisation_with_a_signatory_and_names_the_others(
    drafter_client, opened, make_organisation, make_user
):
    with_signatory = make_organisation(kind=OrganisationKind.PROVIDER, name="Tampereen Oppilaitos")
    make_user(organisation=with_signatory, role=MembershipRole.SIGNATORY, name="Olli Opettaja")
    make_organisation(kind=OrganisationKind.WORKSHOP, name="Nokian Nuorisopaja")  # no signatory
    elsewhere = make_organisation(kind=OrganisationKind.PROVIDER, name="Helsingin Opisto", region_code="01")
    make_user(organisation=elsewhere, role=MembershipRole.SIGNATORY)
    pirkanmaa = with_signatory.region_id
    response = drafter_client.post(
        f"/signatures/requests/{opened.id}/invite", data={"region_ids": [pirkanmaa]}
    )
    assert response.status_code == 302, text(response)[:3000]
    invited = {party.organisation.name for party in opened.parties}
    assert "Tampereen Oppilaitos" in invited and "Liittyjä 7" in invited
    assert "Nokian Nuorisopaja" not in invited and "Helsingin Opisto" not in invited
    page = text(drafter_client.get(response.location))
    assert "were not invited: " in page and "Nokian Nuorisopaja" in page


def test_an_organisation_without_a_signatory_is_invited_by_naming_its_signer(
    drafter_client, opened, make_organisation
):
    without = make_organisation(kind=OrganisationKind.WORKSHOP, name="Nokian Nuorisopaja")
    data = {"named_id": str(without.id), "name": "Niina Nuorisotyöntekijä", "email": "niina@nokia.example"}
    response = drafter_client.post(f"/signatures/requests/{opened.id}/invite", data=data)
    assert response.status_code == 302, text(response)[:3000]
    party = opened.party_of(without.id)
    assert party is not None and party.signers[0].signatory.email == "niina@nokia.example"


def test_the_invite_form_needs_a_choice_and_a_name_with_the_organisation(drafter_client, opened, joiners):
    body = text(drafter_client.post(f"/signatures/requests/{opened.id}/invite", data={}))
    assert "Choose at least one organisation, network or region." in body
    body = text(
        drafter_client.post(f"/signatures/requests/{opened.id}/invite", data={"named_id": joiners[7].id})
    )
    assert "Give the name of the person who signs." in body


def test_withdrawing_an_invitation_is_confirmed_and_ends_only_it(drafter_client, opened, joiners):
    party = opened.party_of(joiners[4].id)
    page = text(drafter_client.get(f"/signatures/parties/{party.id}/withdraw"))
    assert "Withdraw the invitation of Liittyjä 5?" in page
    response = drafter_client.post(f"/signatures/parties/{party.id}/withdraw", data={"reason": "Väärä taho."})
    assert response.status_code == 302
    assert party.status == PartyStatus.WITHDRAWN and opened.is_pending
    assert drafter_client.get(f"/signatures/parties/{party.id}/withdraw").status_code == 409


def test_closing_the_joining_keeps_who_joined(drafter_client, opened, commitment, joiners):
    sign_for(opened, joiners[0])
    page = text(drafter_client.get(f"/signatures/requests/{opened.id}/close"))
    assert "Close the joining of" in page and "stay committed" in page
    assert (
        drafter_client.post(f"/signatures/requests/{opened.id}/close", data={"reason": ""}).status_code == 302
    )
    assert opened.status == RequestStatus.CLOSED and commitment.status == AgreementStatus.SIGNED
    assert drafter_client.get(f"/signatures/requests/{opened.id}/close").status_code == 409
    page = text(drafter_client.get(f"/signatures/requests/{opened.id}"))
    assert "Joined: 1" in page and "Certificate of completion" in page


def test_a_national_administrator_runs_a_commitments_joining(app, admin, opened, joiners):
    client = app.test_client()
    log_in(client, admin)
    assert client.get(f"/signatures/requests/{opened.id}/invite").status_code == 200
    assert (
        client.post(
            f"/signatures/requests/{opened.id}/invite", data={"organisation_ids": [joiners[6].id]}
        ).status_code
        == 302
    )
    assert opened.party_of(joiners[6].id) is not None


def test_the_drafter_replaces_a_signer_who_has_not_signed(drafter_client, opened, joiners, make_user):
    deputy = make_user(organisation=joiners[0], role=MembershipRole.SIGNATORY, name="Varpu Vararehtori")
    signature = opened.party_of(joiners[0].id).signers[0]
    page = text(drafter_client.get(f"/signatures/{signature.id}/replace"))
    assert "Varpu Vararehtori" in page and "Allekirjoittaja 1" not in page.split("<form")[1]
    response = drafter_client.post(f"/signatures/{signature.id}/replace", data={"signatory": str(deputy.id)})
    assert response.status_code == 302
    assert signature.signatory == deputy


def test_a_reminder_now_is_refused_the_same_day_with_the_reason(drafter_client, opened, joiners):
    signature = opened.party_of(joiners[0].id).signers[0]
    assert drafter_client.post(f"/signatures/{signature.id}/remind").status_code == 302
    again = drafter_client.post(f"/signatures/{signature.id}/remind")
    assert again.status_code == 409
    assert "was reminded less than a day ago" in text(again)


def test_naming_an_existing_account_that_cannot_sign_for_the_organisation_is_refused_by_address(
    drafter_client, opened, make_organisation, admin
):
    without = make_organisation(kind=OrganisationKind.WORKSHOP, name="Nokian Nuorisopaja")
    data = {"named_id": str(without.id), "name": "Joku", "email": admin.email}
    body = text(drafter_client.post(f"/signatures/requests/{opened.id}/invite", data=data))
    assert f"{admin.email} already has an account that cannot sign for this organisation" in body
    assert admin.name not in body
    assert opened.party_of(without.id) is None


def test_a_person_invited_to_sign_for_one_organisation_cannot_be_named_for_another(
    drafter_client, opened, make_organisation
):
    first, second = (
        make_organisation(kind=OrganisationKind.WORKSHOP, name=n) for n in ("Paja Yksi", "Paja Kaksi")
    )
    data = {"named_id": str(first.id), "name": "Ilona Invitee", "email": "ilona@example.fi"}
    assert drafter_client.post(f"/signatures/requests/{opened.id}/invite", data=data).status_code == 302
    data["named_id"] = str(second.id)
    body = text(drafter_client.post(f"/signatures/requests/{opened.id}/invite", data=data))
    assert "ilona@example.fi already has an account that cannot sign for this organisation" in body
    assert opened.party_of(second.id) is None


def test_editing_a_commitment_open_for_joining_warns_that_saving_closes_it(
    drafter_client, opened, commitment, joiners
):
    sign_for(opened, joiners[0])
    page = text(drafter_client.get(f"/agreements/{commitment.id}/edit"))
    assert "This commitment is open for joining (version 1)" in page
    assert "organisations that have not answered (5)" in page


def test_the_agreement_page_says_who_joined_and_when(drafter_client, opened, commitment, joiners):
    sign_for(opened, joiners[0], moment(3))
    page = text(drafter_client.get(f"/agreements/{commitment.id}"))
    assert "Joined on 3.9.2026" in page
    assert page.count("Invited to join; has not joined") == 6  # five still invited, and the drafting workshop
