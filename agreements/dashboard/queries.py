"""The dashboard's read model: per region figures in a fixed handful of grouped queries, whatever the size.

Definitions, the same everywhere (figures, drill-down lists, exports):
- an agreement is **in force** on a day when it is signed or terminated (given notice, still running) and the
  day is between its start and end dates (an open-ended one has no end);
- a **cooperation agreement** is one on a bilateral or annex template; a **commitment** is one on the
  commitment template (the commitment to the national guidelines of 24.9.2019);
- an agreement belongs to the region of its drafting workshop; an organisation to its own region;
- a **renewal is overdue** for a signed agreement that does not renew automatically, whose notice deadline
  has passed (or which ended within the last 90 days) and which no renewal (unless cancelled) follows.
"""

from bisect import bisect_right
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from agreements.dashboard.figures import Figures
from agreements.drafting.models import Agreement, AgreementStatus, agreement_parties
from agreements.extensions import db
from agreements.organisations.models import Organisation, OrganisationKind
from agreements.reviews.models import CommentRound, RoundStatus
from agreements.signatures.models import RequestStatus, Signature, SignatureRequest, SignatureStatus
from agreements.templates_lib.models import AgreementTemplate, TemplateKind, TemplateVersion

#: Statuses in which an agreement's dates decide whether it is in force.
RUNNING = (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)
#: "Ending soon" looks this far ahead; a renewal counts as overdue this long after the end.
ENDING_WITHIN = timedelta(days=90)
OVERDUE_AFTER_END = timedelta(days=90)
VOIDED = SignatureStatus.VOIDED

Owner = aliased(Organisation, name="owner")


def in_force(day: date):
    """SQL condition: the agreement is in force on ``day``."""
    return and_(
        Agreement.status.in_(RUNNING),
        Agreement.start_date <= day,
        or_(Agreement.end_date.is_(None), Agreement.end_date >= day),
    )


def with_template(query):
    """``query`` joined to each agreement's template, whose kind tells commitments from agreements."""
    return query.join(TemplateVersion, TemplateVersion.id == Agreement.template_version_id).join(
        AgreementTemplate, AgreementTemplate.id == TemplateVersion.template_id
    )


IS_COMMITMENT = AgreementTemplate.kind == TemplateKind.COMMITMENT


def region_figures(region_ids: set[int], today: date, now: datetime) -> dict[int, Figures]:
    """Each region's figures on ``today``."""
    figures = {region_id: Figures() for region_id in region_ids}
    if not region_ids:
        return figures
    _count_organisations(figures, region_ids)
    _count_parties_in_force(figures, region_ids, today)
    _count_agreements(figures, region_ids, today)
    _count_open_rounds(figures, region_ids)
    _collect_waiting(figures, region_ids, now)
    _count_overdue(figures, region_ids, today)
    return figures


def _count_organisations(figures, region_ids) -> None:
    query = (
        select(Organisation.region_id, func.count())
        .where(Organisation.active, Organisation.kind == OrganisationKind.WORKSHOP)
        .where(Organisation.region_id.in_(region_ids))
        .group_by(Organisation.region_id)
    )
    for region_id, count in db.session.execute(query):
        figures[region_id].workshops = count


def _count_parties_in_force(figures, region_ids, today: date) -> None:
    """Distinct organisations per region party to a cooperation agreement, or a commitment, in force."""
    # Each (organisation, commitment or not) pair once, before the join: far less to count than every party.
    pairs = with_template(
        select(agreement_parties.c.organisation_id, IS_COMMITMENT.label("commitment"))
        .join(Agreement, Agreement.id == agreement_parties.c.agreement_id)
        .where(in_force(today))
        .distinct()
    ).subquery()
    query = (
        select(Organisation.region_id, Organisation.kind, pairs.c.commitment, func.count())
        .join(pairs, pairs.c.organisation_id == Organisation.id)
        .where(Organisation.active, Organisation.region_id.in_(region_ids))
        .group_by(Organisation.region_id, Organisation.kind, pairs.c.commitment)
    )
    for region_id, kind, is_commitment_row, count in db.session.execute(query):
        if is_commitment_row:
            figures[region_id].committed += count  # one row per kind: together, every organisation once
        elif kind == OrganisationKind.WORKSHOP:
            figures[region_id].workshops_in_force = count
        else:
            figures[region_id].providers_in_force = count


def _owned_in(region_ids):
    """Join condition and filter: agreements whose drafting workshop is in one of the regions."""
    return (
        select(Owner.region_id)
        .join(Agreement, Agreement.owner_id == Owner.id)
        .where(Owner.region_id.in_(region_ids))
    )


def _count_agreements(figures, region_ids, today: date) -> None:
    """Agreements per region and status, and those in force that end within 90 days."""
    ending = case((and_(in_force(today), Agreement.end_date <= today + ENDING_WITHIN), 1), else_=0)
    query = (
        _owned_in(region_ids)
        .add_columns(Agreement.status, func.count(), func.sum(ending))
        .group_by(Owner.region_id, Agreement.status)
    )
    for region_id, status, count, ending_soon in db.session.execute(query):
        figures[region_id].by_status[status] = count
        figures[region_id].ending_soon += ending_soon or 0


