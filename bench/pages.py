"""Benchmark: the dashboard, the agreement list, an agreement's page, the home page and the reminder scan.

For each database given (``label=URL``; make them with ``flask demo generate --scale national`` and
``--scale tenth``), it requests each page N times through the app as a national administrator (and the
dashboard, the list and the home page also as a coordinator; the home page also as an editor of the
workshop that owns the most agreements), runs the reminder scan N times in a transaction it rolls back,
and prints p50 and p95 in milliseconds and the number of SQL statements each run takes. The dashboard is
measured three ways: from the scheduler's count (as served while the scheduler runs; the per-process cache
emptied before each run), looked at again (from that cache) and counted on the spot (as when no scheduler
runs); and the scheduler's count of every region itself, which its refresh job makes each minute after a
recorded change.
Comparing a national-scale database with a tenth-scale one shows how each grows with the data: the statement
counts must not.

It is a script, not a test: nothing fails when it is slow. Run from the repository root:

    .venv/bin/python bench/pages.py \\
        --db national-sqlite=sqlite:////tmp/sopimuspolku_national.sqlite3 \\
        --db tenth-sqlite=sqlite:////tmp/sopimuspolku_tenth.sqlite3 \\
        --db national-pg=postgresql://postgres@127.0.0.1:5432/sopimuspolku_national \\
        --db tenth-pg=postgresql://postgres@127.0.0.1:5432/sopimuspolku_tenth
"""

import argparse
import contextvars
import time
from collections.abc import Callable
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import event, func, select

from agreements import create_app
from agreements.accounts.models import Membership, MembershipRole, User
from agreements.core.timeutil import HELSINKI, utcnow
from agreements.dashboard import cache
from agreements.dashboard.jobs import count_every_region, refresh
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.extensions import db, login_manager
from agreements.reminders.jobs import send_reminders
from config import DevelopmentConfig


def percentile(samples: list[float], share: float) -> float:
    """The ``share`` (0–1) percentile of the samples, by the nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@contextmanager
def counted_statements(engine):
    """Count the SQL statements run inside the block; the count is in the yielded list's first item."""
    count = [0]

    def tally(*_args):
        count[0] += 1

    event.listen(engine, "before_cursor_execute", tally)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", tally)


def measure(run: Callable[[], object], engine, repeats: int) -> tuple[float, float, int]:
    """p50 and p95 milliseconds of ``run`` over ``repeats`` runs (after two warm-ups), and its statements."""
    for _ in range(2):
        run()
    samples, statements = [], 0
    for _ in range(repeats):
        with counted_statements(engine) as count:
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
        statements = count[0]
    return percentile(samples, 0.5), percentile(samples, 0.95), statements


def logged_in_client(app, user: User):
    """A test client whose session belongs to ``user``."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def page(client, path: str) -> Callable[[], object]:
    """A request for ``path``, in a context of its own as on a server: inside the bench's app context a
    request would share its ``g``, and with it the first request's logged-in user."""

    def run():
        response = contextvars.Context().run(client.get, path)
        assert response.status_code == 200, (path, response.status_code)

    return run


def uncached(run: Callable[[], object]) -> Callable[[], object]:
    """``run`` with the dashboard's per-process cache emptied first, so its tables are made again."""

    def cold():
        cache.clear()
        return run()

    return cold


def on_the_spot(run: Callable[[], object]) -> Callable[[], object]:
    """``run`` as if the scheduler had not counted (its count too old to use): the page counts everything."""

    def counting():
        app = current_app._get_current_object()
        kept = app.config["DASHBOARD_SNAPSHOT_MAX_AGE"]
        app.config["DASHBOARD_SNAPSHOT_MAX_AGE"] = -1
        try:
            return uncached(run)()
        finally:
            app.config["DASHBOARD_SNAPSHOT_MAX_AGE"] = kept

    return counting


