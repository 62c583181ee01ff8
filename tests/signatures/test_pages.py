"""The signature pages: sending, the request page, the frozen documents, signing, declining, paper copies
and withdrawing, through the client as people use them."""

import hashlib
import html
import io
import re
import zipfile

import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole, User
from agreements.core.mail import OutboxMessage
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.signatures import operations
from agreements.signatures.consent import CONSENT_VERSION, consent_text
from agreements.signatures.models import (
    RequestStatus,
    SignatureMethod,
    SignatureRequest,
    SignatureStatus,
    SigningOrder,
)
from agreements.signatures.pdf import make_pending_pdfs
from agreements.signatures.uploads import MAX_PAPER_BYTES
from tests.support.factories import PASSWORD
from tests.support.signing import pdf_bytes


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return html.unescape(response.get_data(as_text=True))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def client_for(app):
    """Factory: a client logged in as ``user``, reading English."""
    from tests.support.client import log_in

    def make(user, user_agent: str | None = None):
        client = app.test_client()
        if user_agent:
            client.environ_base["HTTP_USER_AGENT"] = user_agent
        with client.session_transaction() as session:
            session["locale"] = "en"
        log_in(client, user)
        return client

    return make


@pytest.fixture
def drafter_client(client_for, drafter):
    return client_for(drafter)


def send_data(agreement, choices: dict, order="parallel", message="Allekirjoitathan pian.") -> dict:
    """Form data of the send page: ``choices`` maps a party to a user, or to (name, e-mail, turn)."""
    data = {"order": order, "message": message}
    for turn, party in enumerate(agreement.parties, start=1):
        chosen = choices[party]
        prefix = f"party_{party.id}-"
        if isinstance(chosen, User):
            data.update({prefix + "signatory": str(chosen.id), prefix + "position": str(turn)})
        else:
            name, email, position = chosen
            data.update(
                {
                    prefix + "signatory": "invite",
                    prefix + "name": name,
                    prefix + "email": email,
                    prefix + "position": str(position),
                }
            )
    return data


def only_request() -> SignatureRequest:
    return db.session.scalars(select(SignatureRequest)).one()


# Sending


def test_the_drafter_sends_a_draft_from_the_agreement_page(
    drafter_client, agreement, workshop, provider, workshop_signatory, provider_signatory
):
    detail = page(drafter_client, f"/agreements/{agreement.id}")
    assert f'href="/signatures/send/{agreement.id}"' in detail and "Send for signature" in detail
    form = page(drafter_client, f"/signatures/send/{agreement.id}")
    assert "Sending freezes version 1" in form
    assert f"/agreements/{agreement.id}/preview?version=1" in form
    assert "Signatory for Tredu" in form and "Signatory for Tampereen Työpaja" in form
    assert "Riitta Rehtori" in form and "Invite a new signatory by e-mail" in form
    response = drafter_client.post(
        f"/signatures/send/{agreement.id}",
        data=send_data(agreement, {workshop: workshop_signatory, provider: provider_signatory}),
    )
    assert response.status_code == 302, text(response)[:2000]
    request = only_request()
    assert response.headers["Location"].endswith(f"/signatures/requests/{request.id}")
    assert request.order == SigningOrder.PARALLEL and request.message == "Allekirjoitathan pian."
    assert {s.signatory for s in request.signatures} == {workshop_signatory, provider_signatory}
    assert agreement.status == AgreementStatus.AWAITING_SIGNATURES
    asked = set(db.session.scalars(select(OutboxMessage.to_address)))
    assert asked == {workshop_signatory.email, provider_signatory.email}
    detail = page(drafter_client, f"/agreements/{agreement.id}")
    assert "Send for signature" not in detail
    assert f"/signatures/requests/{request.id}" in detail and "Awaiting signatures" in detail


def test_the_only_signatory_of_a_party_is_chosen_in_advance(
    drafter_client, agreement, workshop_signatory, provider_signatory
):
    form = page(drafter_client, f"/signatures/send/{agreement.id}")
    assert re.search(rf'<option selected value="{provider_signatory.id}">', form)
    assert re.search(rf'<option selected value="{workshop_signatory.id}">', form)


