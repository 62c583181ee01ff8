"""Signing helpers: the evidence a browser leaves, a real PDF and .docx, an edit that voids a request,
mail links."""

import io
import zipfile

from flask import current_app

from agreements.core.timeutil import HELSINKI
from agreements.extensions import db
from agreements.signatures.operations import Evidence

EVIDENCE = Evidence(ip="192.0.2.10", user_agent="Mozilla/5.0 (X11; Linux x86_64) Chromium/156")


def edit_agreement(agreement, drafter) -> None:
    """Save a new version of the agreement with another title, as the drafter."""
    from agreements.drafting.operations import save_version

    latest = agreement.latest_version
    save_version(
        agreement,
        latest.number,
        title="Muutettu otsikko",
        start_date=latest.start_date,
        end_date=latest.end_date,
        notice_period_months=latest.notice_period_months,
        auto_renew=latest.auto_renew,
        parties=agreement.parties[1:],
        values=latest.values,
        actor=drafter,
    )
    db.session.commit()


def pdf_bytes(pages: int = 1) -> bytes:
    """A small real PDF with blank pages, made with pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """The smallest Word document by its content (a ZIP with word/document.xml), the same bytes each time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("[Content_Types].xml", "word/document.xml"):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), "<w/>")
    return buffer.getvalue()


def helsinki(moment) -> str:
    """A moment as mail shows it: Helsinki time, e.g. 5.3.2026 14.30."""
    return moment.astimezone(HELSINKI).strftime("%-d.%-m.%Y %H.%M")


def signatures_url(endpoint: str, **values) -> str:
    """The absolute address of a signatures page, which must lie under BASE_URL/signatures/."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    assert path.startswith("/signatures/"), path
    return current_app.config["BASE_URL"].rstrip("/") + path


def sign_url(signature) -> str:
    return signatures_url("signatures.sign", signature_id=signature.id)
