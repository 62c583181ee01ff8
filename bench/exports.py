"""Benchmark: the agreement list's and the dashboard's exports against bare psycopg + csv/openpyxl.

For each database given (``label=URL``, e.g. one made with ``flask demo generate --scale national``), it
downloads each export N times through the app as a national administrator, whole (the streamed body read to
its end), interleaved (A, B, A, B…) with a bare baseline that writes the same rows: the same columns read by
one SQL statement (parties aggregated by the database) through the driver's own cursor — a server-side one
on PostgreSQL — without SQLAlchemy, and written by ``csv.writer`` to a text buffer in pieces or by
openpyxl's write-only workbook. It prints min/median/max milliseconds of each, the ratio of the medians, and
the load average before and after.

Memory is measured as a gunicorn worker would see it: for each case a fresh process (``--worker``) makes
the app, serves one agreement list page, and then the export (``--exports`` times); it prints its RSS
before the first export, after it and after the last (after a garbage collection each time).

It is a script, not a test: nothing fails when it is slow. Run from the repository root:

    .venv/bin/python bench/exports.py --db national-pg=postgresql+psycopg://postgres@127.0.0.1:5432/NAME
"""

import argparse
import contextvars
import csv
import gc
import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date

from openpyxl import Workbook
from pages import bench_app, logged_in_client
from sqlalchemy import func, select

from agreements.drafting.models import Agreement
from agreements.extensions import db

#: The columns an agreement export holds, as one statement reads them (parties aggregated by name, dates as
#: text: the app writes them as text, as the page shows them).
BARE_SQL = """
select a.reference, a.title, parties.names, a.status,
       {start_date}, {end_date}, {notice_deadline}
from agreements a left join (
    select p.agreement_id, {aggregate} as names
    from agreement_parties p join organisations o on o.id = p.organisation_id group by p.agreement_id
) parties on parties.agreement_id = a.id
{where} order by a.updated_at desc, a.id desc
"""

#: The parties' names joined, by dialect.
AGGREGATES = {
    "postgresql": "string_agg(o.name, ', ' order by o.name)",
    "sqlite": "group_concat(o.name, ', ')",
}

#: A date as text, by dialect.
DAYS = {"postgresql": "to_char(a.{}, 'FMDD.FMMM.YYYY')", "sqlite": "strftime('%d.%m.%Y', a.{})"}

#: Bare cases: the rows of an app case, by the condition on the agreements.
IN_FORCE = (
    "where a.status in ('signed', 'terminated') and a.start_date <= current_date"
    " and (a.end_date is null or a.end_date >= current_date)"
)

#: Rows the bare baseline fetches and writes at a time.
BATCH = 2000


def rss_mib() -> float:
    """The process's resident set size in MiB (Linux)."""
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def download(client, path: str) -> Callable[[], int]:
    """A download of ``path`` read to its end in a context of its own, as a server reads it; its size."""

    def whole() -> int:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        return size

    return lambda: contextvars.Context().run(whole)


def bare(fmt: str, where: str) -> Callable[[], int]:
    """The same rows read through the driver alone and written by csv or openpyxl write-only; the size."""
    dialect = db.engine.dialect.name
    days = {column: DAYS[dialect].format(column) for column in ("start_date", "end_date", "notice_deadline")}
    sql = BARE_SQL.format(aggregate=AGGREGATES[dialect], where=where, **days)

    def rows(cursor):
        cursor.execute(sql)
        while batch := cursor.fetchmany(BATCH):
            yield batch

    def run():
        connection = db.engine.raw_connection()
        try:
            driver = connection.driver_connection
            named = dialect == "postgresql"  # a server-side cursor, as the app's
            cursor = driver.cursor(name="bare_export") if named else driver.cursor()
            size = write_csv(rows(cursor)) if fmt == "csv" else write_xlsx(rows(cursor))
            cursor.close()
            connection.rollback()
            return size
        finally:
            connection.close()

    return run


