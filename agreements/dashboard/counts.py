"""What the dashboard's tables are made of — each region's figures, the month-by-month trend and the
commitment documents — taken from the scheduler's latest count while it is recent
(agreements/dashboard/jobs.py), or counted now when there is none.

The scheduler counts regions. A membership network's members are wherever they are, so its figures, and
those of a scope that holds its members, are always counted now: they follow a change of members at once."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import defer

from agreements.dashboard.figures import Figures, figures_from_json, total
from agreements.dashboard.models import DashboardSnapshot
from agreements.dashboard.queries import (
    MONTHS,
    as_one,
    by_network,
    by_region,
    commitment_documents,
    figures_of,
    region_figures,
    summed_trend,
    trend_of,
)
from agreements.dashboard.scope import Scope
from agreements.extensions import db


@dataclass
class Counts:
    """The figures of the scope's regions and membership networks, and the scope's own, its trend and
    commitment documents."""

    by_region: dict[int, Figures]
    by_network: dict[int, Figures]
    everything: Figures
    trend: list[tuple[date, int]]
    commitments: list[dict]
    #: When the scheduler last found them current; None when they were counted for this request.
    checked_at: datetime | None = None


def latest_snapshot() -> DashboardSnapshot | None:
    """The scheduler's most recent count, if any; its figures load on first use."""
    query = select(DashboardSnapshot).options(defer(DashboardSnapshot.payload))
    return db.session.scalar(query.order_by(DashboardSnapshot.id.desc()).limit(1))


def usable_snapshot(today: date, now: datetime) -> DashboardSnapshot | None:
    """The latest count if it is of ``today`` and was found current within DASHBOARD_SNAPSHOT_MAX_AGE."""
    snapshot = latest_snapshot()
    max_age = timedelta(seconds=current_app.config["DASHBOARD_SNAPSHOT_MAX_AGE"])
    if snapshot is None or snapshot.day != today or now - snapshot.checked_at > max_age:
        return None
    return snapshot


def counts_for(scope: Scope, today: date, now: datetime, snapshot: DashboardSnapshot | None) -> Counts:
    """The scope's counts: its regions' from the snapshot, or, without one, counted now; the rest counted now
    when the scope holds a membership network's members."""
    members = figures_of(by_network(n.id for n in scope.networks if n.is_membership), today, now)
    if snapshot is None or not scope.by_regions_only:
        return _counted_now(scope, members, today, now, snapshot)
    regions = _snapshot_figures(snapshot, scope.region_ids)
    series = [snapshot.payload["trend"].get(str(region), [0] * MONTHS) for region in scope.region_ids]
    documents = [d for d in snapshot.payload["commitments"] if d["region_id"] in scope.region_ids]
    return Counts(
        regions, members, total(regions.values()), summed_trend(series, today), documents, snapshot.counted_at
    )


def _snapshot_figures(snapshot: DashboardSnapshot, region_ids: set[int]) -> dict[int, Figures]:
    return {region: figures_from_json(snapshot.payload["figures"][str(region)]) for region in region_ids}


def _counted_now(scope: Scope, members: dict, today: date, now: datetime, snapshot) -> Counts:
    """The counts of a scope counted for this request (its regions' figures from ``snapshot`` if any)."""
    if snapshot is None:
        regions = region_figures(scope.region_ids, today, now)
    else:
        regions = _snapshot_figures(snapshot, scope.region_ids)
    if scope.by_regions_only:
        groups, everything = by_region(scope.region_ids), total(regions.values())
    else:
        groups = as_one(scope.covers)
        everything = figures_of(groups, today, now)[0]
    return Counts(regions, members, everything, trend_of(groups, today), commitment_documents(groups))
