"""An agreement version as a document: the .docx filled from its template version, the PDF, file names.

Rendering uses only plain dicts (header, parties, values) and the template library's sandboxed renderer.
The .docx is not kept: one renders in about 20 ms of CPU (the renderer keeps each template compiled). The
PDF is made once by LibreOffice and stored (VersionPdf) under the SHA-256 of what the document is made from,
and served from there after.
"""

import hashlib
import json
import re
import time
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from agreements.core.errors import OperationRefused
from agreements.core.i18n import ui_language
from agreements.core.timeutil import HELSINKI
from agreements.drafting.models import Agreement, AgreementVersion, VersionPdf
from agreements.extensions import db
from agreements.organisations.models import Organisation, Region
from agreements.templates_lib.converter import (
    PdfUnavailable,
    convert_to_pdf,
    converter_profile,
    pdf_available,
)
from agreements.templates_lib.fields import label
from agreements.templates_lib.models import TemplateVersion
from agreements.templates_lib.queries import WITHOUT_DOCUMENTS
from agreements.templates_lib.rendering import RenderLimitExceeded, build_context, render_docx

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
#: Longest part of a file name taken from the title, in characters.
TITLE_IN_FILENAME = 60


def version_header(version: AgreementVersion) -> dict:
    """The agreement's own details at this version, as the renderer expects them."""
    return {
        "reference": version.agreement.reference,
        "title": version.title,
        "start_date": version.start_date,
        "end_date": version.end_date,
        "notice_period_months": version.notice_period_months,
        "auto_renew": version.auto_renew,
    }


def version_parties(version: AgreementVersion, language: str) -> list[dict]:
    """The version's parties as plain dicts in the order they were chosen, each region named in the
    document language: one query for the columns a document shows, no ORM objects."""
    ids = list(version.party_ids)
    region = Region.name_sv if language == "sv" else Region.name_fi
    rows = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.business_id,
            Organisation.municipality,
            region.label("region"),
            Organisation.kind,
        )
        .join(Region, Region.id == Organisation.region_id)
        .where(Organisation.id.in_(ids))
    )
    by_id = {row.id: row for row in rows}
    return [_party(by_id[party_id]) for party_id in ids if party_id in by_id]


def _party(row) -> dict:
    return {
        "name": row.name,
        "business_id": row.business_id,
        "municipality": row.municipality,
        "region": row.region,
        "kind": row.kind.value,
    }


def version_date(version: AgreementVersion) -> date:
    """The day the version was saved in Finland; documents show it as ``today`` so a version never changes."""
    return version.created_at.astimezone(HELSINKI).date()


def version_context(version: AgreementVersion, template: TemplateVersion | None = None) -> dict:
    """Everything the version's document sees, in the agreement's language; ``template`` is the agreement's
    template version when the caller has loaded it already."""
    agreement = version.agreement
    language = agreement.language.value
    return build_context(
        version_header(version),
        version_parties(version, language),
        version.values,
        (template or agreement.template_version).manifest,
        language,
        version_date(version),
    )


def version_document(version: AgreementVersion) -> bytes:
    """The .docx of a version, rendered from the agreement's template version in the agreement's language.

    Refuses (OperationRefused, a 409 page naming the template) when the render passes a render limit.
    """
    agreement = version.agreement
    template = agreement.template_version.docx(agreement.language.value)
    try:
        return render_docx(template, version_context(version))
    except RenderLimitExceeded as error:
        title = label(agreement.template_version.manifest["title"], ui_language())
        problem = error.named(title).message
        raise OperationRefused(
            _(
                "%(problem)s The document cannot be made; the national administrators can fix the template.",
                problem=problem,
            )
        ) from error


def version_source_sha256(version: AgreementVersion) -> str:
    """SHA-256 of everything the version's document is made from: its template version (immutable), the
    language and the context filled in, so it changes exactly when the document would."""
    agreement = version.agreement
    template = db.session.get(TemplateVersion, agreement.template_version_id, options=WITHOUT_DOCUMENTS)
    source = {
        "template_version": template.id,
        "template_checksum": template.checksum,
        "language": agreement.language.value,
        "context": version_context(version, template),
    }
    text = json.dumps(source, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def stored_version_pdf(version: AgreementVersion, source: str | None = None) -> VersionPdf | None:
    """The version's stored PDF when it is still the version's document (made from ``source``, by default
    what the version's document is made from now), else None."""
    source = source or version_source_sha256(version)
    query = select(VersionPdf).where(VersionPdf.version_id == version.id, VersionPdf.source_sha256 == source)
    return db.session.scalar(query.options(undefer(VersionPdf.pdf)))


def version_pdf(version: AgreementVersion) -> VersionPdf:
    """The version's document as PDF: the stored one, or converted now, stored and committed.

    Conversions queue for LibreOffice; the first in the queue converts and the ones waiting for the same
    document find it stored. Raises PdfUnavailable when LibreOffice is missing or fails.
    """
    found = stored_version_pdf(version)
    if found is not None:
        return found
    if not pdf_available():
        raise PdfUnavailable("soffice is not installed")
    db.session.commit()  # no transaction is held open while waiting for LibreOffice
    with converter_profile() as profile:
        source = version_source_sha256(version)  # in a new transaction: a PDF stored meanwhile is seen
        found = stored_version_pdf(version, source)
        if found is not None:
            return found
        document = version_document(version)
        db.session.commit()  # nor while it converts
        started = time.perf_counter()
        pdf = convert_to_pdf(document, profile=profile)
        stored = _store_pdf(version, source, pdf, round((time.perf_counter() - started) * 1000))
        db.session.commit()  # before the next in the queue looks for it
    return stored


def _store_pdf(version: AgreementVersion, source: str, pdf: bytes, conversion_ms: int) -> VersionPdf:
    """Keep ``pdf``, made from ``source``, as the version's PDF, in place of any of its earlier content."""
    db.session.execute(
        delete(VersionPdf).where(VersionPdf.version_id == version.id, VersionPdf.source_sha256 != source)
    )
    stored = VersionPdf(
        version_id=version.id,
        source_sha256=source,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        conversion_ms=conversion_ms,
    )
    try:
        with db.session.begin_nested():
            db.session.add(stored)
    except IntegrityError:  # stored meanwhile by a process with another PDF_CONVERTER_DIR
        return stored_version_pdf(version, source)
    return stored


def document_filename(agreement: Agreement, version: AgreementVersion, extension: str) -> str:
    """A file name from reference, title and version, e.g. SOP-2026-0042_Yhteistyösopimus_työelämässä_v3.docx.

    Given to ``send_file`` as ``download_name``, it becomes an RFC 6266 ``filename*`` with these letters
    and an ASCII ``filename`` beside it (SOP-2026-0042_Yhteistyosopimus_tyoelamassa_v3.docx).
    """
    title = re.sub(r"[\W_]+", "_", version.title).strip("_")[:TITLE_IN_FILENAME].strip("_")
    parts = [agreement.reference, title, f"v{version.number}"]
    return "_".join(part for part in parts if part) + f".{extension}"
