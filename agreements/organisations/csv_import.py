"""Reading and checking a CSV file of organisations; plain functions, no HTTP.

A file is imported only when every row is good, so everything here collects problems instead of
stopping at the first: a whole-file problem raises ``ImportFileError``; row problems come back as
``RowError``s with the row number (the header is row 1), the column and what is wrong.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from charset_normalizer import from_bytes
from flask_babel import gettext as _

from agreements.organisations import business_id
from agreements.organisations.models import Language, OrganisationKind, Region
from agreements.organisations.queries import all_regions, existing_name_keys, name_key

COLUMNS = ("kind", "name", "business_id", "region", "municipality", "language")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
#: Column widths of the organisations table.
MAX_LENGTHS = {"name": 200, "municipality": 80}

KIND_ALIASES = {
    "workshop": OrganisationKind.WORKSHOP,
    "työpaja": OrganisationKind.WORKSHOP,
    "verkstad": OrganisationKind.WORKSHOP,
    "provider": OrganisationKind.PROVIDER,
    "koulutuksen järjestäjä": OrganisationKind.PROVIDER,
    "utbildningsanordnare": OrganisationKind.PROVIDER,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing in it is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: row number (the header is row 1), column name and message."""

    row: int
    column: str
    message: str


@dataclass
class ImportCheck:
    """The outcome of checking a file: the organisations to create, or the problems found."""

    organisations: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: The character encoding the file was read in, as people name it (e.g. Windows-1252).
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


#: The encodings a spreadsheet in Finland saves text in, by charset-normalizer's names, with the names
#: people know: "CSV UTF-8", "Unicode text" (UTF-16) and Excel's plain "CSV" on Windows (Windows-1252).
#: Nothing else is guessed: on a short file of Finnish words the 8-bit encodings cannot be told apart.
ENCODINGS = {"utf_8": "UTF-8", "utf_16": "UTF-16", "cp1252": "Windows-1252"}
#: Characters no text file has (C0 controls but tab and line ends, and DEL): a file with one is binary.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Decoded:
    """A file's text and the encoding it was read in, as people name it."""

    text: str
    encoding: str