def _count_open_rounds(figures, region_ids) -> None:
    query = (
        _owned_in(region_ids)
        .add_columns(func.count())
        .join(CommentRound, CommentRound.agreement_id == Agreement.id)
        .where(CommentRound.status == RoundStatus.OPEN)
        .group_by(Owner.region_id)
    )
    for region_id, count in db.session.execute(query):
        figures[region_id].open_rounds = count


def _collect_waiting(figures, region_ids, now: datetime) -> None:
    """How many whole days each pending signature request has waited."""
    query = (
        _owned_in(region_ids)
        .add_columns(SignatureRequest.sent_at)
        .join(SignatureRequest, SignatureRequest.agreement_id == Agreement.id)
        .where(SignatureRequest.status == RequestStatus.PENDING)
    )
    for region_id, sent_at in db.session.execute(query):
        figures[region_id].waiting_days.append((now - sent_at).days)


def renewal_overdue(today: date):
    """SQL condition: the agreement's renewal is overdue on ``today`` (see the module's definitions)."""
    successor = aliased(Agreement)
    renewed = exists().where(
        successor.renewal_of_id == Agreement.id, successor.status != AgreementStatus.CANCELLED
    )
    return and_(
        Agreement.status == AgreementStatus.SIGNED,
        Agreement.auto_renew.is_(False),
        Agreement.notice_deadline < today,
        Agreement.end_date >= today - OVERDUE_AFTER_END,
        ~renewed,
    )


def _count_overdue(figures, region_ids, today: date) -> None:
    query = (
        _owned_in(region_ids)
        .add_columns(func.count())
        .where(renewal_overdue(today))
        .group_by(Owner.region_id)
    )
    for region_id, count in db.session.execute(query):
        figures[region_id].renewals_overdue = count


def month_ends(today: date, months: int = 24) -> list[date]:
    """The last day of each of the ``months`` months up to this one; this month's is ``today``."""
    ends, first = [today], today.replace(day=1)
    for _ in range(months - 1):
        ends.append(first - timedelta(days=1))
        first = ends[-1].replace(day=1)
    return ends[::-1]


def trend(region_ids: set[int], today: date) -> list[tuple[date, int]]:
    """Agreements in force at the end of each of the last 24 months.

    The running agreements are read as counts per (start, end) pair — far fewer rows than agreements, as
    terms tend to start and end on the same days — and counted per month here.
    """
    days = month_ends(today)
    query = (
        select(Agreement.start_date, Agreement.end_date, func.count())
        .join(Owner, Agreement.owner_id == Owner.id)
        .where(Owner.region_id.in_(region_ids), Agreement.status.in_(RUNNING), Agreement.start_date <= today)
        .group_by(Agreement.start_date, Agreement.end_date)
    )
    terms = db.session.execute(query).all() if region_ids else []
    starts = _running_totals((start, count) for start, _end, count in terms)
    ends = _running_totals((end, count) for _start, end, count in terms if end is not None)
    # In force on a day: started by then, less those already ended (an end is never before its start).
    return [(day, _total_up_to(starts, day) - _total_up_to(ends, day - timedelta(days=1))) for day in days]


def _running_totals(dated_counts) -> tuple[list[date], list[int]]:
    """Days in order and, for each, the sum of the counts up to and including it."""
    days, totals, running = [], [], 0
    for day, count in sorted(dated_counts):
        running += count
        days.append(day)
        totals.append(running)
    return days, totals


def _total_up_to(running: tuple[list[date], list[int]], day: date) -> int:
    days, totals = running
    position = bisect_right(days, day)
    return totals[position - 1] if position else 0


def commitment_documents(region_ids: set[int], limit: int | None = None) -> list[dict]:
    """Each commitment in the regions, newest first, with its latest signature request's answers."""
    latest = (
        select(func.max(SignatureRequest.id))
        .where(SignatureRequest.agreement_id == Agreement.id)
        .correlate(Agreement)
        .scalar_subquery()
    )
    answered = (SignatureStatus.PENDING, SignatureStatus.SIGNED, SignatureStatus.DECLINED)
    counted = [func.sum(case((Signature.status == s, 1), else_=0)).label(s.value) for s in answered]
    query = with_template(
        _owned_in(region_ids).add_columns(
            Agreement.id, Agreement.reference, Agreement.title, Agreement.status
        )
    )
    query = (
        query.add_columns(*counted)
        .outerjoin(SignatureRequest, SignatureRequest.id == latest)
        .outerjoin(Signature, and_(Signature.request_id == SignatureRequest.id, Signature.status != VOIDED))
        .where(IS_COMMITMENT)
        .group_by(Owner.region_id, Agreement.id, Agreement.reference, Agreement.title, Agreement.status)
        .order_by(Agreement.id.desc())
        .limit(limit)
    )
    return [_document(row) for row in db.session.execute(query)]


def _document(row) -> dict:
    pending, signed, declined = (row.pending or 0, row.signed or 0, row.declined or 0)
    return {
        "id": row.id,
        "reference": row.reference,
        "title": row.title,
        "status": row.status,
        "invited": pending + signed + declined,
        "signed": signed,
        "declined": declined,
        "pending": pending,
    }
