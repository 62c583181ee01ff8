"""Registering many agreements signed outside the service at once: a CSV file of them and a ZIP of their PDFs.

The whole upload is checked first and every problem listed with its row (the header is row 1) and column;
nothing is stored unless every row passes, and then all rows are stored in the request's one transaction.
The CSV is read as the organisations import reads it (UTF-8 with or without a BOM, UTF-16 or Windows-1252,
semicolons, commas or tabs);
the ZIP is opened defensively: a bounded number of entries and bytes, plain file names only, and each entry
named by one row only, so no entry is unpacked twice (and two agreements never share one PDF).
"""

import io
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from agreements.core.dates import parse_day, years_problem
from agreements.core.uploads import MAX_PAPER_BYTES
from agreements.drafting.models import Agreement
from agreements.drafting.operations import InvalidAgreement
from agreements.drafting.registration import Registration, check_registration, sha256, store
from agreements.extensions import db
from agreements.organisations import business_id, csv_import
from agreements.organisations.csv_import import ImportFileError, RowError, decode, read_records
from agreements.organisations.models import Language, Organisation
from agreements.organisations.queries import name_key
from agreements.templates_lib.models import TemplateKind

#: Columns every file must have; the optional ones may be left out of the header.
REQUIRED = ("kind", "title", "workshop", "parties", "start_date", "pdf")
OPTIONAL = (
    "end_date",
    "notice_period_months",
    "auto_renew",
    "language",
    "notice_given_on",
    "main_agreement",
    "docx",
)
MAX_ROWS = 2000
#: A ZIP holds at most a PDF and a .docx per row, and this many bytes once unpacked.
MAX_ZIP_ENTRIES = 2 * MAX_ROWS
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
DEFAULT_NOTICE_MONTHS = 3

OTHER = "other"
KIND_ALIASES = {
    "commitment": TemplateKind.COMMITMENT,
    "sitoumus": TemplateKind.COMMITMENT,
    "förbindelse": TemplateKind.COMMITMENT,
    "bilateral": TemplateKind.BILATERAL,
    "yhteistyösopimus": TemplateKind.BILATERAL,
    "samarbetsavtal": TemplateKind.BILATERAL,
    "annex": TemplateKind.ANNEX,
    "liite": TemplateKind.ANNEX,
    "bilaga": TemplateKind.ANNEX,
    "other": OTHER,
    "muu": OTHER,
    "annan": OTHER,
}
YES = {"yes", "kyllä", "ja", "true", "1", "x"}
NO = {"", "no", "ei", "nej", "false", "0"}
#: The columns that name a file in the ZIP.
FILE_COLUMNS = ("pdf", "docx")
#: Where the problems check_registration finds by field go in the file.
FIELD_COLUMNS = {"owner": "workshop", "signed_pdf": "pdf", "main_agreement": "main_agreement"}


class ZipFileError(ImportFileError):
    """The ZIP file as a whole cannot be used; shown on its own field."""


