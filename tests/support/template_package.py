"""Small but complete template packages for tests: every field type, matching .docx files."""

import copy
import functools
import io
import json
import zipfile

from docx import Document

SECTIONS = [
    {"key": "basics", "title": {"fi": "1 Perustiedot", "sv": "1 Grunduppgifter", "en": "1 Basics"}},
    {"key": "details", "title": {"fi": "2 Yksityiskohdat", "sv": "2 Detaljer", "en": "2 Details"}},
]


def _labels(text: str) -> dict:
    return {"fi": f"{text} (fi)", "sv": f"{text} (sv)", "en": text}


FIELDS = [
    {
        "key": "instructor",
        "section": "basics",
        "type": "text",
        "label": _labels("Instructor"),
        "required": True,
    },
    {"key": "duties", "section": "basics", "type": "long_text", "label": _labels("Duties"), "required": True},
    {
        "key": "first_day",
        "section": "basics",
        "type": "date",
        "label": _labels("First day"),
        "required": False,
    },
    {
        "key": "places",
        "section": "details",
        "type": "integer",
        "label": _labels("Places"),
        "required": True,
        "default": 2,
        "min": 1,
        "max": 50,
    },
    {"key": "fee", "section": "details", "type": "money", "label": _labels("Fee"), "required": False},
    {
        "key": "billing",
        "section": "details",
        "type": "choice",
        "label": _labels("Billing"),
        "required": True,
        "choices": [
            {"value": "monthly", "label": {"fi": "kuukausittain", "sv": "månadsvis", "en": "monthly"}},
            {"value": "yearly", "label": {"fi": "vuosittain", "sv": "årligen", "en": "yearly"}},
        ],
    },
    {
        "key": "insured",
        "section": "details",
        "type": "boolean",
        "label": _labels("Insured"),
        "required": False,
    },
    {
        "key": "units",
        "section": "details",
        "type": "rows",
        "label": _labels("Units"),
        "required": False,
        "columns": [
            {"key": "name", "type": "text", "label": _labels("Unit"), "required": True},
            {"key": "students", "type": "integer", "label": _labels("Students"), "required": False},
        ],
    },
]


def manifest(key: str = "test_template", kind: str = "bilateral") -> dict:
    """A manifest declaring two sections and one field of every type."""
    return {
        "key": key,
        "version": 1,
        "kind": kind,
        "title": {"fi": "Testisopimus", "sv": "Testavtal", "en": "Test agreement"},
        "description": _labels("A template for tests"),
        "sections": copy.deepcopy(SECTIONS),
        "fields": copy.deepcopy(FIELDS),
    }


def docx_for(manifest_dict: dict, language: str, extra_paragraphs: tuple[str, ...] = ()) -> bytes:
    """A .docx that uses every declared field under its section's Heading 1.

    Made once per run for each set of sections and fields (all of the manifest it reads), language and
    extra paragraphs: the bytes are the same every time.
    """
    layout = {"sections": manifest_dict["sections"], "fields": manifest_dict["fields"]}
    return _docx(json.dumps(layout, sort_keys=True), language, tuple(extra_paragraphs))


@functools.cache
def _docx(layout_json: str, language: str, extra_paragraphs: tuple[str, ...]) -> bytes:
    manifest_dict = json.loads(layout_json)
    document = Document()
    document.add_paragraph("{{ agreement.title }} {{ agreement.reference }}", style="Title")
    document.add_paragraph("{%p for party in parties %}")
    document.add_paragraph("{{ party.name }} ({{ party.business_id }}), {{ party.kind_title }}")
    document.add_paragraph("{%p endfor %}")
    for section in manifest_dict["sections"]:
        document.add_heading(section["title"][language], level=1)
        for field in manifest_dict["fields"]:
            if field["section"] == section["key"]:
                _add_field(document, field)
    for paragraph in extra_paragraphs:
        document.add_paragraph(paragraph)
    output = io.BytesIO()
    document.save(output)
    return _with_fixed_timestamps(output.getvalue())


def _with_fixed_timestamps(docx_bytes: bytes) -> bytes:
    """Same content, same bytes: zip entries otherwise carry the time they were written."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(
                zipfile.ZipInfo(entry.filename, date_time=(2026, 1, 1, 0, 0, 0)), source.read(entry)
            )
    return output.getvalue()


def _add_field(document, field: dict) -> None:
    key = field["key"]
    if field["type"] == "boolean":
        document.add_paragraph(f"{{%p if {key} %}}")
        document.add_paragraph(f"{field['label']['en']}: yes")
        document.add_paragraph("{%p endif %}")
    elif field["type"] == "rows":
        document.add_paragraph(f"{{%p for row in {key} %}}")
        document.add_paragraph(" / ".join(f"{{{{ row.{c['key']} }}}}" for c in field["columns"]))
        document.add_paragraph("{%p endfor %}")
    else:
        document.add_paragraph(f"{field['label']['en']}: {{{{ {key} }}}}")


def package(manifest_dict: dict | None = None) -> tuple[bytes, dict[str, bytes]]:
    """(manifest bytes, {language: docx bytes}) ready for add_template_version."""
    manifest_dict = manifest_dict or manifest()
    documents = {language: docx_for(manifest_dict, language) for language in ("fi", "sv")}
    return json.dumps(manifest_dict).encode(), documents


def manifest_bytes(manifest_dict: dict) -> bytes:
    return json.dumps(manifest_dict).encode()


def upload_data(manifest_bytes: bytes | None = None, documents: dict | None = None) -> dict:
    """Form data of the upload page: the test package unless other bytes are given."""
    default_manifest, default_documents = package()
    documents = {**default_documents, **(documents or {})}
    return {
        "manifest": (
            io.BytesIO(default_manifest if manifest_bytes is None else manifest_bytes),
            "manifest.json",
        ),
        "document_fi": (io.BytesIO(documents["fi"]), "fi.docx"),
        "document_sv": (io.BytesIO(documents["sv"]), "sv.docx"),
    }


def stored_versions() -> int:
    """How many template versions the database holds."""
    from sqlalchemy import func, select

    from agreements.extensions import db
    from agreements.templates_lib.models import TemplateVersion

    return db.session.scalar(select(func.count()).select_from(TemplateVersion))