def scheduler_count() -> object:
    """The scheduler's count of every region, as its refresh job makes it, undone afterwards."""
    try:
        now = utcnow()
        return count_every_region(now.astimezone(HELSINKI).date(), now)
    finally:
        db.session.rollback()


def reminder_scan() -> object:
    """The scan as the scheduler runs it, undone afterwards so every run finds the same work."""
    try:
        return send_reminders()
    finally:
        db.session.rollback()


def busy_editor() -> User:
    """An editor of the workshop that owns the most agreements: the fullest home page of a member."""
    busiest = (
        select(Agreement.owner_id)
        .group_by(Agreement.owner_id)
        .order_by(func.count().desc(), Agreement.owner_id)
    ).limit(1)
    return db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organisation_id == busiest.scalar_subquery(), Membership.role == MembershipRole.EDITOR
        )
        .where(User.active)
        .order_by(User.id)
    )


def bench_app(url: str):
    """The app on the database at ``url``, as deployed but sending no mail, and the first administrator."""

    class Config(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = url
        DEBUG = False
        MAIL_TRANSPORT = "none"

    app = create_app(Config)
    login_manager.session_protection = None  # the bench's sessions are made up, not tied to a browser
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.is_admin, User.active).order_by(User.id))
        db.session.expunge(admin)
    return app, admin


def bench_database(label: str, url: str, repeats: int, only: str = "") -> list[tuple]:
    """Every measurement on one database, as rows for the report."""
    app, admin = bench_app(url)
    with app.app_context():
        coordinator = db.session.scalar(
            select(User).where(User.coordinated_networks.any(), User.active).order_by(User.id)
        )
        signed = db.session.scalar(
            select(Agreement.id)
            .where(Agreement.status == AgreementStatus.SIGNED)
            .order_by(Agreement.id.desc())
        )
        size = db.session.scalar(select(func.count()).select_from(Agreement))
        as_admin, as_coordinator = logged_in_client(app, admin), logged_in_client(app, coordinator)
        as_editor = logged_in_client(app, busy_editor())
        refresh()  # the scheduler's count, as its job keeps it
        db.session.commit()
        dashboard = {
            "administrator": page(as_admin, "/dashboard/"),
            "coordinator": page(as_coordinator, "/dashboard/"),
        }
        cases = [
            *((f"dashboard from the count ({who})", uncached(run)) for who, run in dashboard.items()),
            *((f"dashboard looked at again ({who})", run) for who, run in dashboard.items()),
            *((f"dashboard counted on the spot ({who})", on_the_spot(run)) for who, run in dashboard.items()),
            ("dashboard count of every region (scheduler)", scheduler_count),
            ("agreement list (administrator)", page(as_admin, "/agreements/")),
            ("agreement list (coordinator)", page(as_coordinator, "/agreements/")),
            ("agreement page", page(as_admin, f"/agreements/{signed}")),
            ("home page (editor of a busy workshop)", page(as_editor, "/")),
            ("home page (coordinator)", page(as_coordinator, "/")),
            ("home page (administrator)", page(as_admin, "/")),
            ("reminder scan", reminder_scan),
        ]
        rows = [(label, size, name, *measure(run, db.engine, repeats)) for name, run in cases if only in name]
        db.session.remove()
        db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="label=database URL; give several")
    parser.add_argument("--n", type=int, default=30, help="measured runs of each case (default 30)")
    parser.add_argument("--only", default="", help="only the cases whose name holds this text")
    args = parser.parse_args()
    print(f"{'database':<16} {'agreements':>10}  {'case':<46} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>5}")
    for spec in args.db:
        label, _, url = spec.partition("=")
        for row in bench_database(label, url, args.n, args.only):
            database, size, name, p50, p95, statements = row
            print(f"{database:<16} {size:>10}  {name:<46} {p50:>8.1f} {p95:>8.1f} {statements:>5}")


if __name__ == "__main__":
    main()
