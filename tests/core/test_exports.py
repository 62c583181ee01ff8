"""Exported tables open in a spreadsheet as the page shows them: text as text cells, never run as a formula,
and CSV sent with one charset."""

import io
import zipfile
from datetime import date

from openpyxl import load_workbook

from agreements.core.exports import to_xlsx
from agreements.core.tables import Cell, Table
from agreements.core.web import CSV_MEDIA_TYPE, send_download

#: Texts a spreadsheet would take for a formula or an error code, and plain ones.
TEXTS = ["=1+1", '=HYPERLINK("http://x")', "+358 40 123", "-", "@SUM(A1)", "#N/A", "Åbo Akademi", "0737546-2"]


def _sheet(app, table: Table):
    with app.test_request_context():
        return load_workbook(io.BytesIO(to_xlsx(table))).active


def test_xlsx_text_is_read_back_as_text_equal_to_the_value_without_an_apostrophe(app):
    table = Table("names", "Names", ["=Name", "Count"], as_of=date(2026, 12, 7))
    table.rows = [[Cell(text), Cell(index)] for index, text in enumerate(TEXTS)]
    sheet = _sheet(app, table)
    assert [cell.value for cell in sheet[2]] == ["=Name", "Count"]
    cells = [row[0] for row in sheet.iter_rows(min_row=3)]
    assert [cell.value for cell in cells] == TEXTS
    assert {cell.data_type for cell in [*cells, sheet["A2"]]} == {"s"}  # none a formula ("f") or error ("e")
    assert [cell.quotePrefix for cell in cells] == [True, True, True, True, True, False, False, False]
    assert [row[1].value for row in sheet.iter_rows(min_row=3)] == list(range(len(TEXTS)))


def test_a_formula_is_not_written_to_the_file_as_one(app):
    table = Table("sums", "Sums", ["Value"], as_of=date(2026, 12, 7))
    table.rows = [[Cell("=1+1")]]
    with app.test_request_context():
        data = to_xlsx(table)
    sheet = load_workbook(io.BytesIO(data), data_only=True).active
    assert sheet["A3"].value == "=1+1"  # no cached result: nothing was computed or is to be
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "'=1+1" not in xml


def test_a_csv_download_names_one_charset(app):
    with app.test_request_context():
        response = send_download(b"\xef\xbb\xbfa;b\r\n", CSV_MEDIA_TYPE, "a.csv")
    assert response.headers.get_all("Content-Type") == ["text/csv; charset=utf-8"]
