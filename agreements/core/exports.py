"""A table as a file: CSV (UTF-8 with BOM and semicolons, as Finnish Excel opens it) or XLSX (openpyxl),
both stamped with the day the figures describe. Text is never run as a formula: CSV quotes it with an
apostrophe (a CSV cell has no type), XLSX stores it as a text cell.

A table's rows may be an iterator that reads them from the database as they are written: a file is made
row by row and sent as it is made, so an export of every agreement holds neither every row nor the whole
file in memory."""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING

from babel import numbers
from flask import abort, stream_with_context
from flask_babel import format_decimal, get_locale, to_user_timezone
from flask_babel import gettext as _

from agreements.core.tables import Cell, Table
from agreements.core.web import CSV_MEDIA_TYPE, send_stream

if TYPE_CHECKING:  # openpyxl loads with the first XLSX written, not in every web worker
    from openpyxl.cell import WriteOnlyCell


def day_text(value: date) -> str:
    """A date as d.M.yyyy, as Babel writes that pattern in every language, without Babel's cost per value."""
    return f"{value.day}.{value.month}.{value.year:04d}"


def moment_text(value: datetime) -> str:
    """A time as d.M.yyyy H.mm in the user's time zone, as Babel writes that pattern."""
    local = to_user_timezone(value)
    return f"{day_text(local)} {local.hour}.{local.minute:02d}"


def stamp(table: Table) -> str:
    """The line that says what the file describes."""
    return _("%(title)s, figures on %(day)s", title=table.title, day=day_text(table.as_of))


#: A text starting with one of these would be run as a formula by a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: A text starting with one of FORMULA_STARTS, in texts each preceded by NUL.
_FORMULA_IN_ROW = re.compile("\0[" + re.escape("".join(FORMULA_STARTS)) + "]")

#: The texts a spreadsheet shows as an error (openpyxl's ``openpyxl.cell.cell.ERROR_CODES``), kept as text
#: in XLSX.
ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))

#: Control characters XML, and so XLSX, cannot hold (openpyxl refuses them: ``ILLEGAL_CHARACTERS_RE``).
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: Rows written between two pieces of a streamed CSV.
CSV_BATCH = 1000

#: Bytes in each piece of a streamed XLSX file.
XLSX_CHUNK = 256 * 1024


@lru_cache(maxsize=16)
def integer_form(locale: str) -> tuple[str, str] | None:
    """The minus sign and the group separator with which Babel writes whole numbers in ``locale``, read once
    from Babel's own output, so that a table's thousands of figures are not each formatted by Babel; None
    for a locale whose numbers do not follow that simple form (Babel writes them)."""
    probe = numbers.format_decimal(-1234567, locale=locale)
    minus, _one, rest = probe.partition("1")
    group = rest[:1]
    simple = probe == f"{minus}1{group}234{group}567" and numbers.format_decimal(1234, locale=locale) == (
        f"1{group}234"
    )
    return (minus, group) if simple else None


def shown(value, none: str = "–") -> str:
    """A value as people read it, on the page and in CSV alike: numbers in the interface language's form
    (decimal comma in Finnish), dates and times Finnish-style, ``none`` for no value."""
    if value is None:
        return none
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return moment_text(value)
    if isinstance(value, date):
        return day_text(value)
    if isinstance(value, int) and -1000 < value < 1000:
        return str(value)  # no separators to place: the common case, spared Babel's cost
    if isinstance(value, int) and (form := integer_form(str(get_locale()))) is not None:
        minus, group = form
        digits = f"{abs(value):,}".replace(",", group)
        return minus + digits if value < 0 else digits
    if isinstance(value, int | float):
        return format_decimal(value)
    return str(value)


def _csv_cells(row: list[Cell]) -> list[str]:
    """A row of cells as CSV writes it: each value as the page shows it, text a spreadsheet would take for a
    formula quoted with an apostrophe."""
    return _csv_texts([shown(cell.value, none="") for cell in row])


def _csv_texts(texts):
    """Texts as CSV writes them: one a spreadsheet would take for a formula quoted with an apostrophe. A row
    with none is looked through once, joined, rather than text by text."""
    if _FORMULA_IN_ROW.search("\0" + "\0".join(texts)) is None:
        return texts
    return ["'" + text if text.startswith(FORMULA_STARTS) else text for text in texts]


def _cell(sheet, value) -> object:
    """A value as XLSX keeps it: numbers as numbers, the rest as the page shows it, text as text."""
    if isinstance(value, int | float):
        return value
    return _xlsx_text(sheet, shown(value, none=""))


def _xlsx_text(sheet, text: str) -> object:
    """A text as XLSX keeps it: characters XML cannot hold as spaces, and text a spreadsheet would read as a
    formula or an error value in a text cell of its own."""
    if _NOT_IN_XLSX.search(text):
        text = _NOT_IN_XLSX.sub(" ", text)
    return _text(sheet, text) if _spreadsheet_special(text) else text


def _spreadsheet_special(text: str) -> bool:
    """Whether a spreadsheet would read the text as a formula or an error value."""
    return text.startswith(FORMULA_STARTS) or text in ERRORS


def _text(sheet, text: str, bold: bool = False) -> "WriteOnlyCell":
    """A text cell: never a formula or an error code, and marked (quotePrefix, no visible apostrophe) so that
    a spreadsheet keeps text that looks like a formula text when it is edited. Plain text needs no cell of
    its own: openpyxl stores it as text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def csv_chunks(table: Table) -> Iterator[bytes]:
    """The table as CSV in pieces: the stamp and a header row with the first rows, then rows in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([stamp(table)])
    writer.writerow(table.columns)
    rows = iter(table.rows)
    convert = _csv_texts if table.plain else _csv_cells
    while True:
        batch = list(islice(rows, CSV_BATCH))
        writer.writerows(map(convert, batch))
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        if len(batch) < CSV_BATCH:
            return


def xlsx_chunks(table: Table) -> Iterator[bytes]:
    """The table as an XLSX workbook of one sheet (the stamp, a bold header row, then the rows), written
    row by row in write-only mode to a temporary file, then read out in pieces."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.key[:31])
    for index, title in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(50, len(title) + 2))
    sheet.append([_text(sheet, stamp(table))])
    sheet.append([_text(sheet, str(title), bold=True) for title in table.columns])
    if table.plain:
        for texts in table.rows:
            sheet.append([_xlsx_text(sheet, text) for text in texts])
    else:
        for row in table.rows:
            sheet.append([_cell(sheet, cell.value) for cell in row])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(XLSX_CHUNK):
            yield chunk


def to_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook of one sheet: the stamp, a bold header row, then the rows."""
    return b"".join(xlsx_chunks(table))


#: Format → (writer of pieces, media type).
FORMATS = {
    "csv": (csv_chunks, CSV_MEDIA_TYPE),
    "xlsx": (xlsx_chunks, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def download(table: Table | None, fmt: str):
    """The table as a file to download, streamed as it is written; 404 for no table or an unknown format.

    The first piece is made before the response is: it runs the table's query (built under the request's
    user) and, for XLSX, writes the whole file, so an error there is an ordinary error page, not a cut file.
    The rest is made while the request's context is kept (its user, its database session)."""
    if table is None or fmt not in FORMATS:
        abort(404)
    writer, media_type = FORMATS[fmt]
    pieces = stream_with_context(writer(table))
    first = next(pieces, b"")
    return send_stream(_chain(first, pieces), media_type, f"{table.key}-{table.as_of.isoformat()}.{fmt}")


def _chain(first: bytes, rest: Iterable[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest
