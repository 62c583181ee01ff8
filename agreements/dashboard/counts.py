"""What the dashboard's tables are made of — each region's figures, the month-by-month trend and the
commitment documents — taken from the scheduler's latest count while it is recent
(agreements/dashboard/jobs.py), or counted now when there is none."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import defer

from agreements.dashboard.figures import Figures, figures_from_json
from agreements.dashboard.models import DashboardSnapshot
from agreements.dashboard.queries import MONTHS, commitment_documents, month_ends, region_figures, trend
from agreements.dashboard.scope import Scope
from agreements.extensions import db


@dataclass
class Counts:
    """The figures of the scope's regions, their trend and commitment documents."""

    by_region: dict[int, Figures]
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
    """The scope's counts: the snapshot's regions added up, or, without a snapshot, counted now."""
    if snapshot is None:
        regions = scope.region_ids
        return Counts(
            region_figures(regions, today, now), trend(regions, today), commitment_documents(regions)
        )
    payload = snapshot.payload
    by_region = {region: figures_from_json(payload["figures"][str(region)]) for region in scope.region_ids}
    series = [payload["trend"].get(str(region), [0] * MONTHS) for region in scope.region_ids]
    months = [sum(counts) for counts in zip(*series, strict=True)] if series else [0] * MONTHS
    documents = [document for document in payload["commitments"] if document["region_id"] in scope.region_ids]
    return Counts(
        by_region, list(zip(month_ends(today), months, strict=True)), documents, snapshot.counted_at
    )
