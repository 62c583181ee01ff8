"""Benchmark: the agreement list's and the dashboard's exports against bare psycopg + csv/openpyxl.

For each database given (``label=URL``, e.g. one made with ``flask demo generate --scale national``), it
downloads each export N times through the app as a national administrator, whole (the streamed body read to
its end), interleaved with a bare baseline that writes the same rows: the same columns read by one SQL
statement through the driver's cursor and written by ``csv.writer`` or openpyxl's write-only workbook. It
prints min/median/max milliseconds of each, the ratio of the medians, and the process's RSS after a
warm-up run of each and after the measured runs.

It is a script, not a test: nothing fails when it is slow. Run from the repository root:

    .venv/bin/python bench/exports.py --db national-pg=postgresql+psycopg://postgres@127.0.0.1:5432/NAME
"""

import argparse
import contextvars
import csv
import io
import os
import statistics
import time
from collections.abc import Callable
from datetime import date

from openpyxl import Workbook
from pages import bench_app, logged_in_client
from sqlalchemy import func, select

from agreements.drafting.models import Agreement
from agreements.extensions import db

#: The columns an agreement export holds, as one statement reads them (parties joined by name).
BARE_SQL = """
select a.reference, a.title,
       (select string_agg(o.name, ', ' order by o.name) from agreement_parties p
        join organisations o on o.id = p.organisation_id where p.agreement_id = a.id),
       a.status, a.start_date, a.end_date, a.notice_deadline
from agreements a {where} order by a.updated_at desc, a.id desc
"""

#: Bare cases: the rows of an app case, by the condition on the agreements.
IN_FORCE = (
    "where a.status in ('signed', 'terminated') and a.start_date <= current_date"
    " and (a.end_date is null or a.end_date >= current_date)"
)


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
    """The same rows read through the driver and written by csv or openpyxl write-only; the file's size."""

    def run():
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql(BARE_SQL.format(where=where))
            if fmt == "csv":
                buffer = io.StringIO()
                csv.writer(buffer, delimiter=";").writerows(rows)
                return len(buffer.getvalue().encode())
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet()
            for row in rows:
                sheet.append(tuple(row))
            buffer = io.BytesIO()
            workbook.save(buffer)
            return len(buffer.getvalue())

    return run


def interleaved(app_run, bare_run, repeats: int) -> tuple[list[float], list[float]]:
    """Milliseconds of each run of ``app_run`` and ``bare_run`` in turn."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for run, samples in zip((app_run, bare_run), times, strict=True):
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
    return times


def bench_database(label: str, url: str, repeats: int, only: str) -> None:
    """Every export case on one database, printed."""
    app, admin = bench_app(url)
    with app.app_context():
        in_force = db.session.scalar(
            select(func.count()).select_from(Agreement).where(Agreement.in_force_on(date.today()))
        )
        client = logged_in_client(app, admin)
        cases = [
            ("agreement list CSV, all", "/agreements/export.csv", "csv", ""),
            ("agreement list XLSX, all", "/agreements/export.xlsx", "xlsx", ""),
            (f"dashboard in force CSV ({in_force})", "/dashboard/list/in_force.csv", "csv", IN_FORCE),
            (f"dashboard in force XLSX ({in_force})", "/dashboard/list/in_force.xlsx", "xlsx", IN_FORCE),
        ]
        for name, path, fmt, where in cases:
            if only not in name:
                continue
            app_run, bare_run = download(client, path), bare(fmt, where)
            app_run(), bare_run()  # warm-up
            before = rss_mib()
            app_times, bare_times = interleaved(app_run, bare_run, repeats)
            after = rss_mib()
            ratio = statistics.median(app_times) / statistics.median(bare_times)
            print(
                f"{label:<12} {name:<34} "
                + " ".join(f"{f(app_times):>7.0f}" for f in (min, statistics.median, max))
                + " |"
                + " ".join(f"{f(bare_times):>7.0f}" for f in (min, statistics.median, max))
                + f" | {ratio:>5.2f}× | RSS {before:.0f}→{after:.0f} MiB"
            )
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="label=database URL; give several")
    parser.add_argument("--n", type=int, default=5, help="measured runs of each case (default 5)")
    parser.add_argument("--only", default="", help="only the cases whose name holds this text")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'database':<12} {'case':<34} {'app ms: min    median     max':>23} | bare ms: same | ratio")
    for spec in args.db:
        label, _, url = spec.partition("=")
        bench_database(label, url, args.n, args.only)


if __name__ == "__main__":
    main()
