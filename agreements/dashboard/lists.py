"""The lists behind the dashboard's figures (the drill-down), as tables: organisations with their latest
activity, agreements, comment rounds and signature requests of the scope (agreements by their drafting
workshop). ``covers(entity)`` is the scope's SQL condition on an organisation (``Scope.covers``)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import subqueryload

from agreements.core.tables import Cell, Table
from agreements.core.web import paginate
from agreements.dashboard.queries import ends_soon, is_commitment, renewal_overdue
from agreements.drafting.models import Agreement, AgreementParty, AgreementStatus, agreement_parties
from agreements.drafting.tables import AGREEMENT_COLUMNS, agreement_row, agreement_texts
from agreements.extensions import db
from agreements.organisations.models import Organisation, OrganisationKind
from agreements.reviews.models import CommentRound, RoundStatus
from agreements.signatures.models import RequestStatus, SignatureRequest

WORKSHOP, PROVIDER = OrganisationKind.WORKSHOP, OrganisationKind.PROVIDER


def _party_in_force(today: date, commitment: bool):
    """SQL condition: a cooperation agreement (or commitment) is in force for the organisation."""
    query = (
        select(AgreementParty.organisation_id)
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(AgreementParty.organisation_id == Organisation.id, AgreementParty.in_force_on(today))
    )
    return exists(query.where(is_commitment() if commitment else ~is_commitment()))


#: Organisation lists: title and the condition on the organisation.
ORGANISATION_LISTS = {
    "workshops": (_l("Workshops"), lambda today: Organisation.kind == WORKSHOP),
    "workshops_in_force": (
        _l("Workshops with an agreement in force"),
        lambda today: and_(Organisation.kind == WORKSHOP, _party_in_force(today, False)),
    ),
    "workshops_without": (
        _l("Workshops without an agreement in force"),
        lambda today: and_(Organisation.kind == WORKSHOP, ~_party_in_force(today, False)),
    ),
    "providers_in_force": (
        _l("Providers with an agreement in force"),
        lambda today: and_(Organisation.kind == PROVIDER, _party_in_force(today, False)),
    ),
    "committed": (
        _l("Organisations committed to the guidelines"),
        lambda today: _party_in_force(today, True),
    ),
}

#: Agreement lists: title and the condition on the agreement.
AGREEMENT_LISTS = {
    "agreements": (_l("Agreements"), lambda today: Agreement.id.is_not(None)),
    "in_force": (_l("Agreements in force"), Agreement.in_force_on),
    "ending_soon": (_l("Agreements ending within 90 days"), ends_soon),
    "renewals_overdue": (_l("Renewals overdue"), renewal_overdue),
}


@dataclass(frozen=True)
class ListSource:
    """What a list reads, its title and columns, and how each row it reads is shown."""

    key: str
    title: str
    columns: list
    query: Select
    row: Callable[..., list[Cell]]
    #: Every row of ``query`` as texts (a plain table's rows), read as an export writes them; without it,
    #: an export has ``row`` of each.
    all_texts: Callable[[Select], Iterator[tuple[str, ...]]] | None = None


def listing(
    figure: str,
    covers: Callable,
    today: date,
    now: datetime,
    status: str | None = None,
    per_page: int | None = None,
) -> tuple[Table, SelectPagination | None]:
    """The list behind ``figure`` in the scope, describing ``today``; 404 for an unknown figure.

    With ``per_page``, only the requested page's rows are read, and its pagination comes with them; without,
    every row.
    """
    source = _source(figure, covers, today, now, status)
    table = Table(source.key, str(source.title), [str(c) for c in source.columns], as_of=today)
    pagination = None
    if per_page is None:
        table.plain = source.all_texts is not None
        table.rows = (source.all_texts or partial(_each_row, source.row))(source.query)
    else:
        pagination = paginate(source.query, per_page, whole_rows=True)
        table.rows = [source.row(*row) for row in pagination.items]
    return table, pagination


def _each_row(row: Callable[..., list[Cell]], query: Select) -> Iterator[list[Cell]]:
    """``row`` of each row ``query`` reads, as they are read."""
    for values in db.session.execute(query):
        yield row(*values)


def _source(figure: str, covers: Callable, today: date, now: datetime, status: str | None) -> ListSource:
    if figure in ORGANISATION_LISTS:
        return _organisations(figure, covers, today)
    if figure in AGREEMENT_LISTS:
        return _agreements(figure, covers, today, status)
    if figure == "open_rounds":
        return _rounds(covers)
    if figure == "awaiting_signature":
        return _requests(covers, now)
    abort(404)


def _organisations(figure: str, covers: Callable, today: date) -> ListSource:
    title, condition = ORGANISATION_LISTS[figure]
    latest = (
        select(func.max(Agreement.updated_at))
        .join(agreement_parties, agreement_parties.c.agreement_id == Agreement.id)
        .where(agreement_parties.c.organisation_id == Organisation.id)
        .scalar_subquery()
    )
    query = (
        select(Organisation, latest)
        .where(Organisation.active, covers(Organisation), condition(today))
        .order_by(Organisation.name, Organisation.id)
    )
    columns = [_l("Organisation"), _l("Kind"), _l("Municipality"), _l("Latest activity")]
    return ListSource(figure, title, columns, query, _organisation_row)


def _organisation_row(organisation: Organisation, activity: datetime | None) -> list[Cell]:
    link = url_for("organisations.detail", organisation_id=organisation.id)
    return [
        Cell(organisation.name, link),
        Cell(organisation.kind.title),
        Cell(organisation.municipality),
        Cell(activity),
    ]


def _owned(covers: Callable):
    owner = select(Organisation.id).where(covers(Organisation))
    return Agreement.owner_id.in_(owner)


def _agreements(figure: str, covers: Callable, today: date, status: str | None) -> ListSource:
    title, condition = AGREEMENT_LISTS[figure]
    query = select(Agreement).where(_owned(covers), condition(today))
    if status is not None:
        query = query.where(Agreement.status == AgreementStatus(status))
    query = query.options(*WITH_PARTIES).order_by(Agreement.end_date, Agreement.id)
    return ListSource(figure, title, AGREEMENT_COLUMNS, query, agreement_row, agreement_texts)


#: Loads the parties of every agreement read, and their own terms, in a statement each, however many
#: agreements (an export: all).
WITH_PARTIES = (subqueryload(Agreement.parties), subqueryload(Agreement.party_terms))


def _rounds(covers: Callable) -> ListSource:
    query = (
        select(CommentRound, Agreement)
        .join(Agreement, Agreement.id == CommentRound.agreement_id)
        .where(CommentRound.status == RoundStatus.OPEN, _owned(covers))
        .order_by(CommentRound.deadline, CommentRound.id)
    )
    columns = [_l("Agreement"), _l("Title"), _l("Deadline")]
    return ListSource("open_rounds", _l("Open comment rounds"), columns, query, _round_row)


def _round_row(comment_round: CommentRound, agreement: Agreement) -> list[Cell]:
    link = url_for("reviews.detail", round_id=comment_round.id)
    return [Cell(agreement.reference, link), Cell(agreement.title), Cell(comment_round.deadline)]


def _requests(covers: Callable, now: datetime) -> ListSource:
    query = (
        select(SignatureRequest.id, SignatureRequest.sent_at, Agreement)
        .join(Agreement, Agreement.id == SignatureRequest.agreement_id)
        .where(SignatureRequest.status == RequestStatus.PENDING, _owned(covers))
        .order_by(SignatureRequest.sent_at, SignatureRequest.id)
    )
    columns = [_l("Agreement"), _l("Title"), _l("Sent"), _l("Days waiting")]

    def row(request_id: int, sent_at: datetime, agreement: Agreement) -> list[Cell]:
        link = url_for("signatures.request_detail", request_id=request_id)
        return [
            Cell(agreement.reference, link),
            Cell(agreement.title),
            Cell(sent_at),
            Cell((now - sent_at).days),
        ]

    return ListSource("awaiting_signature", _l("Requests awaiting signature"), columns, query, row)
