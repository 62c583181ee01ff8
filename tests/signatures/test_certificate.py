"""The certificate of completion: what it lists, its .docx and PDF, who may see it and when; the signed
agreement's page."""

import io
import os
from datetime import timedelta

import docx
import pytest
from sqlalchemy import update

from agreements.core.timeutil import helsinki_today
from agreements.drafting.models import Agreement
from agreements.extensions import db
from agreements.signatures import operations
from agreements.signatures.certificate import build_certificate
from agreements.signatures.consent import consent_sha256
from agreements.signatures.pdf import make_pending_pdfs
from agreements.templates_lib.converter import pdf_available
from tests.support.signing import EVIDENCE, pdf_bytes


def certificate_url(request, ext=None) -> str:
    return f"/signatures/requests/{request.id}/certificate" + (f".{ext}" if ext else "")


def test_certificate_page_lists_parties_signers_evidence_and_hashes(client, login, drafter, completed):
    login(client, drafter)
    page = client.get(certificate_url(completed)).get_data(as_text=True)
    assert completed.agreement.reference in page
    for signature in completed.signatures:
        assert signature.organisation.name in page and signature.organisation.business_id in page
        assert signature.signatory.name in page
    assert completed.docx_sha256 in page and "SHA-256 of the document (PDF)" not in page
    assert consent_sha256("fi") in page and EVIDENCE.ip in page and EVIDENCE.user_agent in page
    assert "Signed electronically for a party" in page and "Every party has signed" in page


@pytest.mark.skipif(
    not pdf_available() and os.environ.get("CI") != "true", reason="LibreOffice is not installed"
)
def test_the_certificate_gives_the_hash_of_the_frozen_pdf_too(
    app, client, login, drafter, send, sign, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGNATURE_PDF", True)
    request = send()
    make_pending_pdfs()
    for signature in request.signatures:
        sign(signature)
    login(client, drafter)
    page = client.get(certificate_url(request)).get_data(as_text=True)
    assert request.pdf_sha256 in page and f"/signatures/requests/{request.id}/document.pdf" in page


def test_the_certificate_holds_the_requests_own_hashes_and_events(completed):
    certificate = build_certificate(completed, "en")
    assert (certificate.docx_sha256, certificate.pdf_sha256) == (completed.docx_sha256, completed.pdf_sha256)
    assert [s.document_sha256 for s in certificate.signatures] == [completed.docx_sha256] * 2
    assert [s.consent_sha256 for s in certificate.signatures] == [consent_sha256("fi")] * 2
    assert [s.signer for s in certificate.signatures] == ["Riitta Rehtori", "Timo Toiminnanjohtaja"]
    assert [s.role for s in certificate.signatures] == ["Signatory", "Signatory"]
    assert certificate.signatures[0].signed_at.utc.endswith(" UTC")
    assert [event.action for event in certificate.events] == [
        "agreement.send_for_signature",
        "signature_request.send",
        "signature.sign",
        "signing_party.signed",
        "signature.sign",
        "signing_party.signed",
        "signature_request.completed",
        "agreement.mark_signed",
    ]
    assert [event.actor for event in certificate.events][:2] == ["Eeva Editori", "Eeva Editori"]


def test_an_earlier_declined_request_stays_out_of_the_certificate(send, sign, drafter, provider_signatory):
    declined = send()
    operations.decline(declined.signatures[0], provider_signatory, "Korvaus puuttuu.")
    db.session.commit()
    request = send()
    for signature in request.signatures:
        sign(signature)
    actions = [event.action for event in build_certificate(request, "en").events]
    assert "signature.decline" not in actions and "signature_request.declined" not in actions
    assert actions.count("agreement.send_for_signature") == 1 and actions.count("signature.sign") == 2


def test_a_paper_signature_shows_the_copys_hash_and_who_uploaded_it(client, login, send, sign, drafter):
    request = send()
    scan = pdf_bytes()
    operations.upload_paper_copy(request.signatures[0], drafter, scan)
    db.session.commit()
    sign(request.signatures[1])
    certificate = build_certificate(request, "en")
    paper = certificate.signatures[0]
    assert (
        paper.paper and paper.paper_sha256 == operations.sha256(scan) and paper.uploaded_by == "Eeva Editori"
    )
    login(client, drafter)
    page = client.get(certificate_url(request)).get_data(as_text=True)
    assert operations.sha256(scan) in page and "Signed on paper, scanned copy uploaded" in page


def test_the_certificate_downloads_as_a_word_document_that_parses_back(client, login, drafter, completed):
    login(client, drafter)
    response = client.get(certificate_url(completed, "docx"))
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert "Certificate of completion" in text and completed.agreement.reference in text
    assert completed.docx_sha256 in text and "Riitta Rehtori" in text and "Tredu" in text


def test_the_certificate_as_pdf_or_an_explanation_without_libreoffice(client, login, drafter, completed):
    login(client, drafter)
    response = client.get(certificate_url(completed, "pdf"))
    if pdf_available():
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    else:
        assert response.status_code == 503 and "PDF is not available" in response.get_data(as_text=True)


def test_there_is_no_certificate_before_every_party_has_signed(client, login, drafter, send, sign):
    request = send()
    sign(request.signatures[0])
    login(client, drafter)
    for ext in (None, "docx", "pdf"):
        assert client.get(certificate_url(request, ext)).status_code == 404


def test_a_declined_request_has_no_certificate(client, login, drafter, send, provider_signatory):
    request = send()
    operations.decline(request.signatures[0], provider_signatory, "Ei käy.")
    db.session.commit()
    login(client, drafter)
    assert client.get(certificate_url(request)).status_code == 404


def test_readers_of_the_agreement_and_signatories_see_the_certificate(
    client, login, completed, provider_signatory, make_user, make_organisation
):
    login(client, provider_signatory)
    assert client.get(certificate_url(completed)).status_code == 200
    client.post("/logout")
    outsider = make_user(organisation=make_organisation(name="Muu Paja"))
    login(client, outsider)
    assert client.get(certificate_url(completed)).status_code == 404
    assert client.get(certificate_url(completed, "docx")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, completed):
    response = client.get(certificate_url(completed))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _set_dates(agreement: Agreement, start, end) -> None:
    db.session.execute(
        update(Agreement).where(Agreement.id == agreement.id).values(start_date=start, end_date=end)
    )
    db.session.commit()


def test_a_signed_agreements_page_shows_its_state_signers_documents_and_certificate(
    client, login, drafter, completed
):
    agreement = completed.agreement
    today = helsinki_today()
    _set_dates(agreement, today - timedelta(days=30), today + timedelta(days=300))
    login(client, drafter)
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Signed agreement" in page and "In force" in page
    assert "Riitta Rehtori" in page and "Timo Toiminnanjohtaja" in page
    assert f"/signatures/requests/{completed.id}/document.docx" in page
    assert certificate_url(completed) in page
    _set_dates(agreement, today - timedelta(days=400), today - timedelta(days=35))
    assert "Expired" in client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    _set_dates(agreement, today + timedelta(days=10), None)
    assert "Upcoming" in client.get(f"/agreements/{agreement.id}").get_data(as_text=True)


def test_a_draft_has_no_signed_section(client, login, drafter, agreement):
    login(client, drafter)
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Signed agreement" not in page and "Certificate of completion" not in page