def test_a_sequential_request_follows_the_turns_given(
    drafter_client, agreement, workshop, provider, workshop_signatory, provider_signatory
):
    data = send_data(
        agreement, {workshop: workshop_signatory, provider: provider_signatory}, order="sequential"
    )
    data[f"party_{workshop.id}-position"], data[f"party_{provider.id}-position"] = "1", "1"
    response = drafter_client.post(f"/signatures/send/{agreement.id}", data=data)
    assert response.status_code == 200 and "Give each party a different turn." in text(response)
    assert db.session.scalars(select(SignatureRequest)).first() is None
    data[f"party_{workshop.id}-position"], data[f"party_{provider.id}-position"] = "2", "1"
    assert drafter_client.post(f"/signatures/send/{agreement.id}", data=data).status_code == 302
    request = only_request()
    assert request.order == SigningOrder.SEQUENTIAL
    assert [s.signatory for s in request.signatures] == [provider_signatory, workshop_signatory]
    assert set(db.session.scalars(select(OutboxMessage.to_address))) == {provider_signatory.email}


def test_a_new_signatory_is_invited_by_e_mail_without_a_membership(
    drafter_client, agreement, workshop, provider, workshop_signatory
):
    data = send_data(
        agreement, {workshop: workshop_signatory, provider: ("Risto Rehtori", "Risto.Rehtori@tredu.fi", 2)}
    )
    response = drafter_client.post(f"/signatures/send/{agreement.id}", data=data)
    assert response.status_code == 302, text(response)[:2000]
    invited = db.session.scalars(select(User).where(User.email == "risto.rehtori@tredu.fi")).one()
    assert invited.name == "Risto Rehtori" and not invited.memberships and invited.password_hash is None
    request = only_request()
    assert [s.signatory for s in request.signatures if s.organisation == provider] == [invited]
    subjects = db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.to_address == invited.email)
    ).all()
    assert len(subjects) == 2  # the invitation to set a password, and the request to sign


def test_an_invited_signatory_signs_without_seeing_the_rest_of_the_service(
    drafter_client, client_for, agreement, workshop, provider, workshop_signatory
):
    data = send_data(
        agreement, {workshop: workshop_signatory, provider: ("Risto Rehtori", "risto@tredu.fi", 2)}
    )
    drafter_client.post(f"/signatures/send/{agreement.id}", data=data)
    invited = db.session.scalars(select(User).where(User.email == "risto@tredu.fi")).one()
    invited.set_password(PASSWORD)  # as when accepting the invitation
    db.session.commit()
    signature = next(s for s in only_request().signatures if s.signatory == invited)
    client = client_for(invited)
    form = page(client, f"/signatures/{signature.id}/sign")
    assert f'href="/agreements/{agreement.id}"' not in form
    assert client.get(f"/agreements/{agreement.id}").status_code == 404
    data = {"password": PASSWORD, "typed_name": "Risto Rehtori", "consent": "y"}
    assert client.post(f"/signatures/{signature.id}/sign", data=data).status_code == 302
    assert signature.status == SignatureStatus.SIGNED and signature.signer_role == "invited"


def test_inviting_an_existing_account_is_refused_and_the_input_kept(
    drafter_client, agreement, workshop, provider, workshop_signatory, make_user
):
    make_user(name="Olli Olemassa", email="olli@tredu.fi")
    data = send_data(agreement, {workshop: workshop_signatory, provider: ("Olli", "OLLI@tredu.fi", 2)})
    response = drafter_client.post(f"/signatures/send/{agreement.id}", data=data)
    body = text(response)
    assert response.status_code == 200
    assert "OLLI@tredu.fi already has an account" in body and 'value="Olli"' in body
    assert agreement.status == AgreementStatus.DRAFT
    assert db.session.scalars(select(SignatureRequest)).first() is None


def test_inviting_needs_a_name_and_a_valid_address(
    drafter_client, agreement, workshop, provider, workshop_signatory
):
    data = send_data(agreement, {workshop: workshop_signatory, provider: ("", "not-an-address", 2)})
    body = text(drafter_client.post(f"/signatures/send/{agreement.id}", data=data))
    assert "Give the new signatory's name." in body and "Give a valid e-mail address." in body
    assert db.session.scalars(select(SignatureRequest)).first() is None


