"""Checking an uploaded PDF (a scanned paper copy, an approval's minutes): a real PDF by its content, within
the size limit."""

import io

from flask_babel import gettext as _

from agreements.core.errors import OperationRefused

#: The largest uploaded PDF accepted, in bytes.
MAX_PAPER_BYTES = 10 * 1024 * 1024


class InvalidUpload(OperationRefused):
    """An upload that is not an acceptable PDF; the message says why, on the form's file field."""

    status_code = 400
    field = "scan"


def check_pdf(data: bytes, field: str = "scan") -> int:
    """The page count of a PDF; else InvalidUpload on ``field``, naming what is wrong with the file."""
    try:
        return _page_count(data)
    except InvalidUpload as refusal:
        refusal.field = field
        raise


def _page_count(data: bytes) -> int:
    if not data:
        raise InvalidUpload(_("The file is empty."))
    if len(data) > MAX_PAPER_BYTES:
        raise InvalidUpload(_("The file is larger than %(size)s MB.", size=MAX_PAPER_BYTES // (1024 * 1024)))
    if not data.startswith(b"%PDF-"):
        raise InvalidUpload(_("The file is not a PDF document, whatever its name says."))
    from pypdf import PdfReader  # loads with the first upload checked, not in every web worker
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise InvalidUpload(
            _("The PDF document cannot be read. Scan it again and upload the new file.")
        ) from error
    if pages < 1:
        raise InvalidUpload(_("The PDF document has no pages."))
    return pages