def write_csv(batches) -> int:
    """Batches of rows written as CSV pieces; their size in bytes."""
    buffer, size = io.StringIO(), 0
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for batch in batches:
        writer.writerows(batch)
        size += len(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
    return size


def write_xlsx(batches) -> int:
    """Batches of rows written to an openpyxl write-only workbook; the file's size."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for batch in batches:
        for row in batch:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return len(buffer.getvalue())


def interleaved(app_run, bare_run, repeats: int) -> tuple[list[float], list[float]]:
    """Milliseconds of each run of ``app_run`` and ``bare_run`` in turn."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for run, samples in zip((app_run, bare_run), times, strict=True):
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
    return times


def cases(in_force: int) -> list[tuple[str, str, str, str]]:
    """Name, path, format and the bare baseline's condition of each case."""
    return [
        ("agreement list CSV, all", "/agreements/export.csv", "csv", ""),
        ("agreement list XLSX, all", "/agreements/export.xlsx", "xlsx", ""),
        (f"dashboard in force CSV ({in_force})", "/dashboard/list/in_force.csv", "csv", IN_FORCE),
        (f"dashboard in force XLSX ({in_force})", "/dashboard/list/in_force.xlsx", "xlsx", IN_FORCE),
    ]


def spread(samples: list[float]) -> str:
    return " ".join(f"{f(samples):>7.0f}" for f in (min, statistics.median, max))


def bench_database(label: str, url: str, repeats: int, only: str, exports: int) -> None:
    """Every export case on one database, printed."""
    app, admin = bench_app(url)
    with app.app_context():
        in_force = db.session.scalar(
            select(func.count()).select_from(Agreement).where(Agreement.in_force_on(date.today()))
        )
        client = logged_in_client(app, admin)
        for name, path, fmt, where in cases(in_force):
            if only not in name:
                continue
            app_run, bare_run = download(client, path), bare(fmt, where)
            app_run(), bare_run()  # warm-up
            app_times, bare_times = interleaved(app_run, bare_run, repeats)
            ratio = statistics.median(app_times) / statistics.median(bare_times)
            memory = worker_rss(url, path, exports)
            times = f"{spread(app_times)} |{spread(bare_times)} | {ratio:>5.2f}×"
            print(f"{label:<12} {name:<34} {times} | {memory}", flush=True)
        db.session.remove()
        db.engine.dispose()


def worker_rss(url: str, path: str, exports: int) -> str:
    """RSS of a fresh worker-like process before its first export of ``path``, after it and after the last."""
    command = [sys.executable, __file__, "--worker", url, path, "--exports", str(exports)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()  # noqa: S603 - our own script


def worker(url: str, path: str, exports: int) -> None:
    """As a worker: the app made, a list page served, then ``exports`` downloads; RSS printed in MiB."""
    app, admin = bench_app(url)
    with app.app_context():
        client = logged_in_client(app, admin)
        contextvars.Context().run(client.get, "/agreements/")
        run = download(client, path)
        gc.collect()
        before = rss_mib()
        run()
        gc.collect()
        first = rss_mib()
        for _ in range(exports - 1):
            run()
        gc.collect()
        print(f"RSS {before:.0f}→{first:.0f}→{rss_mib():.0f} MiB ({first - before:+.0f} after 1st)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", default=[], help="label=database URL; give several")
    parser.add_argument("--n", type=int, default=5, help="measured runs of each case (default 5)")
    parser.add_argument("--only", default="", help="only the cases whose name holds this text")
    parser.add_argument("--exports", type=int, default=3, help="exports in the RSS worker (default 3)")
    parser.add_argument("--worker", nargs=2, metavar=("URL", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker, args.exports)
    if not args.db:
        parser.error("give --db")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{'database':<12} {'case':<34} {'app ms: min  median     max':>23} | bare ms: same | ratio | worker"
    )
    for spec in args.db:
        label, _, url = spec.partition("=")
        bench_database(label, url, args.n, args.only, args.exports)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return None


if __name__ == "__main__":
    main()