def test_only_a_draft_is_sent_and_only_by_its_drafting_workshop(
    drafter_client, client_for, agreement, provider_signatory, send
):
    assert page(client_for(provider_signatory), f"/signatures/send/{agreement.id}", 404)
    send()
    refused = page(drafter_client, f"/signatures/send/{agreement.id}", 409)
    assert "cannot be sent for signature" in refused and "Awaiting signatures" in refused


# The request page and its documents


def test_the_request_page_shows_the_documents_hashes_and_parties(
    client_for, send, drafter, workshop_signatory, provider_signatory
):
    request = send(order=SigningOrder.SEQUENTIAL)
    url = f"/signatures/requests/{request.id}"
    drafter_view = page(client_for(drafter), url)
    assert request.docx_sha256 in drafter_view and "Allekirjoitathan pian." in drafter_view
    assert "Riitta Rehtori" in drafter_view and "Timo Toiminnanjohtaja" in drafter_view
    assert "One after another, in the order given" in drafter_view
    assert f"/signatures/requests/{request.id}/withdraw" in drafter_view
    first, second = request.signatures
    assert f"/signatures/{first.id}/paper" in drafter_view
    assert f"/signatures/{second.id}/paper" not in drafter_view  # not its turn yet
    assert f"/signatures/{first.id}/sign" not in drafter_view
    first_view = page(client_for(provider_signatory), url)
    assert f"/signatures/{first.id}/sign" in first_view and "withdraw" not in first_view
    second_view = page(client_for(workshop_signatory), url)
    assert f"/signatures/{first.id}/sign" not in second_view
    assert f"/signatures/{second.id}/sign" not in second_view  # not their turn yet


def test_the_served_document_is_the_stored_bytes(app, monkeypatch, client_for, send, provider_signatory):
    monkeypatch.setitem(app.config, "SIGNATURE_PDF", True)  # made by the scheduler when LibreOffice is there
    request = send()
    make_pending_pdfs()
    db.session.refresh(request)
    client = client_for(provider_signatory)
    response = client.get(f"/signatures/requests/{request.id}/document.docx")
    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == request.docx_sha256
    assert response.headers["Cache-Control"] == "private, no-store"
    assert f"{request.agreement.reference}_" in response.headers["Content-Disposition"]
    pdf = client.get(f"/signatures/requests/{request.id}/document.pdf")
    if request.pdf_sha256 is None:
        assert pdf.status_code == 404
    else:
        assert hashlib.sha256(pdf.data).hexdigest() == request.pdf_sha256


def test_without_a_stored_pdf_the_pdf_is_not_found(client_for, send, provider_signatory):
    request = send()
    request.pdf, request.pdf_sha256 = None, None
    db.session.commit()
    client = client_for(provider_signatory)
    assert client.get(f"/signatures/requests/{request.id}/document.pdf").status_code == 404
    assert "document.pdf" not in page(client, f"/signatures/requests/{request.id}")


def test_people_outside_the_agreement_do_not_see_the_request(client_for, send, make_user, make_organisation):
    request = send()
    outsider = make_user(organisation=make_organisation(region_code="01"), role=MembershipRole.SIGNATORY)
    client = client_for(outsider)
    assert client.get(f"/signatures/requests/{request.id}").status_code == 404
    assert client.get(f"/signatures/requests/{request.id}/document.docx").status_code == 404
    assert client.get(f"/signatures/{request.signatures[0].id}/sign").status_code == 404


# Signing


def test_the_signatory_reads_the_frozen_document_and_signs(client_for, send, provider_signatory):
    request = send()
    signature = request.signatures[0]
    client = client_for(provider_signatory, user_agent="Testiselain/1.0")
    form = page(client, f"/signatures/{signature.id}/sign")
    assert request.docx_sha256 in form and "Maija Ohjaaja" in form  # a field value of the document
    assert consent_text("en") in form and CONSENT_VERSION in form
    assert 'autocomplete="current-password"' in form
    assert f"/signatures/{signature.id}/decline" in form
    response = client.post(
        f"/signatures/{signature.id}/sign",
        data={"password": PASSWORD, "typed_name": " riitta  rehtori ", "consent": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/signatures/requests/{request.id}")
    assert signature.status == SignatureStatus.SIGNED and signature.method == SignatureMethod.ELECTRONIC
    assert signature.user_agent == "Testiselain/1.0" and signature.ip == "127.0.0.1"
    assert signature.document_sha256 == request.docx_sha256
    assert "This party signed on" in page(client, f"/signatures/{signature.id}/sign")


def test_the_last_signature_completes_the_request(client_for, send, sign, workshop_signatory):
    request = send()
    sign(request.signatures[0])
    last = request.signatures[1]
    data = {"password": PASSWORD, "typed_name": workshop_signatory.name, "consent": "y"}
    response = client_for(workshop_signatory).post(
        f"/signatures/{last.id}/sign", data=data, follow_redirects=True
    )
    body = text(response)
    assert "Every party has signed: the agreement is signed." in body
    assert "Signed by every party" in body
    assert f"/signatures/requests/{request.id}/certificate" in body
    assert request.agreement.status == AgreementStatus.SIGNED


def test_a_wrong_password_keeps_the_typed_name(client_for, send, provider_signatory):
    signature = send().signatures[0]
    response = client_for(provider_signatory).post(
        f"/signatures/{signature.id}/sign",
        data={"password": "wrong password", "typed_name": "Riitta Rehtori", "consent": "y"},
    )
    body = text(response)
    assert response.status_code == 409
    assert "The password is not correct" in body and 'value="Riitta Rehtori"' in body
    assert "wrong password" not in body
    assert signature.status == SignatureStatus.PENDING


def test_a_name_other_than_the_account_s_is_refused_on_its_field(client_for, send, provider_signatory):
    signature = send().signatures[0]
    response = client_for(provider_signatory).post(
        f"/signatures/{signature.id}/sign",
        data={"password": PASSWORD, "typed_name": "Rauha Rehtori", "consent": "y"},
    )
    body = text(response)
    assert response.status_code == 409
    assert "Type your name as it is on your account: Riitta Rehtori." in body
    assert 'value="Rauha Rehtori"' in body and 'id="typed_name-error"' in body
    assert signature.status == SignatureStatus.PENDING


def test_signing_needs_the_password_and_the_consent(client_for, send, provider_signatory):
    signature = send().signatures[0]
    response = client_for(provider_signatory).post(
        f"/signatures/{signature.id}/sign", data={"typed_name": "Riitta Rehtori"}
    )
    body = text(response)
    assert "Enter your password to sign." in body
    assert "Accept the terms of electronic signing to sign." in body
    assert signature.status == SignatureStatus.PENDING


def test_repeated_wrong_passwords_are_stopped(client_for, send, provider_signatory):
    signature = send().signatures[0]
    client = client_for(provider_signatory)
    wrong = {"password": "guess", "typed_name": "Riitta Rehtori", "consent": "y"}
    statuses = [client.post(f"/signatures/{signature.id}/sign", data=wrong).status_code for _i in range(6)]
    assert statuses == [409] * 5 + [429]


def test_only_the_named_signatory_reaches_the_signing_page(client_for, send, drafter, workshop_signatory):
    signature = send().signatures[0]
    for other in (drafter, workshop_signatory):
        client = client_for(other)
        assert client.get(f"/signatures/{signature.id}/sign").status_code == 404
        data = {"password": PASSWORD, "typed_name": other.name, "consent": "y"}
        assert client.post(f"/signatures/{signature.id}/sign", data=data).status_code == 404
    assert signature.status == SignatureStatus.PENDING


def test_in_a_sequence_the_later_signatory_waits_for_their_turn(
    client_for, send, sign, provider_signatory, workshop_signatory
):
    request = send(order=SigningOrder.SEQUENTIAL)
    later = request.signatures[1]
    client = client_for(workshop_signatory)
    waiting = page(client, f"/signatures/{later.id}/sign")
    assert "not yet this party's turn" in waiting and 'name="password"' not in waiting
    data = {"password": PASSWORD, "typed_name": workshop_signatory.name, "consent": "y"}
    assert client.post(f"/signatures/{later.id}/sign", data=data).status_code == 409
    sign(request.signatures[0])
    assert 'name="password"' in page(client, f"/signatures/{later.id}/sign")


def test_a_withdrawn_request_cannot_be_signed(drafter_client, client_for, send, provider_signatory):
    request = send()
    signature = request.signatures[0]
    client = client_for(provider_signatory)
    form = page(client, f"/signatures/{signature.id}/sign")
    assert 'name="password"' in form
    drafter_client.post(f"/signatures/requests/{request.id}/withdraw", data={"reason": "Väärä liite"})
    data = {"password": PASSWORD, "typed_name": "Riitta Rehtori", "consent": "y"}
    response = client.post(f"/signatures/{signature.id}/sign", data=data)
    assert response.status_code == 409
    assert "no longer open for signing: Withdrawn" in text(response)
    assert signature.status == SignatureStatus.VOIDED


# Declining


def test_the_signatory_declines_with_a_reason(client_for, send, provider_signatory):
    request = send()
    signature = request.signatures[0]
    client = client_for(provider_signatory)
    assert "Why do you decline?" in page(client, f"/signatures/{signature.id}/decline")
    empty = client.post(f"/signatures/{signature.id}/decline", data={"reason": "  "})
    assert empty.status_code == 200 and "Tell the drafter why you decline." in text(empty)
    response = client.post(f"/signatures/{signature.id}/decline", data={"reason": "Hinta puuttuu."})
    assert response.status_code == 302
    assert request.status == RequestStatus.DECLINED and signature.decline_reason == "Hinta puuttuu."
    assert request.agreement.status == AgreementStatus.DRAFT
    assert "Hinta puuttuu." in page(client, f"/signatures/requests/{request.id}")
    assert page(client, f"/signatures/{signature.id}/decline", 409)


def test_a_decline_refused_because_the_request_ended_meanwhile_keeps_the_reason(
    client_for, send, provider_signatory, drafter
):
    request = send()
    signature = request.signatures[0]
    client = client_for(provider_signatory)
    assert "Why do you decline?" in page(client, f"/signatures/{signature.id}/decline")
    operations.withdraw(request, drafter, "Väärä versio.")
    db.session.commit()
    response = client.post(f"/signatures/{signature.id}/decline", data={"reason": "Hinta puuttuu."})
    assert response.status_code == 409
    assert "no longer open for signing" in text(response) and "Hinta puuttuu." in text(response)
    assert not signature.decline_reason


def test_only_the_signatory_declines(client_for, send, drafter):
    signature = send().signatures[0]
    client = client_for(drafter)
    assert client.get(f"/signatures/{signature.id}/decline").status_code == 404
    assert client.post(f"/signatures/{signature.id}/decline", data={"reason": "Ei"}).status_code == 404
    assert signature.status == SignatureStatus.PENDING


# Paper copies


def upload(client, signature, data: bytes, filename: str = "allekirjoitettu.pdf"):
    return client.post(
        f"/signatures/{signature.id}/paper",
        data={"scan": (io.BytesIO(data), filename, "application/pdf")},
        content_type="multipart/form-data",
    )


def test_the_drafter_uploads_a_signed_paper_copy(
    drafter_client, client_for, send, drafter, provider_signatory
):
    request = send()
    signature = request.signatures[0]
    form = page(drafter_client, f"/signatures/{signature.id}/paper")
    assert 'accept="application/pdf,.pdf"' in form and "at most 10 MB" in form
    scan = pdf_bytes(2)
    response = upload(drafter_client, signature, scan)
    assert response.status_code == 302
    assert signature.status == SignatureStatus.SIGNED and signature.method == SignatureMethod.PAPER
    assert signature.uploaded_by == drafter
    request_page = page(client_for(provider_signatory), f"/signatures/requests/{request.id}")
    assert "Signed on paper, scanned copy uploaded" in request_page
    assert f"Uploaded by {drafter.name}" in request_page
    served = client_for(provider_signatory).get(f"/signatures/{signature.id}/paper.pdf")
    assert served.status_code == 200 and served.data == scan
    assert served.headers["Cache-Control"] == "private, no-store"
    assert drafter_client.get(f"/signatures/{request.signatures[1].id}/paper.pdf").status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Allekirjoitettu paperilla, ei PDF.\n", "The file is not a PDF document, whatever its name says."),
        (b"%PDF-1.7\nrikki", "The PDF document cannot be read."),
        (b"", "The file is empty."),
    ],
    ids=["text named .pdf", "broken pdf", "empty"],
)
def test_an_upload_that_is_not_a_pdf_is_refused(drafter_client, send, content, message):
    signature = send().signatures[0]
    response = upload(drafter_client, signature, content)
    assert response.status_code == 400 and message in text(response)
    assert signature.status == SignatureStatus.PENDING


