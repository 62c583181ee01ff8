"""Agreements as a table: the agreement list's rows, its exports and the dashboard's lists."""

from collections.abc import Iterator
from datetime import date
from functools import cache, lru_cache
from itertools import chain

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Result, Select, String, cast, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import aggregate_order_by

from agreements.core.exports import day_text
from agreements.core.tables import Cell, Table
from agreements.drafting.models import (
    Agreement,
    AgreementOrigin,
    AgreementStatus,
    agreement_parties,
    validity_of,
)
from agreements.drafting.queries import (
    VALIDITY_CHOICES,
    AgreementFilters,
    Visibility,
    agreements_query_of,
    visibility_of,
)
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.templates_lib.models import TemplateKind

#: The columns of an agreement table, in order.
AGREEMENT_COLUMNS = [
    _l("Reference"),
    _l("Title"),
    _l("Parties"),
    _l("Status"),
    _l("Start"),
    _l("End"),
    _l("Notice deadline"),
]

#: Rows read from the database cursor at a time.
BATCH = 2000


def agreement_table(key: str, title, query: Select, as_of: date) -> Table:
    """The agreements ``query`` selects as a table: reference, title, parties, status, dates and notice
    deadline, as texts. Its rows are read as the table is written (``agreement_texts``)."""
    columns = [str(c) for c in AGREEMENT_COLUMNS]
    return Table(key, str(title), columns, agreement_texts(query), as_of=as_of, plain=True)


def agreement_texts(query: Select) -> Iterator[tuple[str, ...]]:
    """The rows of the agreements ``query`` selects, in its order, as the page shows them (without links):
    only the columns shown, each agreement's parties joined by the database, read through a server-side
    cursor in one statement as plain values (no ORM, no enum conversion); status titles and the texts of
    dates made once each, here (in the request), the rows when they are read."""
    statuses = {status.value: str(status.title) for status in AgreementStatus}
    ids = query.with_only_columns(Agreement.id).order_by(None)
    parties = _party_names(agreement_parties.c.agreement_id.in_(ids), _on_postgresql()).subquery()
    columns = (
        query.with_only_columns(
            Agreement.reference,
            Agreement.title,
            parties.c.names,
            type_coerce(Agreement.status, String),
            Agreement.start_date,
            Agreement.end_date,
            Agreement.notice_deadline,
        )
        .outerjoin(parties, parties.c.agreement_id == Agreement.id)
        .execution_options(stream_results=True, yield_per=BATCH)
    )
    return _texts(db.session.connection().execute(columns), statuses)


#: How many list statements (one per user's visibility, filters and day) a process keeps.
LIST_QUERIES_KEPT = 256


def list_query(user, filters: AgreementFilters, today: date) -> Select:
    """The agreements the user may read that match ``filters`` (agreements_query), as the columns of the
    agreement list's rows (see list_rows), each agreement's parties joined by the database (``names``, as
    the exports read them) in the same statement."""
    return _list_query(visibility_of(user), filters, today, _on_postgresql())


@lru_cache(maxsize=LIST_QUERIES_KEPT)
def _list_query(visibility: Visibility, filters: AgreementFilters, today: date, postgresql: bool) -> Select:
    """list_query, made of its arguments alone and kept: building a coordinator's statement and computing
    its cache key cost more than running it, and SQLAlchemy computes a key once per statement object."""
    return agreements_query_of(visibility, filters, today).with_only_columns(*_list_columns(postgresql))


@cache
def _list_columns(postgresql: bool) -> tuple:
    """The columns of the list's rows, built once per process."""
    parties = _party_names(agreement_parties.c.agreement_id == Agreement.id, postgresql)
    return (
        Agreement.id,
        Agreement.updated_at,
        Agreement.reference,
        Agreement.title,
        Agreement.status,
        Agreement.origin,
        Agreement.registered.label("registered"),
        Agreement.registered_kind,
        Agreement.template_version_id,
        Agreement.start_date,
        Agreement.end_date,
        parties.with_only_columns(parties.selected_columns.names).scalar_subquery().label("names"),
    )


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def link_maker():
    """Agreement id → the address of its page, with the URL map consulted once."""
    prefix, _sep, _id = url_for("agreements.detail", agreement_id=0).rpartition("/")
    return lambda agreement_id: f"{prefix}/{agreement_id}"


#: Between two parties, and between a party's name and its own last day, in the names the database joins.
PARTY_SEPARATOR, LAST_DAY_SEPARATOR = "\x1e", "\x1f"


