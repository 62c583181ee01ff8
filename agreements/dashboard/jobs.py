"""The dashboard's due work: counting every region's figures ahead, so that its pages only read them.

``refresh`` counts again when anything has been recorded in the audit log since the last count, or the day
has changed; otherwise it notes that the last count is still current. Pages use a count checked at most
DASHBOARD_SNAPSHOT_MAX_AGE seconds ago (agreements/dashboard/counts.py); without one — no scheduler
running — they count for themselves.
"""

from datetime import date, datetime

from sqlalchemy import delete, select

from agreements.core.scheduling import ScheduledJob
from agreements.core.timeutil import HELSINKI, utcnow
from agreements.dashboard.cache import latest_change
from agreements.dashboard.counts import latest_snapshot
from agreements.dashboard.figures import figures_to_json
from agreements.dashboard.models import DashboardSnapshot
from agreements.dashboard.queries import by_region, commitment_documents, region_figures, trend_by_region
from agreements.extensions import db
from agreements.organisations.models import Region


def refresh(now: datetime | None = None) -> int:
    """Count every region's figures again if something changed; returns 1 when it counted, else 0."""
    now = now or utcnow()
    today = now.astimezone(HELSINKI).date()
    head = latest_change()
    last = latest_snapshot()
    if last is not None and last.day == today and last.audit_head == head:
        last.checked_at = now
        return 0
    payload = count_every_region(today, now)
    snapshot = DashboardSnapshot(day=today, counted_at=now, checked_at=now, audit_head=head, payload=payload)
    db.session.add(snapshot)
    db.session.flush()
    db.session.execute(delete(DashboardSnapshot).where(DashboardSnapshot.id != snapshot.id))
    return 1


def count_every_region(today: date, now: datetime) -> dict:
    """Every region's figures, trend and commitment documents, as a snapshot's payload."""
    regions = set(db.session.scalars(select(Region.id)))
    return {
        "figures": {str(r): figures_to_json(f) for r, f in region_figures(regions, today, now).items()},
        "trend": {str(r): counts for r, counts in trend_by_region(regions, today).items()},
        "commitments": commitment_documents(by_region(regions)),
    }


SCHEDULE = [ScheduledJob("dashboard.refresh", refresh, "interval", {"minutes": 1})]
