"""PDFs made once: a version's PDF is converted by LibreOffice on its first download, stored with its SHA-256
and served from storage after; conversions queue for the kept profiles; a frozen document's PDF is made by
the scheduler's job after sending, never in the request.

Real LibreOffice throughout; the converter counts the LibreOffice runs it starts.
"""

import fcntl
import hashlib
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.drafting.documents import version_document
from agreements.drafting.models import VersionPdf
from agreements.extensions import db
from agreements.signatures.models import PdfStatus, SignatureRequest
from agreements.signatures.pdf import PDF_ATTEMPTS, make_pending_pdfs
from agreements.templates_lib import converter
from agreements.templates_lib.converter import PdfUnavailable, convert_to_pdf, pdf_available
from tests.support.client import log_in

pytestmark = pytest.mark.skipif(
    not pdf_available() and os.environ.get("CI") != "true", reason="LibreOffice (soffice) is not installed"
)


def in_pdf(text: str, pdf: bytes) -> bool:
    """True when the PDF's pages, read back by pypdf (so the file is a whole, valid PDF), hold ``text``;
    spacing is ignored, since the extracted text breaks lines and splits kerned letters."""
    pages = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(text.split()) in "".join(pages.split())


def download(client, agreement, number=1, **headers):
    return client.get(f"/agreements/{agreement.id}/versions/{number}.pdf", headers=headers)


def stored(agreement) -> list[VersionPdf]:
    version_id = agreement.latest_version.id
    return db.session.scalars(select(VersionPdf).where(VersionPdf.version_id == version_id)).all()


def test_the_first_download_converts_and_stores_the_pdf_with_its_sha256(editor_client, agreement):
    before = converter.conversions.value

    response = download(editor_client, agreement)

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert converter.conversions.value == before + 1
    digest = hashlib.sha256(response.data).hexdigest()
    (row,) = stored(agreement)
    assert row.pdf == response.data and row.pdf_sha256 == digest
    assert response.headers["ETag"] == f'"{digest}"'
    assert in_pdf(agreement.reference, response.data)


def test_later_downloads_serve_the_stored_bytes_without_starting_libreoffice(
    editor_client, agreement, monkeypatch
):
    first = download(editor_client, agreement)
    before = converter.conversions.value

    second = download(editor_client, agreement)
    monkeypatch.setattr("agreements.templates_lib.converter._soffice", lambda: None)  # no LibreOffice now
    third = download(editor_client, agreement)
    unchanged = download(editor_client, agreement, **{"If-None-Match": first.headers["ETag"]})

    assert converter.conversions.value == before
    assert second.status_code == third.status_code == 200
    assert first.data == second.data == third.data
    assert unchanged.status_code == 304 and not unchanged.data


def test_a_changed_document_gets_a_new_pdf_and_the_stale_one_is_never_served(
    editor_client, agreement, provider
):
    old = download(editor_client, agreement).data
    provider.name = "Tampereen seudun ammattiopisto"  # the version's document names its parties
    db.session.commit()
    before = converter.conversions.value

    new = download(editor_client, agreement).data

    assert converter.conversions.value == before + 1
    assert in_pdf("Tampereen seudun ammattiopisto", new)
    assert not in_pdf("Tampereen seudun ammattiopisto", old)
    assert [row.pdf_sha256 for row in stored(agreement)] == [hashlib.sha256(new).hexdigest()]


def test_two_conversions_at_once_queue_and_both_make_valid_pdfs(make_agreement, workshop, provider):
    documents = [
        version_document(make_agreement(owner=workshop, providers=[provider], title=title).latest_version)
        for title in ("Ensimmäinen rinnakkainen sopimus", "Toinen rinnakkainen sopimus")
    ]
    results, errors = [None, None], []

    def convert(index: int) -> None:
        try:
            results[index] = convert_to_pdf(documents[index])
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=convert, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert in_pdf("Ensimmäinen rinnakkainen sopimus", results[0])
    assert in_pdf("Toinen rinnakkainen sopimus", results[1])


def test_a_conversion_waits_while_the_profile_is_held_and_gives_up_past_the_queue_timeout(
    app, agreement, monkeypatch
):
    monkeypatch.setitem(app.config, "PDF_CONVERTERS", 1)
    monkeypatch.setitem(app.config, "PDF_QUEUE_TIMEOUT", 0.3)
    document = version_document(agreement.latest_version)
    before = converter.conversions.value

    with converter.converter_profile(), pytest.raises(PdfUnavailable, match="busy"):
        convert_to_pdf(document)  # another conversion holds the only profile

    assert converter.conversions.value == before  # it waited: no second LibreOffice on the profile
    assert convert_to_pdf(document).startswith(b"%PDF")  # and converts once the profile is free


def test_the_converter_makes_pdf_a_2b_for_archival_copies(agreement):
    pdf = convert_to_pdf(version_document(agreement.latest_version), pdfa=True)

    metadata = PdfReader(io.BytesIO(pdf)).xmp_metadata
    assert (metadata.pdfaid_part, metadata.pdfaid_conformance) == ("2", "B")
    assert in_pdf(agreement.reference, pdf)