def test_a_zip_bomb_is_refused_with_a_message(drafter_client, send):
    signature = send().signatures[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("scan.pdf", b"\0" * (50 * 1024 * 1024))
    response = upload(drafter_client, signature, buffer.getvalue())
    assert response.status_code == 400
    assert "The file is not a PDF document, whatever its name says." in text(response)
    assert signature.status == SignatureStatus.PENDING


def test_a_scan_over_the_size_limit_is_refused(drafter_client, send):
    signature = send().signatures[0]
    oversized = pdf_bytes() + b"\n%" + b"0" * MAX_PAPER_BYTES
    response = upload(drafter_client, signature, oversized)
    assert response.status_code == 400 and "The file is larger than 10 MB." in text(response)
    assert signature.status == SignatureStatus.PENDING


def test_only_the_drafting_workshop_uploads_paper_copies(client_for, send, provider_signatory):
    signature = send().signatures[0]
    client = client_for(provider_signatory)
    assert client.get(f"/signatures/{signature.id}/paper").status_code == 404
    assert upload(client, signature, pdf_bytes()).status_code == 404
    assert signature.status == SignatureStatus.PENDING


# Withdrawing


def test_the_drafter_withdraws_a_request_with_a_reason(drafter_client, client_for, send, provider_signatory):
    request = send()
    url = f"/signatures/requests/{request.id}/withdraw"
    assert "Withdraw the signature request on" in page(drafter_client, url)
    assert client_for(provider_signatory).get(url).status_code == 404
    empty = drafter_client.post(url, data={"reason": ""})
    assert empty.status_code == 200 and "Give the reason for withdrawing the request." in text(empty)
    response = drafter_client.post(url, data={"reason": "Väärä liite"})
    assert response.status_code == 302
    assert request.status == RequestStatus.WITHDRAWN and request.close_reason == "Väärä liite"
    assert all(s.status == SignatureStatus.VOIDED for s in request.signatures)
    assert request.agreement.status == AgreementStatus.DRAFT
    assert "Reason: Väärä liite" in page(drafter_client, f"/signatures/requests/{request.id}")
    assert page(drafter_client, url, 409)


# The agreement's pages


def test_the_agreement_page_offers_sending_only_to_the_drafter_of_a_draft(
    drafter_client, client_for, agreement, provider_signatory, make_agreement, workshop, provider
):
    assert "/signatures/send/" not in page(client_for(provider_signatory), f"/agreements/{agreement.id}")
    commenting = make_agreement(owner=workshop, providers=[provider], status=AgreementStatus.COMMENTING)
    assert "/signatures/send/" not in page(drafter_client, f"/agreements/{commenting.id}")
    assert "/signatures/send/" in page(drafter_client, f"/agreements/{agreement.id}")


def test_the_edit_page_warns_that_saving_voids_the_request(drafter_client, agreement, send):
    assert "Saving a new version withdraws the signature request" not in page(
        drafter_client, f"/agreements/{agreement.id}/edit"
    )
    send()
    assert "Saving a new version withdraws the signature request" in page(
        drafter_client, f"/agreements/{agreement.id}/edit"
    )