@dataclass
class BulkCheck:
    """The outcome of checking an upload: the registrations to store, or the problems found."""

    registrations: list[tuple[Registration, dict, list]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: The row of each signed PDF by its SHA-256: two rows with the same PDF are one agreement twice.
    pdf_rows: dict[str, int] = field(default_factory=dict)
    #: The character encoding the CSV file was read in, as people name it (e.g. Windows-1252).
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def check_upload(csv_data: bytes, zip_data: bytes, actor) -> BulkCheck:
    """Check the CSV and ZIP as a whole; ImportFileError for a file that cannot be read at all."""
    decoded = decode(csv_data)
    records = read_records(
        decoded.text,
        columns=REQUIRED,
        max_rows=MAX_ROWS,
        no_rows=_("The file has no agreement rows under the header."),
    )
    with _opened_zip(zip_data) as archive:
        files = _zip_files(archive)
        organisations = _Organisations.build()
        result = BulkCheck(encoding=decoded.encoding)
        shared, mains = _shared_files(records), _MainAgreements()
        for number, record in records:
            _check_row(result, number, record, _Row(archive, files, organisations, actor, shared, mains))
    if result.errors:
        result.registrations = []
    return result


def store_all(check: BulkCheck, actor) -> list:
    """Store every registration of a check that passed; the caller commits them together."""
    return [
        store(registration, header, parties, actor) for registration, header, parties in check.registrations
    ]


def _opened_zip(data: bytes) -> zipfile.ZipFile:
    if not data or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ZipFileError(_("The ZIP file of the PDF documents is missing or is not a ZIP file."))
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ZipFileError(_("The ZIP file cannot be read.")) from None


def _zip_files(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The ZIP's entries by name, refused whole when there are too many, too large, or in folders."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ZipFileError(_("The ZIP file has more than %(max)s files.", max=MAX_ZIP_ENTRIES))
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ZipFileError(
            _("The ZIP file unpacks to more than %(size)s MB.", size=MAX_UNPACKED_BYTES // (1024 * 1024))
        )
    nested = [entry.filename for entry in entries if not _plain_name(entry.filename)]
    if nested:
        raise ZipFileError(
            _(
                "Put the files at the top of the ZIP file, not in folders: %(names)s.",
                names=", ".join(nested[:5]),
            )
        )
    return {entry.filename: entry for entry in entries}


def _shared_files(records: list[tuple[int, dict]]) -> dict[str, list[int]]:
    """The file names that more than one cell names, each with the numbers of the rows naming it."""
    rows_by_name: dict[str, list[int]] = {}
    for number, record in records:
        for column in FILE_COLUMNS:
            name = record.get(column, "")
            if name:
                rows_by_name.setdefault(name, []).append(number)
    return {name: rows for name, rows in rows_by_name.items() if len(rows) > 1}


def _plain_name(name: str) -> bool:
    return bool(name) and not any(mark in name for mark in ("/", "\\", "..")) and ":" not in name


@dataclass
class _Organisations:
    """Organisations by business ID and by name and municipality, to find each row's parties."""

    by_business_id: dict[str, list[Organisation]]
    by_name: dict[tuple[str, str], Organisation]

    @classmethod
    def build(cls) -> "_Organisations":
        by_business_id, by_name = {}, {}
        for organisation in db.session.scalars(select(Organisation)):
            by_business_id.setdefault(organisation.business_id, []).append(organisation)
            by_name[name_key(organisation.name, organisation.municipality)] = organisation
        return cls(by_business_id, by_name)

    def find(self, text: str) -> tuple[Organisation | None, str | None]:
        """The organisation a business ID or "Name (Municipality)" names, or why none is found."""
        if business_id.is_valid(text):
            found = self.by_business_id.get(business_id.normalise(text), [])
            if len(found) == 1:
                return found[0], None
            if found:
                return None, _(
                    "Several organisations have the business ID %(value)s: give the name and municipality, "
                    "e.g. Name (Municipality).",
                    value=text,
                )
        elif text.endswith(")") and "(" in text:
            name, _sep, municipality = text[:-1].rpartition("(")
            found = self.by_name.get(name_key(name, municipality))
            if found is not None:
                return found, None
        return None, _(
            "No organisation “%(value)s”: give its business ID, or its name and municipality as "
            "Name (Municipality).",
            value=text,
        )


@dataclass
class _Row:
    """What one row is checked against."""

    archive: zipfile.ZipFile
    files: dict[str, zipfile.ZipInfo]
    organisations: _Organisations
    actor: object
    #: The file names named more than once in the file, with their rows: refused, never unpacked.
    shared: dict[str, list[int]]
    main_agreements: "_MainAgreements"


def _check_row(result: BulkCheck, number: int, record: dict, row: _Row) -> None:
    """Read the row's cells, then check the registration they make as one made by hand is checked."""
    errors = []

    def problem(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    if any(cell.strip() for cell in record[None]):
        problem("—", _("The row has more cells than the header. Check the separator and the quotes."))
    values = {}
    for column, read in READERS.items():
        value, message = read(record.get(column, ""), row)
        if message:
            problem(column, message)
        values[column] = value
    if errors:
        result.errors.extend(errors)
        return
    registration = _registration(values)
    try:
        header, parties = check_registration(registration, row.actor)
    except InvalidAgreement as invalid:
        result.errors.extend(
            RowError(number, FIELD_COLUMNS.get(key, key), _row_message(key, message, registration))
            for key, message in invalid.errors.items()
        )
        return
    first = result.pdf_rows.setdefault(sha256(registration.signed_pdf), number)
    if first != number:
        result.errors.append(
            RowError(
                number,
                "pdf",
                _("The PDF is the same as on row %(row)s: is it one agreement twice?", row=first),
            )
        )
        return
    result.registrations.append((registration, header, parties))


def _row_message(key: str, message: str, registration: Registration) -> str:
    """The message of a problem as the file is written: an annex names its main agreement by reference."""
    if key == "main_agreement" and registration.kind == TemplateKind.ANNEX:
        return _main_agreement_problem()
    return message


def _main_agreement_problem() -> str:
    return _(
        "An annex names its main agreement by reference, e.g. SOP-2026-0042: an agreement of the same "
        "workshop registered or drafted earlier, neither an annex nor ended."
    )


#: No reference is longer (SOP-2026-0042); a longer cell is not looked up.
MAX_REFERENCE_LENGTH = 20


class _MainAgreements:
    """The agreements named as main agreements, by reference, each looked up once."""

    def __init__(self):
        self.by_reference: dict[str, Agreement | None] = {}

    def find(self, reference: str) -> Agreement | None:
        if len(reference) > MAX_REFERENCE_LENGTH:
            return None
        if reference not in self.by_reference:
            query = select(Agreement).where(Agreement.reference == reference)
            self.by_reference[reference] = db.session.scalars(query).first()
        return self.by_reference[reference]


def _registration(values: dict) -> Registration:
    owner = values["workshop"]
    return Registration(
        owner=owner,
        others=values["parties"],
        kind=None if values["kind"] == OTHER else values["kind"],
        language=values["language"] or owner.language,
        title=values["title"],
        start_date=values["start_date"],
        end_date=values["end_date"],
        notice_period_months=values["notice_period_months"],
        auto_renew=values["auto_renew"],
        signed_pdf=values["pdf"],
        docx=values["docx"],
        notice_given_on=values["notice_given_on"],
        main_agreement=values["main_agreement"],
    )


def _required(read):
    def check(raw: str, row: _Row):
        if not raw:
            return None, _("This column is required.")
        return read(raw, row)

    return check


def _read_kind(raw: str, row: _Row):
    kind = KIND_ALIASES.get(raw.casefold())
    if kind is None:
        return None, _("Unknown kind “%(value)s”: use commitment, bilateral, annex or other.", value=raw)
    return kind, None


def _read_text(raw: str, row: _Row):
    return raw, None


def _read_organisation(raw: str, row: _Row):
    return row.organisations.find(raw)


def _read_parties(raw: str, row: _Row):
    found, problems = [], []
    for text in (part.strip() for part in raw.split("|")):
        if not text:
            continue
        organisation, message = row.organisations.find(text)
        if message:
            problems.append(message)
        else:
            found.append(organisation)
    return found, " ".join(problems) or None


def _read_date(raw: str, row: _Row):
    if not raw:
        return None, None
    day = parse_day(raw)
    if day is None:
        return None, _("“%(value)s” is not a date: write it as 31.12.2026 or 2026-12-31.", value=raw)
    problem = years_problem(day)
    return (None, problem) if problem else (day, None)


def _read_months(raw: str, row: _Row):
    if not raw:
        return DEFAULT_NOTICE_MONTHS, None
    if raw.isascii() and raw.isdigit() and len(raw) <= 3:
        return int(raw), None
    return None, _("Enter a whole number of months, e.g. 3.")


def _read_yes_no(raw: str, row: _Row):
    value = raw.casefold()
    if value in YES or value in NO:
        return value in YES, None
    return None, _("Write yes or no (kyllä or ei).")


def _read_language(raw: str, row: _Row):
    if not raw:
        return None, None
    try:
        return Language(raw.lower()), None
    except ValueError:
        return None, _("Unknown language “%(value)s”: use fi or sv.", value=raw)


def _read_main_agreement(raw: str, row: _Row):
    if not raw:
        return None, None
    found = row.main_agreements.find(raw.upper())
    return (found, None) if found is not None else (None, _main_agreement_problem())


def _read_file(raw: str, row: _Row):
    """The bytes of the ZIP entry the cell names; no more than its declared size, at most a paper copy's."""
    if not raw:
        return None, None
    entry = row.files.get(raw)
    if entry is None:
        return None, _("The ZIP file has no file “%(name)s”.", name=raw)
    if raw in row.shared:
        rows = ", ".join(str(number) for number in sorted(set(row.shared[raw])))
        return None, _(
            "The file “%(name)s” is named more than once (rows %(rows)s): give each agreement its own file.",
            name=raw,
            rows=rows,
        )
    if entry.file_size > MAX_PAPER_BYTES:
        return None, _("The file is larger than %(size)s MB.", size=MAX_PAPER_BYTES // (1024 * 1024))
    try:
        return row.archive.read(entry), None
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, RuntimeError):
        return None, _("The file “%(name)s” in the ZIP file cannot be read.", name=raw)


#: How each column is read; a reader answers (value, None) or (None, what is wrong).
READERS = {
    "kind": _required(_read_kind),
    "title": _required(_read_text),
    "workshop": _required(_read_organisation),
    "parties": _required(_read_parties),
    "start_date": _required(_read_date),
    "end_date": _read_date,
    "notice_period_months": _read_months,
    "auto_renew": _read_yes_no,
    "language": _read_language,
    "notice_given_on": _read_date,
    "main_agreement": _read_main_agreement,
    "pdf": _required(_read_file),
    "docx": _read_file,
}


#: Columns of the example file, in order.
COLUMNS = (*REQUIRED[:-1], *OPTIONAL[:-1], "pdf", "docx")
#: Rows of the downloadable example; fictional organisations showing the accepted spellings.
EXAMPLE_ROWS = (
    (
        "bilateral",
        "Yhteistyösopimus 2024",
        "0737546-2",
        "1572860-0 | Esimerkkiopisto (Espoo)",
        "1.8.2024",
        "31.7.2027",
        "3",
        "ei",
        "fi",
        "",
        "",
        "yhteistyosopimus-2024.pdf",
        "yhteistyosopimus-2024.docx",
    ),
    (
        "annex",
        "Liite 1: korvaukset",
        "0737546-2",
        "1572860-0",
        "1.1.2025",
        "31.7.2027",
        "3",
        "ei",
        "fi",
        "",
        "SOP-2024-0001",
        "liite-1.pdf",
        "",
    ),
    (
        "other",
        "Vuokrasopimus",
        "Esimerkkipaja (Tampere)",
        "2617416-4",
        "2023-01-01",
        "",
        "6",
        "",
        "",
        "",
        "",
        "vuokra.pdf",
        "",
    ),
)


def example_csv() -> str:
    """An example file of agreements to register, as spreadsheets in Finland save it."""
    return csv_import.example_csv(COLUMNS, EXAMPLE_ROWS)
