"""The dashboard's read model: per region figures in a fixed handful of grouped queries, whatever the size.

Definitions, the same everywhere (figures, drill-down lists, exports):
- an agreement is **in force** on a day as ``Agreement.in_force_on`` says, the one definition the agreement
  list, its filter and the agreement pages share (agreements/drafting/models.py): it is signed or terminated
  (given notice, still running) and the day is between its start and end dates (an open-ended one has no
  end); a draft never is;
- a **cooperation agreement** is one on a bilateral or annex template; a **commitment** is one on the
  commitment template (the commitment to the national guidelines of 24.9.2019); an agreement signed
  outside the service counts by the kind it was registered with (one of kind "other" as cooperation);
- an agreement is in force **for an organisation** on a day as ``AgreementParty.in_force_on`` says: in
  force, and the organisation bound by it that day — not before it joined, nor after its own end when it
  gave notice alone (the organisation figures and lists count this);
- an agreement belongs to the region of its drafting workshop; an organisation to its own region;
- a **renewal is overdue** for a signed agreement that does not renew automatically, whose notice deadline
  has passed (or which ended within the last 90 days) and which no renewal (unless cancelled) follows.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import accumulate

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from agreements.dashboard.figures import Figures
from agreements.drafting.models import Agreement, AgreementParty, AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import Organisation, OrganisationKind
from agreements.reviews.models import CommentRound, RoundStatus
from agreements.signatures.models import PartyStatus, RequestStatus, SignatureRequest, SigningParty
from agreements.templates_lib.models import AgreementTemplate, TemplateKind, TemplateVersion

#: "Ending soon" looks this far ahead; a renewal counts as overdue this long after the end.
ENDING_WITHIN = timedelta(days=90)
OVERDUE_AFTER_END = timedelta(days=90)

Owner = aliased(Organisation, name="owner")


def _rows(query):
    """The rows of a read-only query, fetched at once and without the ORM's per-row work (columns only)."""
    return db.session.connection().execute(query).all()


def is_commitment():
    """SQL condition: the agreement is a commitment.

    The commitment template's few versions are read first, so the database plans with literal ids and its
    statistics of them; from a subquery it guessed a third of all agreements and scanned every one.
    """
    versions = db.session.scalars(
        select(TemplateVersion.id)
        .join(AgreementTemplate, AgreementTemplate.id == TemplateVersion.template_id)
        .where(AgreementTemplate.kind == TemplateKind.COMMITMENT)
    )
    # Signed outside the service; never NULL, so that the condition can be negated (NOT NULL is not true).
    registered = and_(
        Agreement.registered_kind.is_not(None), Agreement.registered_kind == TemplateKind.COMMITMENT
    )
    return or_(Agreement.template_version_id.in_(versions.all()), registered)


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
    return figures


def _count_organisations(figures, region_ids) -> None:
    query = (
        select(Organisation.region_id, func.count())
        .where(Organisation.active, Organisation.kind == OrganisationKind.WORKSHOP)
        .where(Organisation.region_id.in_(region_ids))
        .group_by(Organisation.region_id)
    )
    for region_id, count in _rows(query):
        figures[region_id].workshops = count


def _count_parties_in_force(figures, region_ids, today: date) -> None:
    """Distinct organisations per region for which a cooperation agreement, or a commitment, is in force."""
    # Each (organisation, commitment or not) pair once, before the join: far less to count than every party.
    pairs = (
        select(AgreementParty.organisation_id, is_commitment().label("commitment"))
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(AgreementParty.in_force_on(today))
        .distinct()
        .subquery()
    )
    query = (
        select(Organisation.region_id, Organisation.kind, pairs.c.commitment, func.count())
        .join(pairs, pairs.c.organisation_id == Organisation.id)
        .where(Organisation.active, Organisation.region_id.in_(region_ids))
        .group_by(Organisation.region_id, Organisation.kind, pairs.c.commitment)
    )
    for region_id, kind, is_commitment_row, count in _rows(query):
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
    """Agreements per region and status; those in force that end within 90 days; renewals overdue."""
    ending = case((ends_soon(today), 1), else_=0)
    overdue = case((renewal_overdue(today), 1), else_=0)
    query = (
        _owned_in(region_ids)
        .add_columns(Agreement.status, func.count(), func.sum(ending), func.sum(overdue))
        .group_by(Owner.region_id, Agreement.status)
    )
    for region_id, status, count, ending_soon, renewals_overdue in _rows(query):
        figures[region_id].by_status[status] = count
        figures[region_id].ending_soon += ending_soon or 0
        figures[region_id].renewals_overdue += renewals_overdue or 0


def _count_open_rounds(figures, region_ids) -> None:
    query = (
        _owned_in(region_ids)
        .add_columns(func.count())
        .join(CommentRound, CommentRound.agreement_id == Agreement.id)
        .where(CommentRound.status == RoundStatus.OPEN)
        .group_by(Owner.region_id)
    )
    for region_id, count in _rows(query):
        figures[region_id].open_rounds = count


