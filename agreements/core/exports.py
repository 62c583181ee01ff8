"""A table as a file: CSV (UTF-8 with BOM and semicolons, as Finnish Excel opens it) or XLSX (openpyxl),
both stamped with the day the figures describe. Text is never run as a formula: CSV quotes it with an
apostrophe (a CSV cell has no type), XLSX stores it as a text cell."""

import csv
import io
from datetime import date, datetime

from flask import abort
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from agreements.core.tables import Table
from agreements.core.web import CSV_MEDIA_TYPE, send_download


def stamp(table: Table) -> str:
    """The line that says what the file describes."""
    return _("%(title)s, figures on %(day)s", title=table.title, day=format_date(table.as_of, "d.M.yyyy"))


#: A text starting with one of these would be run as a formula by a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def shown(value, none: str = "–") -> str:
    """A value as people read it, on the page and in CSV alike: numbers in the interface language's form
    (decimal comma in Finnish), dates and times Finnish-style, ``none`` for no value."""
    if value is None:
        return none
    if isinstance(value, datetime):
        return format_datetime(value, "d.M.yyyy H.mm")
    if isinstance(value, date):
        return format_date(value, "d.M.yyyy")
    if isinstance(value, int) and -1000 < value < 1000:
        return str(value)  # no separators to place: the common case, spared Babel's cost
    if isinstance(value, int | float):
        return format_decimal(value)
    return str(value)


def _safe(text):
    """Text a spreadsheet would take for a formula, quoted with an apostrophe (CSV only)."""
    return "'" + text if isinstance(text, str) and text.startswith(FORMULA_STARTS) else text


def _cell(value) -> object:
    """A value as XLSX keeps it: numbers as numbers, the rest as the page shows it."""
    if isinstance(value, int | float):
        return value
    return shown(value, none="")


def _append(sheet, values: list) -> None:
    """Append a row whose text stays text (see ``_text``)."""
    sheet.append([_text(sheet, value) if isinstance(value, str) else value for value in values])


def _text(sheet, text: str) -> Cell:
    """A text cell: never a formula or an error code, and marked (quotePrefix, no visible apostrophe) so that
    a spreadsheet keeps text that looks like a formula text when it is edited."""
    cell = Cell(sheet, value=text)
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def to_csv(table: Table) -> bytes:
    """The table as CSV: the stamp, a header row, the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([stamp(table)])
    writer.writerow(table.columns)
    writer.writerows([_safe(shown(cell.value, none="")) for cell in row] for row in table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook of one sheet: the stamp, a bold header row, then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.key[:31]
    _append(sheet, [stamp(table)])
    _append(sheet, list(table.columns))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        _append(sheet, [_cell(cell.value) for cell in row])
    for index, title in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(50, len(title) + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


#: Format → (writer, media type).
FORMATS = {
    "csv": (to_csv, CSV_MEDIA_TYPE),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def download(table: Table | None, fmt: str):
    """The table as a file to download; 404 for no table or an unknown format."""
    if table is None or fmt not in FORMATS:
        abort(404)
    writer, media_type = FORMATS[fmt]
    return send_download(writer(table), media_type, f"{table.key}-{table.as_of.isoformat()}.{fmt}")
