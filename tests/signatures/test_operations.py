"""Sending, signing, declining, paper copies, withdrawing and voiding: the rules and the evidence kept."""

import hashlib
import io
import os
import re
import zipfile

import pytest

from agreements.core.errors import OperationRefused
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.signatures import operations
from agreements.signatures.consent import CONSENT_VERSION, consent_sha256
from agreements.signatures.models import (
    PdfStatus,
    RequestStatus,
    SignatureMethod,
    SignatureStatus,
    SigningOrder,
)
from agreements.signatures.pdf import make_pending_pdfs
from agreements.signatures.uploads import MAX_PAPER_BYTES, InvalidUpload, check_pdf
from agreements.templates_lib.converter import pdf_available
from tests.support.signing import EVIDENCE, edit_agreement, pdf_bytes


def test_sending_freezes_the_latest_version_with_its_hash(send, agreement):
    request = send()
    assert agreement.status == AgreementStatus.AWAITING_SIGNATURES
    assert request.version == agreement.latest_version
    assert request.docx[:2] == b"PK"
    assert request.docx_sha256 == hashlib.sha256(request.docx).hexdigest()
    assert request.pdf is None  # the suite's configuration leaves the PDF out (SIGNATURE_PDF)
    assert [s.organisation.name for s in request.signatures] == ["Tredu", "Tampereen Työpaja"]


@pytest.mark.skipif(
    not pdf_available() and os.environ.get("CI") != "true", reason="LibreOffice is not installed"
)
def test_with_libreoffice_the_scheduler_makes_the_pdf_after_sending(app, send, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNATURE_PDF", True)
    request = send()
    assert request.pdf is None and request.pdf_pending
    assert make_pending_pdfs() == 1
    db.session.refresh(request)
    assert request.pdf.startswith(b"%PDF") and request.pdf_status == PdfStatus.MADE
    assert request.pdf_sha256 == hashlib.sha256(request.pdf).hexdigest()


def test_every_party_needs_a_signatory_who_may_sign_for_it(agreement, drafter, provider, workshop, make_user):
    outsider = make_user(name="Ulla Ulkopuolinen")
    with pytest.raises(OperationRefused, match="Choose one signatory for each party"):
        operations.send_for_signature(agreement, drafter, [(provider, outsider)], SigningOrder.PARALLEL)
    with pytest.raises(OperationRefused, match="Ulla Ulkopuolinen is not a signatory of Tredu"):
        operations.send_for_signature(
            agreement, drafter, [(provider, outsider), (workshop, drafter)], SigningOrder.PARALLEL
        )
    assert agreement.status == AgreementStatus.DRAFT


def test_signing_records_the_evidence(send, sign, provider_signatory):
    request = send()
    signature = request.signatures[0]
    sign(signature)
    assert signature.status == SignatureStatus.SIGNED and signature.method == SignatureMethod.ELECTRONIC
    assert signature.document_sha256 == request.docx_sha256
    assert (signature.consent_version, signature.consent_sha256) == (CONSENT_VERSION, consent_sha256("fi"))
    assert (signature.ip, signature.user_agent) == (EVIDENCE.ip, EVIDENCE.user_agent)
    assert signature.signer_role == "signatory" and signature.typed_name == "Riitta Rehtori"
    assert request.agreement.status == AgreementStatus.AWAITING_SIGNATURES


def test_the_agreement_is_signed_when_every_party_has_signed(send, sign):
    request = send()
    for signature in request.signatures:
        sign(signature)
    assert request.status == RequestStatus.COMPLETED and request.closed_at is not None
    assert request.agreement.status == AgreementStatus.SIGNED


def test_nobody_signs_twice(send, sign):
    request = send()
    sign(request.signatures[0])
    with pytest.raises(OperationRefused, match="This party signed on"):
        sign(request.signatures[0])


def test_only_the_named_signatory_can_sign(send, sign, workshop_signatory):
    request = send()
    with pytest.raises(OperationRefused, match="Only the person asked to sign for this party can sign"):
        sign(request.signatures[0], user=workshop_signatory)
    assert request.signatures[0].status == SignatureStatus.PENDING


def test_signing_needs_the_password_the_name_and_the_consent(send, sign):
    signature = send().signatures[0]
    with pytest.raises(OperationRefused, match="The password is not correct"):
        sign(signature, password="väärä salasana")
    with pytest.raises(OperationRefused, match=re.escape("Type your name as it is on your account")):
        sign(signature, typed_name="R. Rehtori")
    with pytest.raises(OperationRefused, match="Accept the terms"):
        sign(signature, consent=False)
    sign(signature, typed_name="  riitta   REHTORI ")
    assert signature.status == SignatureStatus.SIGNED


def test_in_a_sequence_the_second_party_waits_for_the_first(send, sign):
    request = send(order=SigningOrder.SEQUENTIAL)
    first, second = request.signatures
    with pytest.raises(OperationRefused, match="not yet this party's turn"):
        sign(second)
    sign(first)
    sign(second)
    assert request.status == RequestStatus.COMPLETED


def test_a_decline_ends_the_request_and_returns_the_draft(send, provider_signatory):
    request = send()
    with pytest.raises(OperationRefused, match="why you decline"):
        operations.decline(request.signatures[0], provider_signatory, "  ")
    operations.decline(request.signatures[0], provider_signatory, "Korvaus puuttuu.")
    db.session.commit()
    assert request.status == RequestStatus.DECLINED and request.close_reason == "Korvaus puuttuu."
    assert request.signatures[1].status == SignatureStatus.VOIDED
    assert request.agreement.status == AgreementStatus.DRAFT


def test_a_withdrawn_request_cannot_be_signed(send, sign, drafter):
    request = send()
    with pytest.raises(OperationRefused, match="reason"):
        operations.withdraw(request, drafter, "")
    operations.withdraw(request, drafter, "Väärä versio.")
    db.session.commit()
    assert request.status == RequestStatus.WITHDRAWN
    assert {s.status for s in request.signatures} == {SignatureStatus.VOIDED}
    with pytest.raises(OperationRefused, match="no longer open for signing"):
        sign(request.signatures[0])


def test_an_edit_after_sending_voids_the_request_and_its_signatures(send, sign, agreement, drafter):
    request = send()
    sign(request.signatures[0])
    edit_agreement(agreement, drafter)
    assert request.status == RequestStatus.VOIDED
    assert {s.status for s in request.signatures} == {SignatureStatus.VOIDED}
    assert request.signatures[0].signed_at is not None  # the evidence of the void signature stays
    assert agreement.status == AgreementStatus.DRAFT and agreement.current_version_number == 2
    with pytest.raises(OperationRefused, match="no longer open for signing"):
        sign(request.signatures[1])


def test_a_paper_copy_signs_for_a_party(send, drafter):
    request = send()
    scan = pdf_bytes(pages=2)
    operations.upload_paper_copy(request.signatures[0], drafter, scan)
    db.session.commit()
    signature = request.signatures[0]
    assert signature.method == SignatureMethod.PAPER and signature.uploaded_by == drafter
    assert signature.paper_sha256 == hashlib.sha256(scan).hexdigest()


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("scan.pdf", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"Hello, I am a text file named scan.pdf", "not a PDF document"),
        (_zip_bomb(), "not a PDF document"),
        (b"%PDF-1.7\n garbage that is no PDF at all", "cannot be read"),
        (b"%PDF-1.4\n" + b"0" * (MAX_PAPER_BYTES + 1), "larger than 10 MB"),
    ],
)
def test_uploads_that_are_not_an_acceptable_pdf_are_refused(data, message):
    with pytest.raises(InvalidUpload, match=message):
        check_pdf(data)


