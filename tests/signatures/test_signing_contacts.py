"""Signers found again without widening anyone's access: a person invited by e-mail who signed for X is a
signing contact of X; another workshop's editor sending to X can choose them; they still cannot read X's
other agreements; X's organisation administrator sees and removes them."""

import html

import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole, User
from agreements.core.audit import AuditEvent
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.signatures import accession, operations
from agreements.signatures.models import SigningContact
from tests.support.client import logged_in
from tests.support.factories import PASSWORD
from tests.support.signing import EVIDENCE


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def contact(agreement, drafter, provider, workshop, make_user):
    """Pirjo, invited by e-mail to sign the agreement for the provider, who set a password and signed."""
    from agreements.accounts.operations import invite_user

    person = invite_user("pirjo@oppilaitos.example", "Pirjo Palkkasihteeri", "fi", drafter)
    workshop_signer = make_user(organisation=workshop, role=MembershipRole.SIGNATORY)
    request = operations.send_for_signature(
        agreement, drafter, [(provider, person), (workshop, workshop_signer)]
    )
    person.set_password(PASSWORD)
    signature = request.party_of(provider.id).signers[0]
    operations.sign(signature, person, PASSWORD, person.name, True, "fi", EVIDENCE)
    db.session.commit()
    return person


def test_an_invited_signer_who_signed_becomes_a_signing_contact(contact, provider):
    (row,) = db.session.scalars(select(SigningContact)).all()
    assert (row.user, row.organisation) == (contact, provider)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signing_contact.add")).one()
    assert event.details["organisation"] == provider.id


def test_another_workshops_editor_sending_to_the_provider_can_choose_them(
    app, contact, provider, make_organisation, make_user, make_agreement, template_version
):
    other_workshop = make_organisation(kind=OrganisationKind.WORKSHOP, name="Toinen Työpaja")
    other_editor = make_user(organisation=other_workshop, role=MembershipRole.EDITOR)
    make_user(organisation=other_workshop, role=MembershipRole.SIGNATORY, name="Toisen Allekirjoittaja")
    other = make_agreement(owner=other_workshop, providers=[provider], template_version=template_version)
    assert contact in accession.candidate_signers(provider)
    page = text(logged_in(app, other_editor).get(f"/signatures/send/{other.id}"))
    assert "Pirjo Palkkasihteeri" in page
    request = operations.send_for_signature(
        other,
        other_editor,
        [(provider, contact), (other_workshop, accession.candidate_signers(other_workshop)[0])],
    )
    db.session.commit()
    assert request.party_of(provider.id).signers[0].signatory == contact


def test_a_signing_contact_cannot_read_the_organisations_other_agreements(
    app, contact, provider, workshop, make_agreement, template_version
):
    other = make_agreement(owner=workshop, providers=[provider], template_version=template_version)
    client = logged_in(app, contact)
    assert client.get(f"/agreements/{other.id}").status_code == 404
    assert client.get(f"/organisations/{provider.id}").status_code == 404


def test_the_organisations_administrator_sees_and_removes_them(app, contact, provider, make_user):
    administrator = make_user(organisation=provider, role=MembershipRole.ADMIN, name="Aino Pääkäyttäjä")
    client = logged_in(app, administrator)
    page = text(client.get(f"/signatures/contacts/{provider.id}"))
    assert "Pirjo Palkkasihteeri" in page and "pirjo@oppilaitos.example" in page
    row = db.session.scalars(select(SigningContact)).one()
    assert "Remove Pirjo Palkkasihteeri" in text(client.get(f"/signatures/contacts/remove/{row.id}"))
    response = client.post(f"/signatures/contacts/remove/{row.id}")
    assert response.status_code == 302
    assert db.session.scalars(select(SigningContact)).all() == []
    assert contact not in accession.candidate_signers(provider)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signing_contact.remove")).one()


def test_nobody_else_sees_or_removes_the_contacts(
    app, contact, provider, drafter, make_user, make_organisation
):
    row = db.session.scalars(select(SigningContact)).one()
    other = make_organisation(kind=OrganisationKind.PROVIDER)
    other_admin = make_user(organisation=other, role=MembershipRole.ADMIN)
    for user in (drafter, other_admin, db.session.get(User, contact.id)):
        client = logged_in(app, user)
        assert client.get(f"/signatures/contacts/{provider.id}").status_code == 404
        assert client.post(f"/signatures/contacts/remove/{row.id}").status_code == 404