def _party_names(condition: ColumnElement, postgresql: bool) -> Select:
    """(agreement_id, names) of each agreement whose party rows match ``condition``: its parties' names
    joined by PARTY_SEPARATOR in name order, a name followed by LAST_DAY_SEPARATOR and a date (yyyy-mm-dd)
    when that party gave notice alone."""
    terms = agreement_parties.c
    # A separator inside a stored name would split it wrongly: the names are joined without them.
    name = func.replace(func.replace(Organisation.name, PARTY_SEPARATOR, " "), LAST_DAY_SEPARATOR, " ")
    # yyyy-mm-dd whatever PostgreSQL's DateStyle; SQLite keeps dates as that text.
    last_day = func.to_char(terms.left_on, "YYYY-MM-DD") if postgresql else cast(terms.left_on, String)
    entry = name + func.coalesce(LAST_DAY_SEPARATOR + last_day, "")
    parties = (
        select(terms.agreement_id, entry.label("entry"))
        .join(Organisation, Organisation.id == terms.organisation_id)
        .where(condition)
    )
    if postgresql:
        names = func.string_agg(entry, aggregate_order_by(literal(PARTY_SEPARATOR), Organisation.name))
        return parties.with_only_columns(terms.agreement_id, names.label("names")).group_by(
            terms.agreement_id
        )
    # SQLite joins in this order. The list's condition names the outer agreements row: SQLAlchemy correlates
    # a subquery in FROM only when told to, and would otherwise join every agreement in again.
    ordered = parties.correlate(Agreement).order_by(terms.agreement_id, Organisation.name).subquery()
    names = func.group_concat(ordered.c.entry, PARTY_SEPARATOR)
    return select(ordered.c.agreement_id, names.label("names")).group_by(ordered.c.agreement_id)


class _DayTexts(dict):
    """Date → its text as the page shows it, made once for each date; "" for no date."""

    def __missing__(self, day: date | None) -> str:
        text = self[day] = "" if day is None else day_text(day)
        return text


def _texts(rows: Result, statuses: dict[str, str]) -> Iterator[tuple[str, ...]]:
    """Each agreement's texts, as they are read."""
    days = _DayTexts()
    for reference, title, names, status, start, end, notice in chain.from_iterable(rows.partitions()):
        yield (reference, title, parties_text(names), statuses[status], days[start], days[end], days[notice])


def parties_text(names: str | None) -> str:
    """The parties' names as the page shows them, from the names the database joined."""
    if not names:
        return ""
    if LAST_DAY_SEPARATOR not in names:
        return names.replace(PARTY_SEPARATOR, ", ")
    entries = (entry.partition(LAST_DAY_SEPARATOR) for entry in names.split(PARTY_SEPARATOR))
    return ", ".join(
        party_text(name, date.fromisoformat(day) if day else None) for name, _sep, day in entries
    )


def agreement_row(agreement: Agreement) -> list[Cell]:
    link = url_for("agreements.detail", agreement_id=agreement.id)
    return [
        Cell(agreement.reference, link),
        Cell(agreement.title),
        Cell(party_names(agreement)),
        Cell(agreement.status.title),
        Cell(agreement.start_date),
        Cell(agreement.end_date),
        Cell(agreement.notice_deadline),
    ]


def party_names(agreement: Agreement) -> str:
    """The parties' names; one that gave notice alone with its own last day."""
    left = {terms.organisation_id: terms.left_on for terms in agreement.party_terms if terms.left_on}
    return ", ".join(party_text(party.name, left.get(party.id)) for party in agreement.parties)


def party_text(name: str, left_on: date | None) -> str:
    """A party's name, with its own last day if it gave notice alone."""
    if left_on is None:
        return name
    return _("%(organisation)s (its part until %(date)s)", organisation=name, date=day_text(left_on))


def list_rows(rows: list, today: date, version_titles: dict[int, str]) -> list[dict]:
    """The agreement list's rows as the page shows them, from ``rows`` of list_query: address, reference,
    title, parties, status, validity period and validity in words, template (``version_titles``: version id
    → title) or origin. Translations and the address are made once, not once a row."""
    statuses = {status: str(title) for status, title in AgreementStatus.titles().items()}
    validities = {key: str(title) for key, title in VALIDITY_CHOICES.items()}
    kinds = {kind: str(title) for kind, title in TemplateKind.titles().items()}
    origins = {origin: str(title) for origin, title in AgreementOrigin.titles().items()}
    between, open_ended, other = _("%(start)s – %(end)s"), _("from %(start)s, open-ended"), _("Other")
    link = link_maker()
    rows_shown = []
    for row in rows:
        start, end = day_text(row.start_date), row.end_date and day_text(row.end_date)
        if row.registered:
            template = (kinds.get(row.registered_kind) or other, origins[row.origin])
        else:
            template = (version_titles.get(row.template_version_id, ""), "")
        rows_shown.append(
            {
                "url": link(row.id),
                "reference": row.reference,
                "title": row.title,
                "parties": parties_text(row.names),
                "status": row.status,
                "status_title": statuses[row.status],
                "period": between % {"start": start, "end": end} if end else open_ended % {"start": start},
                "validity": validities.get(validity_of(row.status, row.start_date, row.end_date, today)),
                "template": template,
            }
        )
    return rows_shown
