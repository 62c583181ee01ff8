"""Agreements as a table, for the agreement list's exports and the dashboard's lists."""

from collections.abc import Iterator
from datetime import date
from itertools import chain

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Result, Select, String, cast, func, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import aggregate_order_by

from agreements.core.exports import day_text
from agreements.core.tables import Cell, Table
from agreements.drafting.models import Agreement, AgreementStatus, agreement_parties
from agreements.extensions import db
from agreements.organisations.models import Organisation

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
    parties = _party_names(query)
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


#: Between two parties, and between a party's name and its own last day, in the names the database joins.
PARTY_SEPARATOR, LAST_DAY_SEPARATOR = "\x1e", "\x1f"


def _party_names(query: Select):
    """Each agreement ``query`` selects with its parties' names joined by PARTY_SEPARATOR in name order, a
    name followed by LAST_DAY_SEPARATOR and a date (yyyy-mm-dd) when that party gave notice alone."""
    terms = agreement_parties.c
    entry = Organisation.name + func.coalesce(LAST_DAY_SEPARATOR + cast(terms.left_on, String), "")
    parties = (
        select(terms.agreement_id, entry.label("entry"))
        .join(Organisation, Organisation.id == terms.organisation_id)
        .where(terms.agreement_id.in_(query.with_only_columns(Agreement.id).order_by(None)))
    )
    if db.session.get_bind().dialect.name == "postgresql":
        names = func.string_agg(entry, aggregate_order_by(literal(PARTY_SEPARATOR), Organisation.name))
        joined = parties.with_only_columns(terms.agreement_id, names.label("names"))
        return joined.group_by(terms.agreement_id).subquery()
    ordered = parties.order_by(terms.agreement_id, Organisation.name).subquery()  # SQLite joins in this order
    names = func.group_concat(ordered.c.entry, PARTY_SEPARATOR)
    return select(ordered.c.agreement_id, names.label("names")).group_by(ordered.c.agreement_id).subquery()


class _DayTexts(dict):
    """Date → its text as the page shows it, made once for each date; "" for no date."""

    def __missing__(self, day: date | None) -> str:
        text = self[day] = "" if day is None else day_text(day)
        return text


def _texts(rows: Result, statuses: dict[str, str]) -> Iterator[tuple[str, ...]]:
    """Each agreement's texts, as they are read."""
    days = _DayTexts()
    for reference, title, names, status, start, end, notice in chain.from_iterable(rows.partitions()):
        yield (reference, title, _parties_text(names), statuses[status], days[start], days[end], days[notice])


def _parties_text(names: str | None) -> str:
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
