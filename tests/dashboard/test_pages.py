"""The dashboard pages: a coordinator sees their networks' figures and lists and nothing of another network;
exports hold the same figures as the page; administrators see everything; others are refused."""

import csv
import io
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from agreements.organisations.models import OrganisationKind
from tests.support.client import log_in
from tests.support.database import counted_statements


def test_a_coordinator_sees_neither_figures_nor_lists_of_another_network(client, field):
    log_in(client, field["coordinator"])
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "ALU Pirkanmaa" in page and "ALU Uusimaa" not in page and "Uusimaa" not in page
    away, away_region = field["away"].id, field["away"].regions[0].id
    for path in (
        f"/dashboard/?network={away}",
        f"/dashboard/?region={away_region}",
        f"/dashboard/export/regions.csv?network={away}",
        f"/dashboard/list/workshops_without?region={away_region}",
        f"/dashboard/list/agreements.xlsx?network={away}",
    ):
        assert client.get(path).status_code == 404, path
    listed = client.get("/dashboard/list/workshops").get_data(as_text=True)
    assert "Oriveden Paja" in listed and "Helsingin Paja" not in listed


def test_the_drill_down_lists_workshops_without_an_agreement(client, field):
    log_in(client, field["coordinator"])
    page = client.get("/dashboard/list/workshops_without").get_data(as_text=True)
    assert "Oriveden Paja" in page and "Tampereen Paja" not in page and "Helsingin Paja" not in page
    assert client.get("/dashboard/list/nonsense").status_code == 404


def test_a_trend_of_zeros_says_so_instead_of_drawing_an_empty_chart(
    app, client, field, make_user, make_network
):
    log_in(client, field["coordinator"])
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "trend-chart" in page and "No agreement was in force" not in page
    quiet = app.test_client()
    log_in(quiet, make_user(networks=[make_network(name="ALU Lappi", region_codes=("19",))]))
    page = quiet.get("/dashboard/").get_data(as_text=True)
    assert "No agreement was in force in any of these 24 months." in page
    assert "trend-chart" not in page


def test_long_figure_titles_have_short_headers_that_spell_them_out(client, field):
    log_in(client, field["coordinator"])
    page = client.get("/dashboard/").get_data(as_text=True)
    short = '<abbr title="Workshops with an agreement in force" aria-hidden="true">In force</abbr>'
    assert short in page
    assert '<span class="visually-hidden">Workshops with an agreement in force</span>' in page
    assert '<dt class="col-sm-3 col-lg-2">In force</dt>' in page


@pytest.mark.parametrize("page", ["99999999999999999999", "0", "x"])
def test_a_list_page_out_of_range_is_a_page_not_an_error(client, field, page):
    log_in(client, field["coordinator"])
    response = client.get(f"/dashboard/list/workshops?page={page}")
    assert response.status_code == 200


def test_exports_hold_the_same_figures_as_the_page(client, field):
    log_in(client, field["coordinator"])
    response = client.get("/dashboard/export/regions.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0].startswith("By region, figures on ")
    header, pirkanmaa = rows[1], rows[2]
    figures = dict(zip(header, pirkanmaa, strict=True))
    assert figures["Workshops"] == "2" and figures["Workshops with an agreement in force"] == "1"
    assert figures["Uptake %"] == "50"

    workbook = load_workbook(io.BytesIO(client.get("/dashboard/export/regions.xlsx").get_data()))
    sheet = workbook.active
    assert [c.value for c in sheet[3]][:4] == [pirkanmaa[0], 2, 1, 50.0]


class TableText(HTMLParser):
    """The cell texts of each table on a page, by caption, as a screen reader reads them: a short header's
    abbreviation is hidden from it, and the whole title read instead."""

    def __init__(self):
        super().__init__()
        self.tables, self._caption, self._row, self._cell = {}, None, None, None
        self._in_caption = False
        self._hidden = None  # the tag of the element hidden from screen readers we are in

    def handle_starttag(self, tag, attrs):
        if ("aria-hidden", "true") in attrs and self._hidden is None:
            self._hidden = tag
        elif tag == "caption":
            self._caption, self._in_caption = "", True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_data(self, data):
        if self._hidden is not None:
            return
        if self._cell is not None:
            self._cell += data
        elif self._in_caption:
            self._caption += data

    def handle_endtag(self, tag):
        if tag == self._hidden:
            self._hidden = None
        elif tag == "caption":
            self._caption, self._in_caption = self._caption.strip(), False
            self.tables[self._caption] = []
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._caption].append(self._row)
            self._row = None


@pytest.mark.parametrize(
    ("caption", "key"),
    [
        ("By network", "networks"),
        ("By region", "regions"),
        ("Agreements by status", "statuses"),
        ("Agreements in force, month by month", "trend"),
    ],
)
def test_every_exported_table_holds_what_the_page_shows(client, field, caption, key):
    log_in(client, field["coordinator"])
    parser = TableText()
    parser.feed(client.get("/dashboard/").get_data(as_text=True))
    on_page = [[("" if text == "–" else text) for text in row] for row in parser.tables[caption]]
    text = client.get(f"/dashboard/export/{key}.csv").get_data().decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert exported == on_page
    workbook = load_workbook(io.BytesIO(client.get(f"/dashboard/export/{key}.xlsx").get_data()))
    in_sheet = [
        ["" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for v in row]
        for row in workbook.active.iter_rows(min_row=2, values_only=True)
    ]
    assert in_sheet == on_page


