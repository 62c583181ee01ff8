"""Agreements as a table, for the agreement list's exports and the dashboard's lists."""

from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l

from agreements.core.tables import Cell, Table
from agreements.drafting.models import Agreement

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


def agreement_table(key: str, title, agreements, as_of: date) -> Table:
    """Agreements as a table: reference (linked), title, parties, status, dates and notice deadline."""
    columns = [str(c) for c in AGREEMENT_COLUMNS]
    return Table(key, str(title), columns, [agreement_row(a) for a in agreements], as_of=as_of)


def agreement_row(agreement: Agreement) -> list[Cell]:
    link = url_for("agreements.detail", agreement_id=agreement.id)
    return [
        Cell(agreement.reference, link),
        Cell(agreement.title),
        Cell(", ".join(party.name for party in agreement.parties)),
        Cell(agreement.status.title),
        Cell(agreement.start_date),
        Cell(agreement.end_date),
        Cell(agreement.notice_deadline),
    ]
