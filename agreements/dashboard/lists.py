"""The lists behind the dashboard's figures (the drill-down), as tables: organisations with their latest
activity, agreements, comment rounds and signature requests of the scope's regions."""

from datetime import date, datetime

from flask import abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select

from agreements.dashboard.queries import (
    ENDING_WITHIN,
    IS_COMMITMENT,
    in_force,
    renewal_overdue,
    with_template,
)
from agreements.dashboard.tables import Cell, Table
from agreements.drafting.models import Agreement, AgreementStatus, agreement_parties
from agreements.extensions import db
from agreements.organisations.models import Organisation, OrganisationKind
from agreements.reviews.models import CommentRound, RoundStatus
from agreements.signatures.models import RequestStatus, SignatureRequest

WORKSHOP, PROVIDER = OrganisationKind.WORKSHOP, OrganisationKind.PROVIDER


def _party_in_force(today: date, commitment: bool):
    """SQL condition: the organisation is party to a cooperation agreement (or commitment) in force."""
    query = with_template(
        select(agreement_parties.c.organisation_id).join(
            Agreement, Agreement.id == agreement_parties.c.agreement_id
        )
    ).where(agreement_parties.c.organisation_id == Organisation.id, in_force(today))
    return exists(query.where(IS_COMMITMENT if commitment else ~IS_COMMITMENT))


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
    "in_force": (_l("Agreements in force"), in_force),
    "ending_soon": (
        _l("Agreements ending within 90 days"),
        lambda today: and_(in_force(today), Agreement.end_date <= today + ENDING_WITHIN),
    ),
    "renewals_overdue": (_l("Renewals overdue"), renewal_overdue),
}

FIGURES = {*ORGANISATION_LISTS, *AGREEMENT_LISTS, "open_rounds", "awaiting_signature"}


def listing(
    figure: str, region_ids: set[int], today: date, now: datetime, status: str | None = None
) -> Table:
    """The list behind ``figure`` in the regions, describing ``today``; 404 for an unknown figure."""
    if figure in ORGANISATION_LISTS:
        table = _organisations(figure, region_ids, today)
    elif figure in AGREEMENT_LISTS:
        table = _agreements(figure, region_ids, today, status)
    elif figure == "open_rounds":
        table = _rounds(region_ids)
    elif figure == "awaiting_signature":
        table = _requests(region_ids, now)
    else:
        abort(404)
    table.as_of = today
    return table


def _organisations(figure: str, region_ids: set[int], today: date) -> Table:
    title, condition = ORGANISATION_LISTS[figure]
    latest = (
        select(func.max(Agreement.updated_at))
        .join(agreement_parties, agreement_parties.c.agreement_id == Agreement.id)
        .where(agreement_parties.c.organisation_id == Organisation.id)
        .scalar_subquery()
    )
    query = (
        select(Organisation, latest)
        .where(Organisation.active, Organisation.region_id.in_(region_ids), condition(today))
        .order_by(Organisation.name, Organisation.id)
    )
    columns = [_l("Organisation"), _l("Kind"), _l("Municipality"), _l("Latest activity")]
    table = Table(figure, str(title), [str(c) for c in columns], as_of=today)
    for organisation, activity in db.session.execute(query):
        link = url_for("organisations.detail", organisation_id=organisation.id)
        table.rows.append(
            [
                Cell(organisation.name, link),
                Cell(organisation.kind.title),
                Cell(organisation.municipality),
                Cell(activity),
            ]
        )
    return table


def _owned(region_ids: set[int]):
    owner = select(Organisation.id).where(Organisation.region_id.in_(region_ids))
    return Agreement.owner_id.in_(owner)


def _agreements(figure: str, region_ids: set[int], today: date, status: str | None) -> Table:
    title, condition = AGREEMENT_LISTS[figure]
    query = select(Agreement).where(_owned(region_ids), condition(today))
    if status is not None:
        query = query.where(Agreement.status == AgreementStatus(status))
    agreements = db.session.scalars(query.order_by(Agreement.end_date, Agreement.id))
    return agreement_table(figure, title, agreements, today)


def agreement_table(key: str, title, agreements, as_of: date) -> Table:
    """Agreements as a table: reference (linked), title, parties, status, dates and notice deadline."""
    columns = [
        _l("Reference"),
        _l("Title"),
        _l("Parties"),
        _l("Status"),
        _l("Start"),
        _l("End"),
        _l("Notice deadline"),
    ]
    table = Table(key, str(title), [str(c) for c in columns], as_of=as_of)
    for agreement in agreements:
        link = url_for("agreements.detail", agreement_id=agreement.id)
        table.rows.append(
            [
                Cell(agreement.reference, link),
                Cell(agreement.title),
                Cell(", ".join(party.name for party in agreement.parties)),
                Cell(agreement.status.title),
                Cell(agreement.start_date),
                Cell(agreement.end_date),
                Cell(agreement.notice_deadline),
            ]
        )
    return table


def _rounds(region_ids: set[int]) -> Table:
    query = (
        select(CommentRound, Agreement)
        .join(Agreement, Agreement.id == CommentRound.agreement_id)
        .where(CommentRound.status == RoundStatus.OPEN, _owned(region_ids))
        .order_by(CommentRound.deadline)
    )
    columns = [_l("Agreement"), _l("Title"), _l("Deadline")]
    table = Table("open_rounds", str(_l("Open comment rounds")), [str(c) for c in columns])
    for comment_round, agreement in db.session.execute(query):
        link = url_for("reviews.detail", round_id=comment_round.id)
        table.rows.append(
            [Cell(agreement.reference, link), Cell(agreement.title), Cell(comment_round.deadline)]
        )
    return table


def _requests(region_ids: set[int], now: datetime) -> Table:
    query = (
        select(SignatureRequest.id, SignatureRequest.sent_at, Agreement)
        .join(Agreement, Agreement.id == SignatureRequest.agreement_id)
        .where(SignatureRequest.status == RequestStatus.PENDING, _owned(region_ids))
        .order_by(SignatureRequest.sent_at)
    )
    columns = [_l("Agreement"), _l("Title"), _l("Sent"), _l("Days waiting")]
    table = Table("awaiting_signature", str(_l("Requests awaiting signature")), [str(c) for c in columns])
    for request_id, sent_at, agreement in db.session.execute(query):
        link = url_for("signatures.request_detail", request_id=request_id)
        table.rows.append(
            [
                Cell(agreement.reference, link),
                Cell(agreement.title),
                Cell(sent_at),
                Cell((now - sent_at).days),
            ]
        )
    return table
