"""Agreements as a table, for the agreement list's exports and the dashboard's lists."""

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from agreements.core.tables import Cell, Table
from agreements.core.web import format_day
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
        Cell(party_names(agreement)),
        Cell(agreement.status.title),
        Cell(agreement.start_date),
        Cell(agreement.end_date),
        Cell(agreement.notice_deadline),
    ]


def party_names(agreement: Agreement) -> str:
    """The parties' names; one that gave notice alone with its own last day."""
    left = {terms.organisation_id: terms.left_on for terms in agreement.party_terms if terms.left_on}
    return ", ".join(
        _(
            "%(organisation)s (its part until %(date)s)",
            organisation=party.name,
            date=format_day(left[party.id]),
        )
        if party.id in left
        else party.name
        for party in agreement.parties
    )
