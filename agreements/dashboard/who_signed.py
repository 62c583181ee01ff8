"""Who in the scope has signed a commitment: every active organisation of the scope with its status for the
commitment — signed (the day it joined, the version it signed), invited, declined or not invited.

An organisation has signed when it is bound by the commitment and a signature of it stands on one of the
commitment's requests (for a commitment signed outside the service, when it is bound: no version is named).
Otherwise its latest invitation decides: waiting for an answer is *invited*, declined is *declined*;
withdrawn, expired or void invitations, like none at all, leave it *not invited*. The rows are read in one
statement (the summary by status in one more), however many organisations there are."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, and_, case, func, select

from agreements.core.tables import Cell, Table
from agreements.core.web import paginate
from agreements.drafting.models import Agreement, AgreementParty, AgreementVersion
from agreements.extensions import db
from agreements.organisations.models import Organisation, OrganisationKind
from agreements.organisations.queries import all_regions
from agreements.signatures.models import PartyStatus, SignatureRequest, SigningParty

SIGNED, INVITED, DECLINED, NOT_INVITED = "signed", "invited", "declined", "not_invited"

#: Each status an organisation may have for the commitment, in the order the page lists them.
STATUS_TITLES = {
    SIGNED: _l("Signed"),
    INVITED: _l("Invited, not answered yet"),
    DECLINED: _l("Declined"),
    NOT_INVITED: _l("Not invited"),
}

COLUMNS = [
    _l("Organisation"),
    _l("Kind"),
    _l("Region"),
    _l("Municipality"),
    _l("Status"),
    _l("Joined on"),
    _l("Version signed"),
]


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to: a status, a kind of organisation, a part of the name."""

    status: str | None = None
    kind: OrganisationKind | None = None
    name: str = ""

    @classmethod
    def parse(cls, args) -> "Filters":
        """The filters of the query arguments ``status``, ``kind`` and ``q``; 404 for an unknown value."""
        status, kind = args.get("status") or None, args.get("kind") or None
        if status is not None and status not in STATUS_TITLES:
            abort(404)
        if kind is not None and kind not in {k.value for k in OrganisationKind}:
            abort(404)
        return cls(status, OrganisationKind(kind) if kind else None, (args.get("q") or "").strip())


def _of_agreement(agreement: Agreement):
    """SQL condition: the signing party is the organisation's, on one of the agreement's requests."""
    return and_(
        SigningParty.organisation_id == Organisation.id,
        SignatureRequest.id == SigningParty.request_id,
        SignatureRequest.agreement_id == agreement.id,
    )


def _statuses(agreement: Agreement, covers: Callable):
    """A subquery: each active organisation ``covers`` admits with its status, join day and version signed."""
    version_signed = (
        select(func.max(AgreementVersion.number))
        .where(
            _of_agreement(agreement),
            SigningParty.status == PartyStatus.SIGNED,
            AgreementVersion.id == SignatureRequest.version_id,
        )
        .correlate(Organisation)
        .scalar_subquery()
    )
    latest_answer = (
        select(SigningParty.status)
        .where(_of_agreement(agreement))
        .order_by(SigningParty.id.desc())
        .limit(1)
        .correlate(Organisation)
        .scalar_subquery()
    )
    # A commitment signed outside the service has no signatures here: its bound parties are its signers.
    signed = (
        AgreementParty.bound
        if agreement.registered
        else and_(AgreementParty.bound, version_signed.is_not(None))
    )
    status = case(
        (signed, SIGNED),
        (latest_answer == PartyStatus.PENDING, INVITED),
        (latest_answer == PartyStatus.DECLINED, DECLINED),
        else_=NOT_INVITED,
    )
    terms = and_(
        AgreementParty.agreement_id == agreement.id, AgreementParty.organisation_id == Organisation.id
    )
    return (
        select(
            Organisation.id,
            Organisation.name,
            Organisation.kind,
            Organisation.region_id,
            Organisation.municipality,
            status.label("status"),
            case((signed, AgreementParty.joined_on)).label("joined_on"),
            case((signed, version_signed)).label("version"),
        )
        .outerjoin(AgreementParty, terms)
        .where(Organisation.active, covers(Organisation))
        .subquery()
    )


def _narrowed(statuses, filters: Filters, by_status: bool = True) -> list:
    conditions = []
    if by_status and filters.status is not None:
        conditions.append(statuses.c.status == filters.status)
    if filters.kind is not None:
        conditions.append(statuses.c.kind == filters.kind)
    if filters.name:
        conditions.append(statuses.c.name.icontains(filters.name, autoescape=True))
    return conditions


def rows_query(agreement: Agreement, covers: Callable, filters: Filters) -> Select:
    """The organisations' rows as the filters narrow them, by name."""
    statuses = _statuses(agreement, covers)
    query = select(statuses).where(*_narrowed(statuses, filters))
    return query.order_by(statuses.c.name, statuses.c.id)


def status_counts(agreement: Agreement, covers: Callable, filters: Filters) -> dict[str, int]:
    """How many organisations have each status, narrowed by kind and name but not by status."""
    statuses = _statuses(agreement, covers)
    query = (
        select(statuses.c.status, func.count())
        .where(*_narrowed(statuses, filters, by_status=False))
        .group_by(statuses.c.status)
    )
    counted = dict(db.session.execute(query).all())
    return {status: counted.get(status, 0) for status in STATUS_TITLES}


def who_signed(
    agreement: Agreement,
    covers: Callable,
    filters: Filters,
    today: date,
    per_page: int | None = None,
) -> tuple[Table, SelectPagination | None]:
    """The table of the organisations ``covers`` admits, with their status; with ``per_page``, one page."""
    query = rows_query(agreement, covers, filters)
    title = str(_l("Who has signed %(reference)s", reference=agreement.reference))
    table = Table("who_signed", title, [str(column) for column in COLUMNS], as_of=today)
    pagination = None
    if per_page is None:
        rows = db.session.execute(query)
    else:
        pagination = paginate(query, per_page, whole_rows=True)
        rows = pagination.items
    names = {region.id: region.name for region in all_regions()}
    table.rows = [_row(row, agreement, names) for row in rows]
    return table, pagination


def _row(row, agreement: Agreement, region_names: dict[int, str]) -> list[Cell]:
    joined = None
    if row.status == SIGNED:
        joined = max(row.joined_on or agreement.start_date, agreement.start_date)
    return [
        Cell(row.name, url_for("organisations.detail", organisation_id=row.id)),
        Cell(row.kind.title),
        Cell(region_names.get(row.region_id)),
        Cell(row.municipality),
        Cell(STATUS_TITLES[row.status]),
        Cell(joined),
        Cell(row.version),
    ]
