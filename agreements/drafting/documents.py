"""An agreement version as a document: the .docx filled from its template version, the PDF, file names.

Rendering uses only plain dicts (header, parties, values) and the template library's sandboxed renderer.
The documents are not kept: one renders in about 20 ms of CPU (the renderer keeps each template compiled),
and its bytes depend only on the version, so every download of a version gives the same document.
"""

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from agreements.core.errors import OperationRefused
from agreements.core.i18n import ui_language
from agreements.core.timeutil import HELSINKI
from agreements.drafting.models import Agreement, AgreementVersion
from agreements.extensions import db
from agreements.organisations.models import Organisation, Region
from agreements.templates_lib.fields import label
from agreements.templates_lib.rendering import RenderLimitExceeded, build_context, convert_to_pdf, render_docx

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


def version_context(version: AgreementVersion) -> dict:
    """Everything the version's document sees, in the agreement's language."""
    agreement = version.agreement
    language = agreement.language.value
    return build_context(
        version_header(version),
        version_parties(version, language),
        version.values,
        agreement.template_version.manifest,
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


def version_pdf(version: AgreementVersion) -> bytes:
    """The version's document as PDF; raises PdfUnavailable when LibreOffice is missing or fails."""
    return convert_to_pdf(version_document(version))


def document_filename(agreement: Agreement, version: AgreementVersion, extension: str) -> str:
    """A file name from reference, title and version, e.g. SOP-2026-0042_Yhteistyösopimus_työelämässä_v3.docx.

    Given to ``send_file`` as ``download_name``, it becomes an RFC 6266 ``filename*`` with these letters
    and an ASCII ``filename`` beside it (SOP-2026-0042_Yhteistyosopimus_tyoelamassa_v3.docx).
    """
    title = re.sub(r"[\W_]+", "_", version.title).strip("_")[:TITLE_IN_FILENAME].strip("_")
    parts = [agreement.reference, title, f"v{version.number}"]
    return "_".join(part for part in parts if part) + f".{extension}"
