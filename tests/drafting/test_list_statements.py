"""The agreement list reads a page of agreements, not every one the user may see: its statements are bounded
by the page size and do not grow with the agreements, and its page is read from the index of its order."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from agreements.core.timeutil import helsinki_today
from agreements.drafting.queries import AgreementFilters
from agreements.drafting.tables import list_query
from agreements.extensions import db
from tests.support.client import log_in
from tests.support.factories import PROVIDER, WORKSHOP

PAGE_SIZE = 4


@pytest.fixture
def agreements(app, make_organisation, make_agreement, template_version, monkeypatch):
    """Adds ``count`` agreements: two of every three between workshops and providers of Pirkanmaa, the
    third between ones of Uusimaa (which a coordinator of Pirkanmaa may not read)."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", PAGE_SIZE)

    def add(count):
        for number in range(count):
            region = "01" if number % 3 == 2 else "06"
            make_agreement(
                owner=make_organisation(kind=WORKSHOP, region_code=region),
                providers=[make_organisation(kind=PROVIDER, region_code=region)],
                template_version=template_version,
                title=f"Sopimus {number}",
            )
        db.session.commit()

    return add


@pytest.fixture(params=["administrator", "coordinator"])
def reader(request, client, make_user, make_network):
    """A client logged in as a national administrator or as the coordinator of Pirkanmaa's network."""
    if request.param == "administrator":
        log_in(client, make_user(admin=True))
    else:
        log_in(client, make_user(networks=[make_network(region_codes=("06",))]))
    return client


def statements_of(client, address: str) -> list[tuple[str, object]]:
    """The SQL statements (with their parameters) that a request for ``address`` runs."""
    statements = []

    def note(_connection, _cursor, statement, parameters, *_rest):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = client.get(address)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 200
    return statements


def next_address(client, address: str) -> str:
    page = client.get(address).get_data(as_text=True)
    return re.search(r'<a class="page-link" href="([^"]+)">Next</a>', page).group(1).replace("&amp;", "&")


def reading_agreements(statements: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """The statements that select from the agreements table itself."""
    return [(sql, parameters) for sql, parameters in statements if re.search(r"\bFROM agreements\b", sql)]


ADDRESSES = ["/agreements/", "/agreements/?last=1", "/agreements/?page=2", "/agreements/?status=draft"]


@pytest.mark.parametrize("address", ADDRESSES)
def test_every_read_of_the_agreements_stops_after_a_page(agreements, reader, address):
    agreements(15)
    statements = statements_of(reader, address)
    page_reads = reading_agreements(statements)
    assert page_reads, statements
    for sql, parameters in page_reads:
        assert limit_of(sql, parameters) == PAGE_SIZE + 1, (sql, parameters)
    for sql, _parameters in statements:
        assert not ("count(" in sql.lower() and "agreements" in sql), sql  # nothing counts the agreements
        assert "DISTINCT agreement_parties" not in sql, sql  # nor lists every party of them


def test_a_next_page_reads_after_the_previous_ones_last_row(agreements, reader):
    agreements(15)
    address = next_address(reader, "/agreements/")
    (sql, parameters), *_more = reading_agreements(statements_of(reader, address))
    assert re.search(r"\(agreements\.updated_at, agreements\.id\) <", sql), sql
    assert parameter_after("OFFSET", sql, parameters) in (None, 0)  # SQLite writes OFFSET 0


@pytest.mark.parametrize("address", ADDRESSES)
def test_the_number_of_statements_does_not_grow_with_the_agreements(agreements, reader, address):
    agreements(9)
    few = len(statements_of(reader, address))
    agreements(30)
    assert len(statements_of(reader, address)) == few


def test_the_parties_are_read_in_the_pages_own_statement(agreements, reader):
    """A page's parties are joined by the database in the statement reading the page, not read apart."""
    agreements(6)
    statements = statements_of(reader, "/agreements/")
    (page_read,) = reading_agreements(statements)
    assert "FROM agreement_parties" in page_read[0]
    assert [sql for sql, _parameters in statements if "agreement_parties" in sql] == [page_read[0]]


def plan_of(sql: str, parameters) -> str:
    """The database's plan of the statement, as text, on the request's connection."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
        return "\n".join(str(row[-1]) for row in rows)
    # On a handful of rows a sort costs next to nothing; with sorting priced out of reach, the plan shows
    # whether an index serves the order at all (without one, the Sort stays, whatever its price).
    connection.exec_driver_sql("SET enable_sort = off")
    try:
        rows = connection.exec_driver_sql(f"EXPLAIN {sql}", parameters)
        return "\n".join(row[0] for row in rows)
    finally:
        connection.exec_driver_sql("RESET enable_sort")


def page_plan(agreements, client, page: str) -> str:
    agreements(15)
    address = {"first": "/agreements/", "last": "/agreements/?last=1"}.get(page) or next_address(
        client, "/agreements/"
    )
    (sql, parameters), *_more = reading_agreements(statements_of(client, address))
    return plan_of(sql, parameters)


def assert_read_from_the_index(plan: str) -> None:
    assert "ix_agreements_updated_at_id" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan


@pytest.mark.parametrize("page", ["first", "next", "last"])
def test_the_page_is_read_from_the_index_of_the_lists_order(agreements, admin_client, page):
    assert_read_from_the_index(page_plan(agreements, admin_client, page))


@pytest.mark.postgresql  # SQLite, without statistics, reads a coordinator's agreements by id and sorts them
@pytest.mark.parametrize("page", ["first", "next", "last"])
def test_a_coordinators_page_is_read_from_the_index_too(agreements, client, make_user, make_network, page):
    log_in(client, make_user(networks=[make_network(region_codes=("06",))]))
    assert_read_from_the_index(page_plan(agreements, client, page))


def limit_of(sql: str, parameters) -> int | None:
    """The LIMIT of the statement's outermost query."""
    return parameter_after("LIMIT", sql, parameters)


def parameter_after(keyword: str, sql: str, parameters):
    """The value of the last ``keyword`` (LIMIT, OFFSET) of the statement, from its parameters (named, or
    positional on SQLite); None without one."""
    found = list(re.finditer(rf"\b{keyword} (%\((\w+)\)s|\?)", sql))
    if not found:
        return None
    last = found[-1]
    if last.group(2):
        return parameters[last.group(2)]
    return parameters[sql[: last.start()].count("?")]


def test_the_list_statement_is_kept_for_the_same_reader_filters_and_day(app, make_user, make_network):
    """A list statement is built once for each visibility, filters and day (and so keyed once by
    SQLAlchemy), and another of any of them has a statement of its own."""
    coordinator = make_user(networks=[make_network(region_codes=("06",))])
    other = make_user(networks=[make_network(region_codes=("01",))])
    filters, today = AgreementFilters(), helsinki_today()
    kept = list_query(coordinator, filters, today)
    assert list_query(coordinator, filters, today) is kept
    assert list_query(other, filters, today) is not kept
    assert list_query(coordinator, AgreementFilters(search="Sopimus"), today) is not kept
    assert list_query(coordinator, filters, today + timedelta(days=1)) is not kept
