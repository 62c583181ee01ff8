"""The scheduler's count of the dashboard: made again only after a recorded change, the same figures as
counting on the spot, used while recent, and left aside when the scheduler has stopped."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from agreements.core.timeutil import utcnow
from agreements.dashboard.jobs import refresh
from agreements.dashboard.models import DashboardSnapshot
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.organisations.operations import deactivate_organisation
from tests.support.client import log_in
from tests.support.dashboard import exported, workshops_in_region

TABLES = ("networks", "regions", "statuses", "commitments", "trend")


def test_a_count_is_made_again_only_after_a_recorded_change(field):
    assert refresh() == 1
    first = db.session.scalar(select(DashboardSnapshot))
    counted_at = first.counted_at
    assert refresh(utcnow() + timedelta(minutes=1)) == 0  # nothing recorded since: only found current
    assert first.checked_at > counted_at and first.counted_at == counted_at
    deactivate_organisation(field["idle"])
    assert refresh() == 1
    assert db.session.scalar(select(func.count()).select_from(DashboardSnapshot)) == 1  # the old one goes


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_the_count_gives_the_same_tables_as_counting_on_the_spot(client, field, make_user, who):
    log_in(client, field["coordinator"] if who == "coordinator" else make_user(admin=True))
    on_the_spot = {key: exported(client, key) for key in TABLES}
    refresh()
    db.session.commit()
    assert "still current at" in client.get("/dashboard/").get_data(as_text=True)
    assert {key: exported(client, key) for key in TABLES} == on_the_spot


def test_the_page_shows_the_count_until_the_next_and_counts_itself_when_it_is_old(client, field, app):
    log_in(client, field["coordinator"])
    refresh()
    db.session.commit()
    db.session.execute(update(Organisation).where(Organisation.id == field["idle"].id).values(active=False))
    db.session.commit()
    assert workshops_in_region(client) == "2"  # the count made before the change

    snapshot = db.session.scalar(select(DashboardSnapshot))
    snapshot.checked_at = utcnow() - timedelta(seconds=app.config["DASHBOARD_SNAPSHOT_MAX_AGE"] + 1)
    db.session.commit()
    assert workshops_in_region(client) == "1"  # the scheduler has stopped: counted on the spot
    assert "still current at" not in client.get("/dashboard/").get_data(as_text=True)
