"""The PDF of a document frozen for signature: made by the scheduler right after sending, never in a request.

Sending marks the request's PDF pending (when SIGNATURE_PDF is on and LibreOffice is installed), and the
signer's page works meanwhile: the frozen .docx is the document signed, and the page says the PDF is on its
way. The job ``signatures.make_pdfs`` converts each pending frozen .docx through the queued converter
(agreements/templates_lib/converter.py), stores the PDF and its SHA-256 on the request, and records the hash
in the agreement's audit chain.

It is idempotent: the PDF is written only while the request's PDF is still pending, so a second scheduler,
or a run after a crash, neither writes it twice nor records it twice. A failed conversion is tried again on
the next runs, PDF_ATTEMPTS times in all; then the request's PDF is marked failed and the .docx stays the
only document, as when LibreOffice is not installed.
"""

import hashlib
import logging

from sqlalchemy import case, select, update
from sqlalchemy.orm import undefer

from agreements.core.audit import record
from agreements.extensions import db
from agreements.signatures.models import PdfStatus, SignatureRequest
from agreements.templates_lib.converter import PdfUnavailable, convert_to_pdf, pdf_available

log = logging.getLogger(__name__)

#: LibreOffice runs a frozen document gets before its PDF is given up.
PDF_ATTEMPTS = 3
#: Requests one run converts at most; the rest wait for the next run.
PER_RUN = 20


def make_pending_pdfs() -> int:
    """Make the PDF of every request whose PDF is pending (PER_RUN at most), each committed when made;
    the number made."""
    if not pdf_available():
        log.warning("LibreOffice is not installed here: no PDF of a frozen document can be made")
        return 0
    query = select(SignatureRequest.id).where(SignatureRequest.pdf_status == PdfStatus.PENDING)
    made = 0
    for request_id in db.session.scalars(query.order_by(SignatureRequest.id).limit(PER_RUN)).all():
        made += make_pdf(request_id)
        db.session.commit()
    return made


def make_pdf(request_id: int) -> bool:
    """Convert one request's frozen .docx and store the PDF, if its PDF is still pending; True if stored."""
    request = db.session.get(SignatureRequest, request_id, options=[undefer(SignatureRequest.docx)])
    if request is None or request.pdf_status != PdfStatus.PENDING:
        return False
    docx = request.docx
    db.session.commit()  # no transaction is held open while LibreOffice converts
    try:
        pdf = convert_to_pdf(docx)
    except PdfUnavailable as error:
        log.warning("PDF of signature request %s not made: %s", request_id, error)
        _count_failure(request_id)
        return False
    digest = hashlib.sha256(pdf).hexdigest()
    stored = db.session.execute(
        update(SignatureRequest)
        .where(SignatureRequest.id == request_id, SignatureRequest.pdf_status == PdfStatus.PENDING)
        .values(pdf=pdf, pdf_sha256=digest, pdf_status=PdfStatus.MADE)
        .execution_options(synchronize_session=False)
    )
    if stored.rowcount != 1:  # another scheduler stored it meanwhile
        return False
    db.session.expire(request)
    record("signature_request.pdf", request, {"version": request.version.number, "pdf_sha256": digest})
    return True


def _count_failure(request_id: int) -> None:
    """One more failed attempt; the last one marks the PDF failed."""
    attempts = SignatureRequest.pdf_attempts + 1
    db.session.execute(
        update(SignatureRequest)
        .where(SignatureRequest.id == request_id, SignatureRequest.pdf_status == PdfStatus.PENDING)
        .values(
            pdf_attempts=attempts,
            pdf_status=case(
                (attempts >= PDF_ATTEMPTS, PdfStatus.FAILED.value), else_=PdfStatus.PENDING.value
            ),
        )
        .execution_options(synchronize_session=False)
    )
