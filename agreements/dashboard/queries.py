"""The dashboard's read model: figures per region, per membership network or for a whole scope, in a fixed
handful of grouped queries, whatever the size.

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
- an agreement belongs to the region of its drafting workshop; an organisation to its own region; both
  belong to the networks that cover the organisation (agreements/organisations/coverage.py);
- a **renewal is overdue** for a signed agreement that does not renew automatically, whose notice deadline
  has passed (or which ended within the last 90 days) and which no renewal (unless cancelled) follows.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from sqlalchemy import Integer, and_, case, cast, func, literal_column, or_, select
from sqlalchemy.orm import aliased

from agreements.dashboard.figures import Figures
from agreements.drafting.models import Agreement, AgreementParty, AgreementStatus
from agreements.extensions import db
from agreements.organisations.coverage import network_organisations
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
    # Never NULL, so that the condition can be negated (NOT NULL is not true): an agreement signed outside
    # the service has no template (NULL IN (...) is NULL) and keeps its kind itself.
    in_service = and_(
        Agreement.template_version_id.is_not(None), Agreement.template_version_id.in_(versions.all())
    )
    registered = and_(
        Agreement.registered_kind.is_not(None), Agreement.registered_kind == TemplateKind.COMMITMENT
    )
    return or_(in_service, registered)


@dataclass(frozen=True)
class Groups:
    """Which organisations figures count, and the key each is counted under; an organisation may be in several
    groups (a member of two networks). ``key`` and ``restrict`` take Organisation or an alias of it."""

    keys: frozenset
    key: Callable
    restrict: Callable


def by_region(region_ids: Iterable[int]) -> Groups:
    """The organisations of each region, under its id."""
    ids = frozenset(region_ids)
    return Groups(
        ids, lambda entity: entity.region_id, lambda query, entity: query.where(entity.region_id.in_(ids))
    )


def by_network(network_ids: Iterable[int]) -> Groups:
    """The organisations each network covers, by its kind, under its id."""
    ids, covered = frozenset(network_ids), network_organisations()

    def restrict(query, entity):
        return query.join(covered, covered.c.organisation_id == entity.id).where(
            covered.c.network_id.in_(ids)
        )

    return Groups(ids, lambda entity: covered.c.network_id, restrict)


#: The key of the one group ``as_one`` makes: an expression, as a bare constant in GROUP BY means a column.
ONE = cast(literal_column("0"), Integer)


def as_one(condition: Callable) -> Groups:
    """The organisations meeting ``condition(entity)``, counted together under the key 0."""
    return Groups(frozenset({0}), lambda entity: ONE, lambda query, entity: query.where(condition(entity)))


def region_figures(region_ids: set[int], today: date, now: datetime) -> dict[int, Figures]:
    """Each region's figures on ``today``."""
    return figures_of(by_region(region_ids), today, now)


def figures_of(groups: Groups, today: date, now: datetime) -> dict:
    """Each group's figures on ``today``."""
    figures = {key: Figures() for key in groups.keys}
    if not groups.keys:
        return figures
    _count_organisations(figures, groups)
    _count_parties_in_force(figures, groups, today)
    _count_agreements(figures, groups, today)
    _count_open_rounds(figures, groups)
    _collect_waiting(figures, groups, now)
    return figures


def _count_organisations(figures, groups: Groups) -> None:
    key = groups.key(Organisation)
    query = (
        select(key, func.count())
        .select_from(Organisation)
        .where(Organisation.active, Organisation.kind == OrganisationKind.WORKSHOP)
        .group_by(key)
    )
    for group, count in _rows(groups.restrict(query, Organisation)):
        figures[group].workshops = count


def _count_parties_in_force(figures, groups: Groups, today: date) -> None:
    """Distinct organisations per group for which a cooperation agreement, or a commitment, is in force."""
    # Each (organisation, commitment or not) pair once, before the join: far less to count than every party.
    pairs = (
        select(AgreementParty.organisation_id, is_commitment().label("commitment"))
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(AgreementParty.in_force_on(today))
        .distinct()
        .subquery()
    )
    key = groups.key(Organisation)
    query = (
        select(key, Organisation.kind, pairs.c.commitment, func.count())
        .select_from(Organisation)
        .join(pairs, pairs.c.organisation_id == Organisation.id)
        .where(Organisation.active)
        .group_by(key, Organisation.kind, pairs.c.commitment)
    )
    for group, kind, is_commitment_row, count in _rows(groups.restrict(query, Organisation)):
        if is_commitment_row:
            figures[group].committed += count  # one row per kind: together, every organisation once
        elif kind == OrganisationKind.WORKSHOP:
            figures[group].workshops_in_force += count
        else:
            figures[group].providers_in_force += count


