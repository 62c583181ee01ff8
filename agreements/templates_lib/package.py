"""Checking a template package (manifest + .docx per language) before it is accepted.

Each check raises TemplateRejected with a named code: the .docx must be a safe zip (bounded size and
entry count, no path tricks, no XML entities), use exactly the declared variables, carry a Heading 1 for
every section, and render in the sandbox within the render limits with worst-case sample values: every text
at its maximum length, every list (and the parties) at WORST_CASE_ROWS rows.
"""

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from jinja2 import TemplateError

from agreements.templates_lib.errors import TemplateRejected
from agreements.templates_lib.fields import WORST_CASE_ROWS, label, longest_text, worst_case_value
from agreements.templates_lib.manifest import RESERVED_NAMES, field_keys, required_field_keys
from agreements.templates_lib.rendering import (
    RenderLimitExceeded,
    build_context,
    is_heading_1,
    render_docx,
    sandboxed_environment,
)

if TYPE_CHECKING:  # docxtpl and python-docx load with the first package checked, not in every web worker
    from docxtpl import DocxTemplate

MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 500
_ENTITY_DECLARATION = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
#: What zipfile raises on a damaged, encrypted or exotic archive.
_BROKEN_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)

#: Longest agreement title and organisation name and municipality (their database columns).
TITLE_MAX, NAME_MAX, MUNICIPALITY_MAX = 200, 200, 80
SAMPLE_HEADER = {
    "reference": "SOP-2026-0001",
    "title": 'Näytesopimus <&> "Åbo"',
    "start_date": date(2026, 1, 1),
    "end_date": date(2027, 12, 31),
    "notice_period_months": 3,
    "auto_renew": True,
}
SAMPLE_PARTIES = [
    {
        "name": "Näytepaja & Co",
        "business_id": "0737546-2",
        "municipality": "Tampere",
        "region": "Pirkanmaa",
        "kind": "workshop",
    },
    {
        "name": "Oppilaitos <Ö>",
        "business_id": "1572860-0",
        "municipality": "Vaasa",
        "region": "Pohjanmaa",
        "kind": "provider",
    },
]
WORST_CASE_HEADER = {**SAMPLE_HEADER, "title": longest_text(SAMPLE_HEADER["title"] + " ", TITLE_MAX)}
#: The sample parties with their longest names, the provider repeated to WORST_CASE_ROWS parties in all.
WORST_CASE_PARTIES = [
    {
        **party,
        "name": longest_text(party["name"], NAME_MAX),
        "municipality": longest_text("Åbo ", MUNICIPALITY_MAX),
    }
    for party in [SAMPLE_PARTIES[0]] + [SAMPLE_PARTIES[1]] * (WORST_CASE_ROWS - 1)
]


def check_package(manifest: dict, documents: dict[str, bytes]) -> None:
    """Check both language documents of a package against its (already checked) manifest."""
    for language, docx_bytes in documents.items():
        name = f"{language}.docx"
        check_zip(docx_bytes, name)
        check_variables(docx_bytes, manifest, name)
        check_section_headings(docx_bytes, manifest, language)
        check_test_render(docx_bytes, manifest, language)


def check_zip(docx_bytes: bytes, name: str) -> None:
    """A .docx is a zip: refuse bombs, odd paths and XML entity declarations before anything parses it."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
            _check_entries(archive, name)
    except _BROKEN_ZIP as error:
        raise TemplateRejected("not_a_docx", name) from error


def _check_entries(archive: zipfile.ZipFile, name: str) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise TemplateRejected("zip_too_many_entries", name)
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise TemplateRejected("zip_too_large", name)
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise TemplateRejected("not_a_docx", name)
    for entry in entries:
        if _unsafe_path(entry.filename):
            raise TemplateRejected("zip_unsafe_path", name)
        if _declares_entities(archive, entry):
            raise TemplateRejected("xml_entities", name)


def _unsafe_path(filename: str) -> bool:
    parts = filename.replace("\\", "/").split("/")
    return filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]


def _declares_entities(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Any part may be parsed as XML whatever its name, so every entry is searched; without its NUL bytes,
    so that a declaration in UTF-16 or UTF-32 is found too."""
    with archive.open(entry) as stream:
        data = stream.read(MAX_UNPACKED_BYTES)
    return bool(_ENTITY_DECLARATION.search(data.replace(b"\0", b"")))


def _parsed(docx_bytes: bytes, name: str, parser: Callable):
    """``parser`` applied to the document; a zip that is not a readable Word document is refused."""
    try:
        return parser(io.BytesIO(docx_bytes))
    except Exception as error:  # python-docx fails in many ways on foreign files: all mean "not a .docx"
        raise TemplateRejected("not_a_docx", name) from error


def _loaded_template(stream) -> "DocxTemplate":
    from docxtpl import DocxTemplate

    template = DocxTemplate(stream)
    template.init_docx()
    return template


def check_variables(docx_bytes: bytes, manifest: dict, name: str) -> None:
    """Every variable used is declared (or reserved) and every required field is used."""
    template = _parsed(docx_bytes, name, _loaded_template)
    try:
        used = template.get_undeclared_template_variables(jinja_env=sandboxed_environment())
    except TemplateError as error:
        raise TemplateRejected("template_syntax", f"{name}: {error.message}") from error
    undeclared = sorted(used - field_keys(manifest) - RESERVED_NAMES)
    if undeclared:
        raise TemplateRejected("undeclared_variable", f"{name}: {', '.join(undeclared)}")
    unused = sorted(required_field_keys(manifest) - used)
    if unused:
        raise TemplateRejected("unused_required_field", f"{name}: {', '.join(unused)}")


def check_section_headings(docx_bytes: bytes, manifest: dict, language: str) -> None:
    """Each manifest section has a Heading 1 paragraph with its title in the document's language."""
    from docx import Document

    document = _parsed(docx_bytes, f"{language}.docx", Document)
    headings = {p.text.strip() for p in document.paragraphs if is_heading_1(p)}
    for section in manifest["sections"]:
        if label(section["title"], language) not in headings:
            raise TemplateRejected(
                "missing_section_heading", f"{language}.docx: {label(section['title'], language)}"
            )


def check_test_render(docx_bytes: bytes, manifest: dict, language: str) -> None:
    """Render once with the worst-case value of every field; any failure, or passing a render limit, refuses
    the package."""
    values = {field["key"]: worst_case_value(field) for field in manifest["fields"]}
    context = build_context(
        WORST_CASE_HEADER, WORST_CASE_PARTIES, values, manifest, language, date(2026, 1, 1)
    )
    try:
        render_docx(docx_bytes, context, strict=True)
    except RenderLimitExceeded as error:
        named = error.named(label(manifest["title"], language))
        raise TemplateRejected("render_limit", f"{language}.docx: {named.message}") from error
    except Exception as error:  # any failure of a foreign template refuses it, with its message
        raise TemplateRejected("render_failed", f"{language}.docx: {error}") from error
