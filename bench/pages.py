"""Benchmark: the dashboard, the agreement list, an agreement's page, the home page and the reminder scan.

For each database given (``label=URL``; make them with ``flask demo generate --scale national`` and
``--scale tenth``), it requests each page N times through the app as a national administrator (and the
dashboard, the list and the home page also as a coordinator; the home page also as an editor of the
workshop that owns the most agreements), runs the reminder scan N times in a transaction it rolls back,
and prints min, p50, p95 and max in milliseconds and the number of SQL statements each run takes. The
dashboard is measured three ways: from the scheduler's count (as served while the scheduler runs; the
per-process cache emptied before each run), looked at again (from that cache) and counted on the spot (as
when no scheduler runs); and the scheduler's count of every region itself, which its refresh job makes each
minute after a recorded change.
Comparing a national-scale database with a tenth-scale one shows how each grows with the data: the statement
counts must not.

With ``--bare`` each run of a case is followed by a request for the bare page (``bench/bare_app.py``: a bare
Flask + SQLAlchemy app answering one indexed 25-row query on the agreements table with a trivial template) on
the same database, in the same process, with the app's engine options (A, B, A, B…); each case's row gains
the bare page's p50 over the runs interleaved with it and the ratio of the case's p50 to it, and each
database gains a row for the bare page over all its runs. The machine's load average is printed first and
last: figures taken under load are not comparable with figures taken idle, their ratios more nearly so.

It is a script, not a test: nothing fails when it is slow. Run from the repository root:

    .venv/bin/python bench/pages.py \\
        --db national-sqlite=sqlite:////tmp/sopimuspolku_national.sqlite3 \\
        --db tenth-sqlite=sqlite:////tmp/sopimuspolku_tenth.sqlite3 \\
        --db national-pg=postgresql://postgres@127.0.0.1:5432/sopimuspolku_national \\
        --db tenth-pg=postgresql://postgres@127.0.0.1:5432/sopimuspolku_tenth [--bare]
"""

import argparse
import contextvars
import os
import time
from collections.abc import Callable
from contextlib import contextmanager

import bare_app
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


def timed(run: Callable[[], object]) -> float:
    """Milliseconds one call of ``run`` takes."""
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def measure(
    run: Callable[[], object], engine, repeats: int, baseline: Callable[[], object] | None = None
) -> tuple[list[float], int, list[float]]:
    """Milliseconds of ``repeats`` runs of ``run`` (after two warm-ups) and the statements of one; with a
    ``baseline``, each run is followed by one of it (A, B, A, B…), whose milliseconds come third."""
    for _ in range(2):
        run()
        if baseline is not None:
            baseline()
    samples, statements, bare = [], 0, []
    for _ in range(repeats):
        with counted_statements(engine) as count:
            samples.append(timed(run))
        statements = count[0]
        if baseline is not None:
            bare.append(timed(baseline))
    return samples, statements, bare


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


def bare_page(app) -> tuple[Callable[[], object], object]:
    """A request for the bare page on ``app``'s database with its engine options, and the bare engine."""
    bare = bare_app.create_app(app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    with bare.app_context():
        engine = bare_app.db.engine
    return page(bare.test_client(), bare_app.PATH), engine


def bench_database(label: str, url: str, repeats: int, only: str = "", bare: bool = False) -> list[tuple]:
    """Every measurement on one database, as rows for the report: label, agreements, case, milliseconds,
    statements and the bare page's milliseconds interleaved with the case (empty without ``bare``)."""
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
        baseline, bare_engine = bare_page(app) if bare else (None, None)
        rows = [
            (label, size, name, *measure(run, db.engine, repeats, baseline))
            for name, run in cases
            if only in name
        ]
        if baseline is not None:
            with counted_statements(bare_engine) as count:
                baseline()
            every_bare = [ms for *_, interleaved in rows for ms in interleaved]
            rows.append((label, size, BARE_CASE, every_bare, count[0], every_bare))
            bare_engine.dispose()
        db.session.remove()
        db.engine.dispose()
    return rows


#: The bare page's row in the report.
BARE_CASE = "bare page (one indexed 25-row query)"

HEADER = (
    f"{'database':<16} {'agreements':>10}  {'case':<46} {'min ms':>7} {'p50 ms':>7} {'p95 ms':>7}"
    f" {'max ms':>7} {'SQL':>4}"
)


def report_line(row: tuple) -> str:
    """A row of the report: min, p50, p95 and max milliseconds and statements; with the bare page measured,
    its p50 over the runs interleaved with the case and the case's p50 as a multiple of it."""
    database, size, name, samples, statements, bare = row
    p50 = percentile(samples, 0.5)
    figures = (min(samples), p50, percentile(samples, 0.95), max(samples))
    line = f"{database:<16} {size:>10}  {name:<46} " + " ".join(f"{ms:>7.1f}" for ms in figures)
    line += f" {statements:>4}"
    if bare:
        bare_p50 = percentile(bare, 0.5)
        line += f" {bare_p50:>8.1f} {p50 / bare_p50:>7.2f}×"
    return line


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="label=database URL; give several")
    parser.add_argument("--n", type=int, default=30, help="measured runs of each case (default 30)")
    parser.add_argument("--only", default="", help="only the cases whose name holds this text")
    parser.add_argument(
        "--bare", action="store_true", help="interleave the bare page with each case and print the ratio"
    )
    args = parser.parse_args()
    print(f"load average: {load_average()} ({os.cpu_count()} CPUs)")
    print(HEADER + (f" {'bare p50':>8} {'× bare':>8}" if args.bare else ""))
    for spec in args.db:
        label, _, url = spec.partition("=")
        for row in bench_database(label, url, args.n, args.only, args.bare):
            print(report_line(row))
    print(f"load average: {load_average()}")


if __name__ == "__main__":
    main()