def test_only_the_drafter_uploads_paper_copies(send, provider_signatory):
    request = send()
    with pytest.raises(OperationRefused, match="Only editors of the drafting organisation"):
        operations.upload_paper_copy(request.signatures[0], provider_signatory, pdf_bytes())


def test_the_home_page_lists_the_signatures_asked_of_the_user(client, login, send, sign, provider_signatory):
    request = send(order=SigningOrder.SEQUENTIAL)
    login(client, provider_signatory)
    home = client.get("/").get_data(as_text=True)
    assert "1 signature is waiting for you." in home
    assert f"/signatures/{request.signatures[0].id}/sign" in home
    sign(request.signatures[0])
    assert "Nothing is waiting for your signature." in client.get("/").get_data(as_text=True)


def test_a_person_invited_to_sign_can_be_asked_again_on_the_next_request(
    agreement, drafter, workshop, provider, workshop_signatory
):
    from agreements.accounts.operations import invite_user
    from tests.support.factories import PASSWORD

    invited = invite_user("rehtori@example.fi", "Iina Invitoitu", "en", drafter)
    first = operations.send_for_signature(
        agreement, drafter, [(provider, invited), (workshop, workshop_signatory)], SigningOrder.PARALLEL
    )
    invited.set_password(PASSWORD)  # the invitation link was followed
    operations.withdraw(first, drafter, "Korjataan liite.")
    second = operations.send_for_signature(
        agreement, drafter, [(provider, invited), (workshop, workshop_signatory)], SigningOrder.PARALLEL
    )
    assert second.signatures[0].signatory == invited