def test_others_are_refused(client, field):
    log_in(client, field["member"])
    assert client.get("/dashboard/").status_code == 403


def test_the_filtered_agreement_list_exports_every_page_with_its_filters(
    client, field, make_agreement, templates
):
    log_in(client, field["member"])
    page = client.get("/agreements/?status=signed").get_data(as_text=True)
    assert "/agreements/export.csv?status=signed" in page
    response = client.get("/agreements/export.csv?status=signed")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:4] == ["Reference", "Title", "Parties", "Status"]
    assert [row[3] for row in rows[2:]] == ["Signed"]  # the member's workshop's one agreement, signed
    assert client.get("/agreements/export.csv?status=draft").get_data().decode("utf-8-sig").count("\r\n") == 2


def test_text_that_a_spreadsheet_would_run_is_quoted_in_csv_and_a_text_cell_in_xlsx(
    client, field, make_organisation
):
    name = '=HYPERLINK("http://x")'
    make_organisation(kind=OrganisationKind.WORKSHOP, region_code="06", name=name)
    log_in(client, field["coordinator"])
    text = client.get("/dashboard/list/workshops_without.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    workbook = load_workbook(io.BytesIO(client.get("/dashboard/list/workshops_without.xlsx").get_data()))
    [cell] = [row[0] for row in workbook.active.iter_rows(min_row=3) if "HYPERLINK" in row[0].value]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (name, "s", True)  # text, shown without a quote


def test_every_csv_download_names_one_charset(client, field, make_agreement, templates):
    log_in(client, field["coordinator"])
    for path in (
        "/dashboard/export/regions.csv",
        "/dashboard/export/trend.csv",
        "/dashboard/list/workshops_without.csv",
        "/agreements/export.csv",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get_all("Content-Type") == ["text/csv; charset=utf-8"], path


def test_a_months_figure_in_the_trend_leads_to_the_agreements_in_force_that_day(client, field):
    log_in(client, field["coordinator"])
    last_year_end = date(date.today().year - 1, 12, 31).isoformat()
    page = client.get(f"/dashboard/list/in_force?on={last_year_end}").get_data(as_text=True)
    assert "Tampereen Paja" in page  # its agreement ran through the whole of last year
    text = client.get(f"/dashboard/list/in_force.csv?on={last_year_end}").get_data().decode("utf-8-sig")
    assert text.splitlines()[0].endswith(f"figures on {date(date.today().year - 1, 12, 31):%-d.%-m.%Y}")
    assert client.get("/dashboard/list/in_force?on=yesterday").status_code == 404


def test_a_long_list_comes_a_page_at_a_time_in_as_many_statements_however_long(
    client, field, make_organisation, make_agreement, templates, monkeypatch
):
    monkeypatch.setattr("agreements.dashboard.views.LIST_PAGE_ROWS", 2)
    log_in(client, field["coordinator"])
    workshop = field["idle"]

    def add_drafts(count: int) -> None:
        for _number in range(count):
            providers = [make_organisation(kind=OrganisationKind.PROVIDER, region_code="06")]
            make_agreement(owner=workshop, providers=providers, template_version=templates["bilateral"])

    def statements_of(path: str) -> tuple[int, str]:
        with counted_statements() as statements:
            page = client.get(path).get_data(as_text=True)
        return len(statements), page

    add_drafts(2)
    few, page = statements_of("/dashboard/list/agreements?status=draft")
    assert "2 rows" in page and 'aria-label="Page 2"' not in page
    add_drafts(4)
    many, page = statements_of("/dashboard/list/agreements?status=draft")
    assert many == few
    assert "6 rows" in page and page.count("<tr>") == 1 + 2  # the header and this page's two rows
    assert 'aria-label="Page 3"' in page
    _count, last = statements_of("/dashboard/list/agreements?status=draft&page=3")
    assert last.count("<tr>") == 1 + 2 and "Tampereen Paja" not in last


def test_a_provider_that_gave_notice_alone_drops_out_of_the_list_after_its_own_end(
    client, field, notice_given_alone
):
    today = date.today()
    notice_given_alone("Lähtevä Opisto")
    log_in(client, field["coordinator"])

    def listed(figure: str, day: date) -> str:
        return client.get(f"/dashboard/list/{figure}?on={day.isoformat()}").get_data(as_text=True)

    left_on = date(today.year - 1, 9, 1)
    assert "Lähtevä Opisto" in listed("providers_in_force", left_on)
    assert "Lähtevä Opisto" not in listed("providers_in_force", left_on + timedelta(days=1))
    assert "Oriveden Paja" in listed("workshops_in_force", today)  # the agreement goes on for the others
    agreements = listed("in_force", today)
    assert f"Lähtevä Opisto (its part until {left_on:%-d.%-m.%Y})" in agreements
