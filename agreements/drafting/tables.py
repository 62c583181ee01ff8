"""Agreements as a table: the agreement list's rows, its exports and the dashboard's lists."""

from collections.abc import Iterator
from datetime import date
from itertools import groupby
from operator import itemgetter

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from agreements.core.exports import day_text
from agreements.core.tables import Cell, Table
from agreements.drafting.models import Agreement, AgreementOrigin, AgreementStatus, agreement_parties
from agreements.drafting.queries import VALIDITY_CHOICES
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
    """The agreements ``query`` selects as a table: reference (linked), title, parties, status, dates and
    notice deadline. Its rows are read as the table is written (``agreement_rows``)."""
    columns = [str(c) for c in AGREEMENT_COLUMNS]
    return Table(key, str(title), columns, agreement_rows(query), as_of=as_of)


def agreement_rows(query: Select) -> Iterator[list[Cell]]:
    """The rows of the agreements ``query`` selects, in its order (which must end with a unique column):
    only the columns shown, each agreement once per party, read through a server-side cursor in one
    statement, without the ORM's bookkeeping of rows; status titles and the link's address made once, here
    (in the request), the rows when they are read."""
    statuses = {status: status.title for status in AgreementStatus}
    link = link_maker()
    columns = (
        query.with_only_columns(
            Agreement.id,
            Agreement.reference,
            Agreement.title,
            Agreement.status,
            Agreement.start_date,
            Agreement.end_date,
            Agreement.notice_deadline,
            Organisation.name,
            agreement_parties.c.left_on,
        )
        .outerjoin(agreement_parties, agreement_parties.c.agreement_id == Agreement.id)
        .outerjoin(Organisation, Organisation.id == agreement_parties.c.organisation_id)
        .order_by(Organisation.name)
        .execution_options(stream_results=True)
    )
    return _rows(columns, statuses, link)


def _rows(columns: Select, statuses: dict, link) -> Iterator[list[Cell]]:
    """Each agreement's row from its rows, one a party, that ``columns`` reads."""
    rows = db.session.connection().execute(columns).yield_per(BATCH)
    for agreement_id, group in groupby(rows, key=itemgetter(0)):
        first, *others = group
        parties = ", ".join(party_text(row[7], row[8]) for row in (first, *others) if row[7] is not None)
        yield [
            Cell(first[1], link(agreement_id)),
            Cell(first[2]),
            Cell(parties),
            Cell(statuses[first[3]]),
            *(Cell(day) for day in first[4:7]),  # start, end, notice deadline
        ]


def link_maker():
    """Agreement id → the address of its page, with the URL map consulted once."""
    prefix, _sep, _id = url_for("agreements.detail", agreement_id=0).rpartition("/")
    return lambda agreement_id: f"{prefix}/{agreement_id}"


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


def list_rows(agreements: list[Agreement], today: date, version_titles: dict[int, str]) -> list[dict]:
    """The agreement list's rows as the page shows them: address, reference, title, parties, status,
    validity period and validity in words, template (``version_titles``: version id → title) or origin.
    The parties of the whole page are read in one statement; translations and the address are made once,
    not once a row."""
    statuses = {status: str(title) for status, title in AgreementStatus.titles().items()}
    validities = {key: str(title) for key, title in VALIDITY_CHOICES.items()}
    kinds = {kind: str(title) for kind, title in TemplateKind.titles().items()}
    origins = {origin: str(title) for origin, title in AgreementOrigin.titles().items()}
    between, open_ended, other = _("%(start)s – %(end)s"), _("from %(start)s, open-ended"), _("Other")
    link, parties = link_maker(), page_parties([agreement.id for agreement in agreements])
    rows = []
    for agreement in agreements:
        start, end = day_text(agreement.start_date), agreement.end_date and day_text(agreement.end_date)
        if agreement.registered:
            template = (kinds.get(agreement.registered_kind) or other, origins[agreement.origin])
        else:
            template = (version_titles.get(agreement.template_version_id, ""), "")
        rows.append(
            {
                "url": link(agreement.id),
                "reference": agreement.reference,
                "title": agreement.title,
                "parties": parties.get(agreement.id, ""),
                "status": agreement.status,
                "status_title": statuses[agreement.status],
                "period": between % {"start": start, "end": end} if end else open_ended % {"start": start},
                "validity": validities.get(agreement.validity_on(today)),
                "template": template,
            }
        )
    return rows


def page_parties(agreement_ids: list[int]) -> dict[int, str]:
    """The parties of the agreements as party_names writes them, by agreement id, in one statement."""
    query = (
        select(agreement_parties.c.agreement_id, Organisation.name, agreement_parties.c.left_on)
        .join(Organisation, Organisation.id == agreement_parties.c.organisation_id)
        .where(agreement_parties.c.agreement_id.in_(agreement_ids))
        .order_by(agreement_parties.c.agreement_id, Organisation.name)
    )
    rows = db.session.execute(query) if agreement_ids else []
    return {
        agreement_id: ", ".join(party_text(name, left_on) for _id, name, left_on in group)
        for agreement_id, group in groupby(rows, key=itemgetter(0))
    }