@pytest.fixture
def signatories(make_user, workshop, provider):
    return {
        workshop: make_user(
            organisation=workshop, role=MembershipRole.SIGNATORY, name="Timo Toiminnanjohtaja"
        ),
        provider: make_user(organisation=provider, role=MembershipRole.SIGNATORY, name="Riitta Rehtori"),
    }


def send_by_page(client, agreement, signatories) -> SignatureRequest:
    """Send the agreement for signature through the send page, as its drafter does."""
    data = {"order": "parallel", "message": ""}
    for turn, party in enumerate(agreement.parties, start=1):
        data[f"party_{party.id}-signatory"] = str(signatories[party].id)
        data[f"party_{party.id}-position"] = str(turn)
    response = client.post(f"/signatures/send/{agreement.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(SignatureRequest)).one()


def test_sending_does_not_convert_and_the_scheduler_makes_the_pdf(
    app, editor_client, agreement, signatories, provider, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGNATURE_PDF", True)
    before = converter.conversions.value

    request = send_by_page(editor_client, agreement, signatories)

    assert converter.conversions.value == before  # nothing converted in the send request
    assert request.pdf is None and request.pdf_status == PdfStatus.PENDING
    signer = app.test_client()
    log_in(signer, signatories[provider])
    (signature,) = [s for s in request.signatures if s.signatory == signatories[provider]]
    sign_page = signer.get(f"/signatures/{signature.id}/sign")
    assert sign_page.status_code == 200 and 'id="pdf-pending"' in sign_page.get_data(as_text=True)

    assert make_pending_pdfs() == 1
    assert make_pending_pdfs() == 0  # idempotent: nothing left to make
    assert converter.conversions.value == before + 1
    db.session.refresh(request)
    assert request.pdf_status == PdfStatus.MADE and request.pdf.startswith(b"%PDF")
    assert request.pdf_sha256 == hashlib.sha256(request.pdf).hexdigest()
    assert in_pdf(agreement.reference, request.pdf)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signature_request.pdf")).one()
    assert event.details["pdf_sha256"] == request.pdf_sha256
    served = editor_client.get(f"/signatures/requests/{request.id}/document.pdf")
    assert served.data == request.pdf and served.headers["ETag"] == f'"{request.pdf_sha256}"'
    assert 'id="pdf-pending"' not in signer.get(f"/signatures/{signature.id}/sign").get_data(as_text=True)


def test_a_conversion_past_its_time_limit_is_killed_retried_and_given_up(
    app, editor_client, agreement, signatories, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGNATURE_PDF", True)
    request = send_by_page(editor_client, agreement, signatories)
    monkeypatch.setitem(app.config, "PDF_TIMEOUT", 0.05)  # LibreOffice cannot start in that time

    for _attempt in range(PDF_ATTEMPTS):
        assert make_pending_pdfs() == 0

    db.session.refresh(request)
    assert request.pdf_status == PdfStatus.FAILED and request.pdf_attempts == PDF_ATTEMPTS
    assert request.pdf is None
    monkeypatch.setitem(app.config, "PDF_TIMEOUT", 90)
    assert make_pending_pdfs() == 0  # given up: not tried again
    page = editor_client.get(f"/signatures/requests/{request.id}").get_data(as_text=True)
    assert "document.pdf" not in page and str(PdfStatus.FAILED.title) in page
    assert convert_to_pdf(request.docx).startswith(b"%PDF")  # the killed run's profile is built afresh


ORPHANED_RUN = """
import sys
from pathlib import Path
from agreements.templates_lib import converter
settings = converter.ConverterSettings(directory=Path(sys.argv[1]), timeout=float(sys.argv[3]))
with converter.converter_profile(settings) as held:
    converter.run_soffice(sys.argv[2], held, b"document", False, settings.timeout)
"""


def _lock_is_free(lock_path: Path) -> bool:
    with open(lock_path, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(lock, fcntl.LOCK_UN)
        return True


def test_libreoffice_left_by_a_killed_worker_keeps_its_profile_until_its_time_limit(tmp_path):
    # A LibreOffice that hangs is what this needs; the real one cannot be made to hang at will.
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 60\n")
    hanging.chmod(0o755)
    pool = tmp_path / "pool"
    worker = subprocess.Popen([sys.executable, "-c", ORPHANED_RUN, str(pool), str(hanging), "4"])
    handed = pool / "profile-0-work" / "document.docx"
    for _ in range(200):
        if handed.exists():
            break
        time.sleep(0.05)
    worker.kill()  # as gunicorn kills a worker past its timeout
    worker.wait()

    assert not _lock_is_free(pool / "profile-0.lock")  # the orphaned run still holds its profile
    deadline = time.monotonic() + 30
    while not _lock_is_free(pool / "profile-0.lock"):  # until its time limit kills it
        assert time.monotonic() < deadline, "the orphaned LibreOffice outlived its time limit"
        time.sleep(0.2)


def test_the_converter_refuses_a_folder_that_is_not_its_own(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # anyone could have planted a profile here
    with pytest.raises(PdfUnavailable, match="not a private folder"):
        converter.private_directory(shared)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    with pytest.raises(PdfUnavailable, match="not a private folder"):
        converter.private_directory(link)
    file = tmp_path / "file"
    file.write_text("")
    with pytest.raises(PdfUnavailable, match="cannot be used"):
        converter.private_directory(file / "pool")
    assert converter.private_directory(tmp_path / "own") == tmp_path / "own"
