"""Benchmark: the scheduler's reminder scan with nothing due, against one indexed 25-row query.

For each database given (``label=URL``), it first sends what is due now (as the scheduler's run would, and
commits: run it on a copy), then runs the scan N times with nothing left to send, each run followed by the
bare baseline (A, B, A, B…): the newest 25 agreements by id, one indexed query through the same engine. It
prints min/median/max milliseconds of each, the ratio of the medians, the scan's SQL statements and the rows
they return, the process's own CPU milliseconds per scan (Python's share, steadier under load than wall
time) and the load average before and after.

It is a script, not a test: nothing fails when it is slow. Run from the repository root, on a copy:

    createdb -h 127.0.0.1 -U postgres -T sopimuspolku_national bench_scan
    .venv/bin/python bench/reminders.py --db national-pg=postgresql+psycopg://postgres@127.0.0.1:5432/bench_scan
    dropdb -h 127.0.0.1 -U postgres bench_scan
"""

import argparse
import os
import statistics
import time
from contextlib import contextmanager

from pages import bench_app, reminder_scan, timed
from sqlalchemy import event, text

from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.reminders.jobs import send_reminders

#: The bare baseline: one indexed 25-row query.
BARE_SQL = text("select id, reference, title, status from agreements order by id desc limit 25")


@contextmanager
def counted(engine):
    """Statements run inside the block and the rows they fetch: the yielded list, [statements, rows]."""
    tally = [0, 0]

    def statement(*_args):
        tally[0] += 1

    def fetched(connection, cursor, *_args):
        tally[1] += max(cursor.rowcount, 0)

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "after_cursor_execute", fetched)
    try:
        yield tally
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "after_cursor_execute", fetched)


def bare() -> None:
    with db.engine.connect() as connection:
        connection.execute(BARE_SQL).all()


def spread(samples: list[float]) -> str:
    return " ".join(f"{f(samples):>7.1f}" for f in (min, statistics.median, max))


def bench_database(label: str, url: str, repeats: int) -> None:
    app, _admin = bench_app(url)
    with app.app_context():
        sent = send_reminders(utcnow())
        db.session.commit()
        reminder_scan(), bare()  # warm-up
        with counted(db.engine) as tally:
            queued = reminder_scan()
        scans, bares, cpu = [], [], []
        for _ in range(repeats):
            started = time.process_time()
            scans.append(timed(reminder_scan))
            cpu.append((time.process_time() - started) * 1000)
            bares.append(timed(bare))
        ratio = statistics.median(scans) / statistics.median(bares)
        print(
            f"{label:<12} sent first {sent:>4} | scan {spread(scans)} | bare {spread(bares)} | {ratio:>6.1f}×"
            f" | {tally[0]} statements, {tally[1]} rows, {queued} queued"
            f" | scan's own CPU ms (without the database's) {spread(cpu)}"
        )
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="label=database URL; give several")
    parser.add_argument("--n", type=int, default=20, help="measured runs of each (default 20)")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'database':<12} {'':<15} | scan ms: min  median     max | bare ms: same | ratio | rows read")
    for spec in args.db:
        label, _, url = spec.partition("=")
        bench_database(label, url, args.n)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