def _collect_waiting(figures, region_ids, now: datetime) -> None:
    """How many whole days each pending signature request has waited."""
    query = (
        _owned_in(region_ids)
        .add_columns(SignatureRequest.sent_at)
        .join(SignatureRequest, SignatureRequest.agreement_id == Agreement.id)
        .where(SignatureRequest.status == RequestStatus.PENDING)
    )
    for region_id, sent_at in _rows(query):
        figures[region_id].waiting_days.append((now - sent_at).days)


def ends_soon(today: date):
    """SQL condition: the agreement is in force on ``today`` and ends within 90 days."""
    return and_(Agreement.in_force_on(today), Agreement.end_date <= today + ENDING_WITHIN)


def renewal_overdue(today: date):
    """SQL condition: the agreement's renewal is overdue on ``today`` (see the module's definitions)."""
    successor = aliased(Agreement)
    # NOT IN a small set, not NOT EXISTS: the set is built once, and the check also works inside a CASE.
    renewed = select(successor.renewal_of_id).where(
        successor.renewal_of_id.is_not(None), successor.status != AgreementStatus.CANCELLED
    )
    return and_(
        Agreement.status == AgreementStatus.SIGNED,
        Agreement.auto_renew.is_(False),
        Agreement.notice_deadline < today,
        Agreement.end_date >= today - OVERDUE_AFTER_END,
        Agreement.id.not_in(renewed),
    )


#: The trend's length in months.
MONTHS = 24


def month_ends(today: date, months: int = MONTHS) -> list[date]:
    """The last day of each of the ``months`` months up to this one; this month's is ``today``."""
    ends, first = [today], today.replace(day=1)
    for _ in range(months - 1):
        ends.append(first - timedelta(days=1))
        first = ends[-1].replace(day=1)
    return ends[::-1]


def trend(region_ids: set[int], today: date) -> list[tuple[date, int]]:
    """Agreements in force at the end of each of the last 24 months, in all the regions together."""
    counts = _in_force_by_month(region_ids, today, by_region=False).get(None, [0] * MONTHS)
    return list(zip(month_ends(today), counts, strict=True))


def trend_by_region(region_ids: set[int], today: date) -> dict[int, list[int]]:
    """Each region's agreements in force at the end of each of the last 24 months."""
    return _in_force_by_month(region_ids, today, by_region=True)


def _in_force_by_month(region_ids: set[int], today: date, by_region: bool) -> dict[int | None, list[int]]:
    """Counts in force at each month end, per region or (under None) for all of them.

    The agreements with a validity (``Agreement.has_validity``) are read as counts per (start, end) pair — far
    fewer rows than agreements, as terms tend to start and end on the same days. Each pair is in force (its
    dates compared as ``Agreement.in_force_on`` compares them) on a run of consecutive month ends,
    so it adds its count where the run begins and takes it away after it ends; a running sum gives the months.
    """
    days = month_ends(today)
    regions = (Owner.region_id,) if by_region else ()
    query = (
        select(*regions, Agreement.start_date, Agreement.end_date, func.count())
        .join(Owner, Agreement.owner_id == Owner.id)
        .where(Owner.region_id.in_(region_ids), Agreement.has_validity, Agreement.start_date <= today)
        .group_by(*regions, Agreement.start_date, Agreement.end_date)
    )
    changes = defaultdict(lambda: [0] * (len(days) + 1))
    for *region, start, end, count in _rows(query) if region_ids else ():
        series = changes[region[0] if region else None]
        # A term between two month ends adds and takes away at the same month: in force on none.
        series[bisect_left(days, start)] += count
        series[bisect_right(days, end) if end else len(days)] -= count
    return {key: list(accumulate(series[:-1])) for key, series in changes.items()}


def commitment_documents(region_ids: set[int], limit: int | None = None) -> list[dict]:
    """Each commitment in the regions, newest first, with the answers of the organisations its latest request
    invited (joined, declined, not answered; an invitation withdrawn or expired is not counted)."""
    latest = (
        select(func.max(SignatureRequest.id))
        .where(SignatureRequest.agreement_id == Agreement.id)
        .correlate(Agreement)
        .scalar_subquery()
    )
    answered = (PartyStatus.PENDING, PartyStatus.SIGNED, PartyStatus.DECLINED)
    counted = [func.sum(case((SigningParty.status == s, 1), else_=0)).label(s.value) for s in answered]
    query = (
        _owned_in(region_ids)
        .add_columns(Agreement.id, Agreement.reference, Agreement.title, Agreement.status, *counted)
        .outerjoin(SignatureRequest, SignatureRequest.id == latest)
        .outerjoin(SigningParty, SigningParty.request_id == SignatureRequest.id)
        .where(is_commitment())
        .group_by(Owner.region_id, Agreement.id, Agreement.reference, Agreement.title, Agreement.status)
        .order_by(Agreement.id.desc())
        .limit(limit)
    )
    return [_document(row) for row in _rows(query)]


def _document(row) -> dict:
    pending, signed, declined = (row.pending or 0, row.signed or 0, row.declined or 0)
    return {
        "region_id": row.region_id,
        "id": row.id,
        "reference": row.reference,
        "title": row.title,
        "status": row.status,
        "invited": pending + signed + declined,
        "signed": signed,
        "declined": declined,
        "pending": pending,
    }
