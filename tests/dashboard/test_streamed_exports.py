"""Exports are sent as they are written, and still hold exactly the rows the page shows: the agreement lists'
exports read columns through a cursor, the page reads agreements, and both must read the same."""

import csv
import io

from openpyxl import load_workbook

from tests.dashboard.test_pages import TableText
from tests.support.client import log_in


def _page_rows(client, path: str) -> list[list[str]]:
    parser = TableText()
    parser.feed(client.get(path).get_data(as_text=True))
    [rows] = parser.tables.values()
    return [[("" if text == "–" else text) for text in row] for row in rows]


def _streamed(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.is_streamed and "Content-Length" not in response.headers, path  # sent as made
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=in_force-"), path
    return response.get_data()


def test_an_agreement_list_export_is_streamed_and_holds_the_pages_rows(client, field, notice_given_alone):
    notice_given_alone("=Lähtevä Opisto")  # a party's own last day, and a name a spreadsheet would run
    log_in(client, field["coordinator"])
    on_page = _page_rows(client, "/dashboard/list/in_force")
    assert len(on_page) == 1 + 2  # the header and the network's two agreements, not the other network's
    assert any("=Lähtevä Opisto (its part until" in cell for row in on_page for cell in row)

    text = _streamed(client, "/dashboard/list/in_force.csv").decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert [[cell.removeprefix("'") for cell in row] for row in exported] == on_page
    assert any(cell.startswith("'=Lähtevä") for row in exported for cell in row)  # quoted, not a formula

    sheet = load_workbook(io.BytesIO(_streamed(client, "/dashboard/list/in_force.xlsx"))).active
    in_sheet = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert in_sheet == on_page
    assert {cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row if cell.value} == {"s"}


def test_the_agreement_list_export_is_streamed_with_the_users_own_agreements(client, field):
    log_in(client, field["member"])
    response = client.get("/agreements/export.xlsx")
    assert response.is_streamed
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["Tampereen Paja, Tredu"]


def test_a_name_holding_the_separators_or_control_characters_is_exported_whole(
    client, field, notice_given_alone
):
    # Names stored before the forms refused control characters, or written to the database directly.
    notice_given_alone("Ilkeä\x1fOpisto\x1e2026\x01")
    log_in(client, field["coordinator"])

    text = _streamed(client, "/dashboard/list/in_force.csv").decode("utf-8-sig")
    assert "Ilkeä Opisto 2026\x01 (its part until" in text  # one name, its own last day still after it

    sheet = load_workbook(io.BytesIO(_streamed(client, "/dashboard/list/in_force.xlsx"))).active
    names = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert any(name.startswith("Aa, Ilkeä Opisto 2026  (its part until") for name in names), names
