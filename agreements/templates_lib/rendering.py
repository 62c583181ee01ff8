"""Filling a template: the context a document sees, sandboxed docxtpl rendering, PDF and an HTML preview.

docxtpl always runs with a SandboxedEnvironment and autoescape: without the sandbox a template could run
code, and without autoescape a ``<`` or ``&`` in a value would silently corrupt the document.
"""

import io
import re
import shutil
import subprocess
import tempfile
from datetime import date
from itertools import takewhile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Undefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from agreements.templates_lib.fields import document_value, format_date, label

PDF_TIMEOUT_SECONDS = 90
#: The package format allows no filter but ``default``; any other one is a template syntax error.
ALLOWED_FILTERS = ("default", "d")
KIND_TITLES = {
    "fi": {"workshop": "työpaja", "provider": "koulutuksen järjestäjä"},
    "sv": {"workshop": "verkstad", "provider": "utbildningsanordnare"},
}


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed or could not convert the document."""


class DocumentEnvironment(SandboxedEnvironment):
    """The sandbox without method calls, sequence repetition and powers, with which a template could
    exhaust memory or CPU (``{{ name.ljust(10**10) }}``, ``{{ "x" * 10**10 }}``); numbers still multiply."""

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_callable(self, obj) -> bool:
        return False

    def call_binop(self, context, operator, left, right):
        if operator == "**" or not all(isinstance(value, int | float) for value in (left, right)):
            raise SecurityError(f"the operator {operator} is not allowed here")
        return super().call_binop(context, operator, left, right)


def sandboxed_environment(strict: bool = False) -> SandboxedEnvironment:
    """The only Jinja environment documents are rendered in: sandboxed, autoescaping, without globals.

    ``strict`` makes any undefined or unsafe lookup an error, which is how uploaded templates are tested.
    """
    environment = DocumentEnvironment(autoescape=True, undefined=StrictUndefined if strict else Undefined)
    environment.globals.clear()
    environment.filters = {name: environment.filters[name] for name in ALLOWED_FILTERS}
    return environment


def is_heading_1(paragraph: Paragraph) -> bool:
    """True for a paragraph in Word's built-in "Heading 1" style, which starts a section."""
    return paragraph.style is not None and paragraph.style.name == "Heading 1"


def party_data(organisation: dict, language: str) -> dict:
    """A party as documents see it; ``organisation`` holds name, business_id, municipality, region, kind."""
    return {**organisation, "kind_title": KIND_TITLES[language][organisation["kind"]]}


def build_context(
    header: dict, parties: list[dict], values: dict, manifest: dict, language: str, today: date
) -> dict:
    """Everything a document may use: the agreement's own data, its parties and the declared fields."""
    party_dicts = [party_data(party, language) for party in parties]
    end_date = header.get("end_date")
    context = {
        "agreement": {
            "reference": header["reference"],
            "title": header["title"],
            "start_date": format_date(header["start_date"].isoformat()),
            "end_date": format_date(end_date.isoformat()) if end_date else "",
            "open_ended": end_date is None,
            "notice_period_months": header["notice_period_months"],
            "auto_renew": header["auto_renew"],
        },
        "parties": party_dicts,
        "workshop": next((p for p in party_dicts if p["kind"] == "workshop"), None),
        "providers": [p for p in party_dicts if p["kind"] == "provider"],
        "today": format_date(today.isoformat()),
    }
    for field in manifest["fields"]:
        context[field["key"]] = document_value(field, values.get(field["key"]), language)
    return context


def render_docx(template_bytes: bytes, context: dict, strict: bool = False) -> bytes:
    """Fill a .docx template with ``context`` (plain dicts only) and return the document's bytes."""
    document = DocxTemplate(io.BytesIO(template_bytes))
    document.render(context, jinja_env=sandboxed_environment(strict), autoescape=True)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def pdf_available() -> bool:
    return _soffice() is not None


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx_bytes: bytes) -> bytes:
    """Convert a .docx to PDF with headless LibreOffice, in a fresh profile, within a time limit."""
    soffice = _soffice()
    if soffice is None:
        raise PdfUnavailable("soffice is not installed")
    with tempfile.TemporaryDirectory(prefix="sopimus-pdf-") as workdir:
        source = Path(workdir) / "document.docx"
        source.write_bytes(docx_bytes)
        command = [
            soffice,
            f"-env:UserInstallation=file://{workdir}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            workdir,
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_SECONDS, check=False)  # noqa: S603
        except subprocess.TimeoutExpired as error:
            raise PdfUnavailable("LibreOffice did not finish in time") from error
        target = source.with_suffix(".pdf")
        if not target.exists():
            raise PdfUnavailable("LibreOffice produced no PDF")
        return target.read_bytes()


def document_sections(docx_bytes: bytes, manifest: dict, language: str) -> list[dict]:
    """The rendered document split at its section headings, for the HTML preview.

    Returns the preamble (key None) and one entry per manifest section: key, title and blocks, where a
    block is ("p", text) or ("table", {"header": rows, "body": rows}) with rows of cell texts; header rows
    are the leading rows the .docx marks to repeat as table headers.
    """
    titles = {label(section["title"], language): section["key"] for section in manifest["sections"]}
    sections = [{"key": None, "title": "", "blocks": []}]
    document = Document(io.BytesIO(docx_bytes))
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text in titles and is_heading_1(block):  # the style lookup is slow; the text test is not
                sections.append({"key": titles[text], "title": text, "blocks": []})
            elif text:
                sections[-1]["blocks"].append(("p", block.text))
        elif isinstance(block, Table):
            sections[-1]["blocks"].append(("table", _table_rows(block)))
    return sections


def _table_rows(table: Table) -> dict:
    """A table's cell texts, split into its header rows and the rest."""
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    header_count = sum(1 for _row in takewhile(_is_header_row, table.rows))
    return {"header": rows[:header_count], "body": rows[header_count:]}


def _is_header_row(row) -> bool:
    """True for a row marked "repeat as header row" (w:tblHeader) in Word."""
    properties = row._tr.trPr
    marker = properties.find(qn("w:tblHeader")) if properties is not None else None
    return marker is not None and marker.get(qn("w:val"), "true") not in ("0", "false")


#: Characters XML 1.0 cannot hold; a pasted comment, a name or a user agent may contain them.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def word_text(value: str | None) -> str:
    """Text that a Word document can hold: characters XML 1.0 cannot are left out."""
    return _NOT_IN_XML.sub("", value or "")
