"""Checking whether an uploaded file is byte-identical to a signed document, without keeping the file."""

import hashlib
import io
import os

import pytest

from agreements.extensions import db
from agreements.signatures import operations
from agreements.signatures.pdf import make_pending_pdfs
from agreements.templates_lib.converter import pdf_available
from tests.support.signing import pdf_bytes

VERIFY = "/signatures/verify"
needs_libreoffice = pytest.mark.skipif(
    not pdf_available() and os.environ.get("CI") != "true", reason="LibreOffice is not installed"
)


def check(client, data: bytes, name: str = "sopimus.docx") -> str:
    response = client.post(
        VERIFY, data={"document": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_signed_docx_is_recognised_with_its_agreement(client, login, drafter, completed):
    login(client, drafter)
    page = check(client, completed.docx)
    assert "Identical" in page and "frozen document (.docx)" in page
    assert completed.agreement.reference in page and "Signed by every party on" in page
    assert f"/signatures/requests/{completed.id}/certificate" in page
    assert hashlib.sha256(completed.docx).hexdigest() in page


@needs_libreoffice
def test_the_signed_pdf_is_recognised(app, client, login, drafter, send, sign, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNATURE_PDF", True)
    request = send()
    make_pending_pdfs()
    for signature in request.signatures:
        sign(signature)
    login(client, drafter)
    page = check(client, request.pdf, "sopimus.pdf")
    assert "frozen document (PDF)" in page and request.agreement.reference in page


def test_one_changed_byte_is_not_identical(client, login, drafter, completed):
    changed = bytearray(completed.docx)
    changed[len(changed) // 2] ^= 0x01
    login(client, drafter)
    page = check(client, bytes(changed))
    assert "Not identical" in page and "saving it again" in page
    assert completed.agreement.reference not in page
    assert hashlib.sha256(bytes(changed)).hexdigest() in page


def test_a_scanned_paper_copy_is_recognised(client, login, send, drafter):
    request = send()
    scan = pdf_bytes(2)
    operations.upload_paper_copy(request.signatures[0], drafter, scan)
    db.session.commit()
    login(client, drafter)
    page = check(client, scan, "skannattu.pdf")
    assert "signed paper copy of Tredu" in page and request.agreement.reference in page
    assert "Status of that signature request: Awaiting signatures." in page


def test_a_document_still_awaiting_signatures_says_so(client, login, drafter, send):
    request = send()
    login(client, drafter)
    page = check(client, request.docx)
    assert "Identical" in page and "Status of that signature request: Awaiting signatures." in page
    assert "Signed by every party on" not in page


def test_someone_who_cannot_read_the_agreement_learns_only_that_it_matches(
    client, login, completed, make_user, make_organisation
):
    outsider = make_user(organisation=make_organisation(name="Muu Paja"))
    login(client, outsider)
    page = check(client, completed.docx)
    assert "It matches a document signed in Sopimuspolku on" in page
    agreement = completed.agreement
    assert agreement.reference not in page and agreement.title not in page and "Tredu" not in page
    assert f"/agreements/{agreement.id}" not in page


def test_an_empty_file_or_no_file_is_refused_with_a_message(client, login, drafter):
    login(client, drafter)
    assert "The file is empty." in check(client, b"")
    page = client.post(VERIFY, data={}).get_data(as_text=True)
    assert "Choose the file to check." in page


def test_a_file_over_the_size_limit_is_refused(app, client, login, drafter):
    login(client, drafter)
    too_large = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        VERIFY, data={"document": (io.BytesIO(too_large), "iso.pdf")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413


def test_anonymous_visitors_are_sent_to_log_in(client, completed):
    for response in (client.get(VERIFY), client.post(VERIFY, data={})):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