def decode(data: bytes) -> Decoded:
    """The file's text in the encoding it is found in; refuses files too large or not text. No BOM."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(size)s MB.", size=MAX_BYTES // (1024 * 1024)))
    decoded = _strictly(data, "utf-8-sig", "utf_8") or _detected(data) or _strictly(data, "cp1252", "cp1252")
    if decoded is None or NOT_TEXT.search(decoded.text):
        raise ImportFileError(_("The file is not a text file. Save the spreadsheet as CSV (UTF-8)."))
    return decoded


def _strictly(data: bytes, codec: str, encoding: str) -> Decoded | None:
    """The text if every byte is valid in ``codec``, else None."""
    try:
        return Decoded(data.decode(codec), ENCODINGS[encoding])
    except UnicodeDecodeError:
        return None


def _detected(data: bytes) -> Decoded | None:
    """The text in the encoding charset-normalizer finds likeliest among ENCODINGS, or None.

    It refuses some genuine Finnish text (doubled accented letters, ää or ÄÄ, look to it like a wrong guess),
    so the caller falls back to Windows-1252 for bytes valid in it; NOT_TEXT then tells binary files apart.
    """
    match = from_bytes(data, cp_isolation=list(ENCODINGS)).best()
    if match is None or match.encoding not in ENCODINGS:
        return None
    return Decoded(str(match).removeprefix("\ufeff"), ENCODINGS[match.encoding])


def sniff_delimiter(header_line: str) -> str:
    """Semicolon (what Finnish spreadsheets write), tab (Excel's "Unicode text") or comma, whichever the
    header uses most; comma when none."""
    return max((",", ";", "\t"), key=header_line.count)


def read_records(
    text: str, columns: tuple[str, ...] = COLUMNS, max_rows: int | None = None, no_rows: str | None = None
) -> list[tuple[int, dict]]:
    """The data rows as (row number, {column: value}); checks the header has ``columns`` and the row count.

    ``max_rows`` defaults to the organisations' MAX_ROWS; ``no_rows`` is the message for a header alone.
    """
    max_rows = max_rows or MAX_ROWS
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text.splitlines()[0]))
    rows = _parsed_rows(reader)
    header = [name.strip().lower() for name in next(rows)]
    missing = [column for column in columns if column not in header]
    if missing:
        raise ImportFileError(
            _(
                "The header row lacks these columns: %(missing)s. Expected: %(expected)s.",
                missing=", ".join(missing),
                expected=", ".join(columns),
            )
        )
    records = []
    for cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(records) == max_rows:
            raise ImportFileError(_("The file has more than %(max)s rows. Split it.", max=max_rows))
        records.append((reader.line_num, _record(header, cells)))
    if not records:
        raise ImportFileError(no_rows or _("The file has no organisation rows under the header."))
    return records


def _parsed_rows(reader) -> Iterator[list[str]]:
    """The reader's rows; a row the csv module cannot parse (e.g. an unclosed quote) refuses the file."""
    first_line = 1
    try:
        for cells in reader:
            yield cells
            first_line = reader.line_num + 1
    except csv.Error:
        raise ImportFileError(
            _("Row %(row)s cannot be read: check its quotes and separators.", row=first_line)
        ) from None


def _record(header: list[str], cells: list[str]) -> dict:
    """Map cells to column names; cells beyond the header are kept under None."""
    record = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
    record[None] = cells[len(header) :]
    return record


@dataclass
class _Lookups:
    """What rows are checked against: regions by code or name, and organisations already stored."""

    regions: dict[str, int]
    existing: set[tuple[str, str]]
    seen: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def build(cls, regions: list[Region], existing: set[tuple[str, str]]) -> "_Lookups":
        names = {}
        for region in regions:
            for key in (region.code, region.name_fi.casefold(), region.name_sv.casefold()):
                names[key] = region.id
        return cls(regions=names, existing=existing)


def check_records(
    records: list[tuple[int, dict]], regions: list[Region], existing: set[tuple[str, str]]
) -> ImportCheck:
    """Check every row against the rules, the regions and the ``existing`` name keys."""
    lookups = _Lookups.build(regions, existing)
    result = ImportCheck()
    for number, record in records:
        values, errors = _check_row(number, record, lookups)
        result.errors.extend(errors)
        if not errors:
            result.organisations.append(values)
    if result.errors:
        result.organisations = []
    return result


def _check_row(number: int, record: dict, lookups: _Lookups) -> tuple[dict, list[RowError]]:
    """The row's values ready for ``Organisation(**values)``, and its problems."""
    values, errors = {}, []

    def problem(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    if any(cell.strip() for cell in record[None]):
        problem("—", _("The row has more cells than the header. Check the separator and the quotes."))
    for column in COLUMNS:
        raw = record.get(column, "")
        if not raw:
            problem(column, _("This column is required."))
            continue
        value, message = CHECKS[column](raw, lookups)
        if message:
            problem(column, message)
        else:
            values[column] = value
    if "name" in values and "municipality" in values:
        message = _duplicate(number, values["name"], values["municipality"], lookups)
        if message:
            problem("name", message)
    values["region_id"] = values.pop("region", None)
    return values, errors


def _duplicate(number: int, name: str, municipality: str, lookups: _Lookups) -> str | None:
    """A message when the name is already used in the municipality, in the database or the file."""
    key = name_key(name, municipality)
    if key in lookups.existing:
        return _(
            "An organisation with this name already exists in %(municipality)s.", municipality=municipality
        )
    if key in lookups.seen:
        return _("The same name and municipality are already on row %(row)s.", row=lookups.seen[key])
    lookups.seen[key] = number
    return None


def _check_kind(raw: str, lookups: _Lookups):
    kind = KIND_ALIASES.get(raw.casefold())
    return kind, None if kind else _("Unknown kind “%(value)s”: use workshop or provider.", value=raw)


def _check_business_id(raw: str, lookups: _Lookups):
    if business_id.is_valid(raw):
        return business_id.normalise(raw), None
    return None, _(
        "“%(value)s” is not a valid business ID: check the format 1234567-8 and the last digit.", value=raw
    )


def _check_region(raw: str, lookups: _Lookups):
    key = raw.zfill(2) if raw.isdigit() else raw.casefold()
    region_id = lookups.regions.get(key)
    if region_id is None:
        return None, _(
            "Unknown region “%(value)s”: use its code, e.g. 06, or its Finnish or Swedish name.", value=raw
        )
    return region_id, None


def _check_language(raw: str, lookups: _Lookups):
    try:
        return Language(raw.lower()), None
    except ValueError:
        return None, _("Unknown language “%(value)s”: use fi or sv.", value=raw)


def _check_length(column: str):
    def check(raw: str, lookups: _Lookups):
        if len(raw) > MAX_LENGTHS[column]:
            return None, _("At most %(max)s characters.", max=MAX_LENGTHS[column])
        return raw, None

    return check


CHECKS = {
    "kind": _check_kind,
    "name": _check_length("name"),
    "business_id": _check_business_id,
    "region": _check_region,
    "municipality": _check_length("municipality"),
    "language": _check_language,
}


#: Rows of the downloadable example; fictional organisations showing the accepted spellings.
EXAMPLE_ROWS = (
    ("workshop", "Esimerkkipaja", "0737546-2", "06", "Tampere", "fi"),
    ("koulutuksen järjestäjä", "Esimerkkiopisto", "1572860-0", "Uusimaa", "Espoo", "fi"),
    ("provider", "Exempelinstitutet", "2617416-4", "Österbotten", "Vasa", "sv"),
)


def example_csv(columns: tuple[str, ...] = COLUMNS, rows: tuple[tuple[str, ...], ...] = EXAMPLE_ROWS) -> str:
    """An example file: BOM, semicolons, the header and a few rows, as spreadsheets in Finland save it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def check_file(data: bytes) -> ImportCheck:
    """Decode, read and check an uploaded file against the database; raises ImportFileError."""
    decoded = decode(data)
    check = check_records(read_records(decoded.text), all_regions(), existing_name_keys())
    check.encoding = decoded.encoding
    return check


def read_as(encoding: str) -> str:
    """The sentence telling which encoding a file was read in."""
    return _("The file was read as %(encoding)s text.", encoding=encoding)