def _owned_in(groups: Groups):
    """Agreements whose drafting workshop is in one of the groups, with the group's key first (``group``)."""
    query = (
        select(groups.key(Owner).label("group"))
        .select_from(Owner)
        .join(Agreement, Agreement.owner_id == Owner.id)
    )
    return groups.restrict(query, Owner)


def _count_agreements(figures, groups: Groups, today: date) -> None:
    """Agreements per group and status; those in force that end within 90 days; renewals overdue."""
    ending = case((ends_soon(today), 1), else_=0)
    overdue = case((renewal_overdue(today), 1), else_=0)
    query = (
        _owned_in(groups)
        .add_columns(Agreement.status, func.count(), func.sum(ending), func.sum(overdue))
        .group_by(groups.key(Owner), Agreement.status)
    )
    for group, status, count, ending_soon, renewals_overdue in _rows(query):
        figures[group].by_status[status] = count
        figures[group].ending_soon += ending_soon or 0
        figures[group].renewals_overdue += renewals_overdue or 0


def _count_open_rounds(figures, groups: Groups) -> None:
    query = (
        _owned_in(groups)
        .add_columns(func.count())
        .join(CommentRound, CommentRound.agreement_id == Agreement.id)
        .where(CommentRound.status == RoundStatus.OPEN)
        .group_by(groups.key(Owner))
    )
    for group, count in _rows(query):
        figures[group].open_rounds = count


def _collect_waiting(figures, groups: Groups, now: datetime) -> None:
    """How many whole days each pending signature request has waited."""
    query = (
        _owned_in(groups)
        .add_columns(SignatureRequest.sent_at)
        .join(SignatureRequest, SignatureRequest.agreement_id == Agreement.id)
        .where(SignatureRequest.status == RequestStatus.PENDING)
    )
    for group, sent_at in _rows(query):
        figures[group].waiting_days.append((now - sent_at).days)


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
    return trend_of(by_region(region_ids), today)


def trend_by_region(region_ids: set[int], today: date) -> dict[int, list[int]]:
    """Each region's agreements in force at the end of each of the last 24 months."""
    return trend_by(by_region(region_ids), today)


def trend_of(groups: Groups, today: date) -> list[tuple[date, int]]:
    """Agreements in force at the end of each of the last 24 months, in all the groups together."""
    return summed_trend(trend_by(groups, today).values(), today)


def summed_trend(series: Iterable[list[int]], today: date) -> list[tuple[date, int]]:
    """Several groups' month-by-month counts added up, each with its month's end."""
    months = [sum(counts) for counts in zip(*series, strict=True)] or [0] * MONTHS
    return list(zip(month_ends(today), months, strict=True))


def trend_by(groups: Groups, today: date) -> dict:
    """Each group's agreements in force at the end of each of the last 24 months (a group with none: none).

    The agreements with a validity (``Agreement.has_validity``) are read as counts per (start, end) pair — far
    fewer rows than agreements, as terms tend to start and end on the same days. Each pair is in force (its
    dates compared as ``Agreement.in_force_on`` compares them) on a run of consecutive month ends,
    so it adds its count where the run begins and takes it away after it ends; a running sum gives the months.
    """
    days = month_ends(today)
    query = (
        _owned_in(groups)
        .add_columns(Agreement.start_date, Agreement.end_date, func.count())
        .where(Agreement.has_validity, Agreement.start_date <= today)
        .group_by(groups.key(Owner), Agreement.start_date, Agreement.end_date)
    )
    changes = defaultdict(lambda: [0] * (len(days) + 1))
    for group, start, end, count in _rows(query) if groups.keys else ():
        series = changes[group]
        # A term between two month ends adds and takes away at the same month: in force on none.
        series[bisect_left(days, start)] += count
        series[bisect_right(days, end) if end else len(days)] -= count
    return {key: list(accumulate(series[:-1])) for key, series in changes.items()}


def commitment_documents(groups: Groups, limit: int | None = None) -> list[dict]:
    """Each commitment in the groups, newest first, with the answers of the organisations its latest request
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
        _owned_in(groups)
        .add_columns(Agreement.id, Agreement.reference, Agreement.title, Agreement.status, *counted)
        .outerjoin(SignatureRequest, SignatureRequest.id == latest)
        .outerjoin(SigningParty, SigningParty.request_id == SignatureRequest.id)
        .where(is_commitment())
        .group_by(groups.key(Owner), Agreement.id, Agreement.reference, Agreement.title, Agreement.status)
        .order_by(Agreement.id.desc())
        .limit(limit)
    )
    return [_document(row) for row in _rows(query)]


def _document(row) -> dict:
    pending, signed, declined = (row.pending or 0, row.signed or 0, row.declined or 0)
    return {
        "region_id": row.group,  # the group's key: with groups by region, the region's id
        "id": row.id,
        "reference": row.reference,
        "title": row.title,
        "status": row.status,
        "invited": pending + signed + declined,
        "signed": signed,
        "declined": declined,
        "pending": pending,
    }
