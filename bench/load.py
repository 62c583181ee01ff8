"""Benchmark: pages as a real gunicorn serves them under load, against the bare page served the same way.

It starts two gunicorns with the same settings (``--workers`` sync workers each, on loopback): the app's
production entry point (``wsgi:app``, as under "Production deployment" in the README) and the bare app
(``bench/bare_app.py``: one indexed 25-row query on the agreements table, a trivial template) on the same
database. It logs in through the login form as each ``--user`` (cookies kept), and for each user's pages —
the agreement list (default sort, first page), a deep page of it, an agreement's page and the dashboard —
drives the app with ``--clients`` threads of http.client for ``--seconds``, then the bare page for as long
(the order swapped every other round, A B, B A…). It prints requests per second and p50/p95/p99
milliseconds of each, the page's throughput as a multiple of the bare page's run beside it and its p50 as a
multiple of the bare p50, then each gunicorn worker's RSS after the run (from /proc) and the machine's load
average before and after. The client threads run on the same machine and take CPU from both servers alike.

Before the run, and before each dashboard run, the dashboard's refresh job runs once as the scheduler
would, so the dashboard is served from the scheduler's count. That writes the count into the database: run
the bench on a copy (``createdb -T``) after ``flask --app agreements db upgrade`` on it.

It is a script, not a test: nothing fails when it is slow. Run from the repository root:

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_load .venv/bin/python bench/load.py \\
        --user admin-1@… --user coordinator-1@… --password Sopimuspolku-demo-2026 --seconds 10
"""

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
USER_AGENT = "sopimuspolku-bench-load"

#: The dashboard's refresh job once, as the scheduler runs it.
REFRESH = """
from wsgi import app
from agreements.dashboard.jobs import refresh
from agreements.extensions import db
with app.app_context():
    refresh()
    db.session.commit()
"""


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mib(pid: int) -> float:
    """The process's resident set size in MiB (Linux)."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # The command may hold spaces and parentheses; the fields after its closing one are plain.
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry))
    return sorted(found)


def environment(database_url: str, port: int) -> dict[str, str]:
    """The production configuration's environment for a server on loopback that sends no mail."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "SESSION_COOKIE_SECURE": "0",
        "MAIL_TRANSPORT": "none",
    }


class Server:
    """A gunicorn serving ``app`` with ``workers`` sync workers on a free loopback port."""

    def __init__(self, name: str, app: str, chdir: Path, database_url: str, workers: int) -> None:
        self.name = name
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            prefix=f"bench-load-{name}-", suffix=".log", delete=False
        )
        command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
            [*command, "--chdir", str(chdir), app],
            env=environment(database_url, self.port),
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )

    def wait_ready(self, path: str, timeout: float = 120) -> None:
        """Wait until ``path`` answers; fail with the server's log if it stops or never answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} gunicorn stopped:\n{Path(self.log.name).read_text()}")
            try:
                if fetch(self.port, path, "")[0] < 500:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"{self.name} gunicorn did not answer {path}; log in {self.log.name}")

    def worker_rss(self) -> list[float]:
        """Each worker's resident set size in MiB."""
        return [rss_mib(pid) for pid in children(self.process.pid)]

    def stop(self) -> None:
        """Stop the server (gunicorn's graceful stop on SIGTERM), killing it if it does not stop."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        os.unlink(self.log.name)


def fetch(port: int, path: str, cookie: str, method: str = "GET", form: dict | None = None):
    """One request on a connection of its own (gunicorn's sync workers close each one): the status, the
    response's headers and its body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"User-Agent": USER_AGENT, "Accept-Language": "fi"}
    if cookie:
        headers["Cookie"] = cookie
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def log_in(port: int, email: str, password: str) -> str:
    """Log in through the login form as the user; the Cookie header of the logged-in session."""
    jar: dict[str, str] = {}

    def keep(headers) -> str:
        for header in headers.get_all("Set-Cookie") or []:
            jar.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        return "; ".join(f"{name}={value}" for name, value in jar.items())

    status, headers, body = fetch(port, "/login", "")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', body)
    if status != 200 or token is None:
        raise SystemExit(f"the login page answered {status} without a CSRF token")
    form = {"csrf_token": (token[1] or token[2]).decode(), "email": email, "password": password}
    status, headers, _ = fetch(port, "/login", keep(headers), "POST", form)
    cookie = keep(headers)
    if status != 302 or fetch(port, "/", cookie)[0] != 200:
        raise SystemExit(f"could not log in as {email} (the login answered {status})")
    return cookie


def user_pages(port: int, cookie: str, deep: str, agreement: str) -> list[tuple[str, str]]:
    """The pages measured for a user: the list's first page, a deep page (the last one the first page links
    to — its last page —, unless given), an agreement's page (the list's first, unless given) and the
    dashboard."""
    _, _, body = fetch(port, "/agreements/", cookie)
    if not deep:
        pages = [int(number) for number in re.findall(rb"[?&](?:amp;)?page=(\d+)", body)]
        last = re.search(rb'href="(/agreements/\?last=1)"', body)  # keyset pages link the last, not numbers
        deep = f"/agreements/?page={max(pages)}" if pages else last.group(1).decode() if last else ""
    if not agreement:
        found = re.search(rb'href="(/agreements/\d+)"', body)
        agreement = found[1].decode() if found else ""
    pages = [("agreement list", "/agreements/"), ("agreement list, deep", deep)]
    pages += [("agreement page", agreement), ("dashboard", "/dashboard/")]
    return [(name, path) for name, path in pages if path]


@dataclass
class Run:
    """The milliseconds of the answered requests of one or more runs, their seconds and other answers."""

    samples: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    #: Requests per second of each run added.
    rates: list[float] = field(default_factory=list)

    def add(self, other: "Run") -> None:
        self.samples += other.samples
        self.seconds += other.seconds
        self.errors += other.errors
        self.rates += other.rates or [other.rate()]

    def rate(self) -> float:
        return len(self.samples) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """The ``share`` (0–1) percentile, by the nearest rank."""
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def drive(port: int, path: str, cookie: str, seconds: float, clients: int) -> Run:
    """``clients`` threads requesting ``path`` one request after another for ``seconds``."""
    started = time.perf_counter()
    deadline = started + seconds
    runs = [Run() for _ in range(clients)]

    def client(run: Run) -> None:
        while (begun := time.perf_counter()) < deadline:
            try:
                status = fetch(port, path, cookie)[0]
            except (OSError, http.client.HTTPException):
                status = 0
            if status == 200:
                run.samples.append((time.perf_counter() - begun) * 1000)
            else:
                run.errors += 1

    threads = [threading.Thread(target=client, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Run(seconds=time.perf_counter() - started)
    for run in runs:
        total.samples += run.samples
        total.errors += run.errors
    return total


def refresh_count(database_url: str) -> None:
    """The dashboard's refresh job once, as the scheduler runs it, in a process of its own."""
    subprocess.run(  # noqa: S603 - our own interpreter with fixed code
        [sys.executable, "-c", REFRESH], cwd=ROOT, env=environment(database_url, 0), check=True
    )


def describe(name: str, run: Run, bare: Run) -> str:
    """A row of the report: answers, requests/s, p50/p95/p99 ms and other answers; the bare run's
    requests/s, the page's requests/s as a multiple of it and its p50 as a multiple of the bare p50."""
    if not run.samples:
        return f"{name:<60} {0:>7} {'':>31} {run.errors:>4}"
    figures = " ".join(f"{run.percentile(share):>7.1f}" for share in (0.5, 0.95, 0.99))
    line = f"{name:<60} {len(run.samples):>7} {run.rate():>7.1f} {figures} {run.errors:>4}"
    if bare.samples and run is not bare:
        times = run.percentile(0.5) / bare.percentile(0.5)
        line += f" {bare.rate():>7.1f} {run.rate() / bare.rate():>7.3f}× {times:>6.2f}×"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), help="default DATABASE_URL")
    parser.add_argument("--user", action="append", required=True, help="a login's e-mail; give several")
    parser.add_argument("--password", default="Sopimuspolku-demo-2026", help="the users' password")
    parser.add_argument("--seconds", type=float, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before each first run")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server (default 2)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each page and its bare run")
    parser.add_argument("--deep", default="", help="the deep list page's path (default: the last linked)")
    parser.add_argument(
        "--agreement", default="", help="the agreement page's path (default: the list's first)"
    )
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    print(f"load average: {load_average()} ({os.cpu_count()} CPUs)")
    refresh_count(args.database_url)
    app = Server("app", "wsgi:app", ROOT, args.database_url, args.workers)
    bare = Server("bare", "bare_app:create_app()", ROOT / "bench", args.database_url, args.workers)
    try:
        app.wait_ready("/login")
        bare.wait_ready("/")
        print(
            f"gunicorn -w {args.workers} wsgi:app and bare_app:create_app(); client threads: {args.clients};"
            f" {args.seconds:g} s per page and as long on the bare page, {args.rounds} round(s)"
        )
        header = f"{'page (user) path':<60} {'answers':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"
        print(header + f" {'p99 ms':>7} {'err':>4} {'bare/s':>7} {'× req/s':>8} {'× p50':>7}")
        bench_users(app, bare, args)
        app_rss, bare_rss = app.worker_rss(), bare.worker_rss()
        line = f"RSS of the workers after the run: app {mib_list(app_rss)} MiB; bare {mib_list(bare_rss)} MiB"
        if app_rss and bare_rss:
            line += f"; largest app worker {max(app_rss) / max(bare_rss):.2f}× the largest bare one"
        print(line)
    finally:
        app.stop()
        bare.stop()
    print(f"load average: {load_average()}")


def mib_list(sizes: list[float]) -> str:
    """Sizes in MiB as ``142.1, 140.3``."""
    return ", ".join(f"{mib:.1f}" for mib in sizes)


def bench_users(app: Server, bare: Server, args) -> None:
    """Each user's pages measured with the bare page beside them, printed; the bare page's total last."""
    every_bare = Run()
    for email in args.user:
        cookie = log_in(app.port, email, args.password)
        for name, path in user_pages(app.port, cookie, args.deep, args.agreement):
            if name == "dashboard":
                refresh_count(args.database_url)
            page_run, bare_run = Run(), Run()
            drive(app.port, path, cookie, args.warmup, args.clients)
            drive(bare.port, "/", "", args.warmup, args.clients)
            for round_number in range(args.rounds):
                pair = [(app.port, path, cookie, page_run), (bare.port, "/", "", bare_run)]
                for port, target, cookie_sent, total in pair[:: -1 if round_number % 2 else 1]:
                    total.add(drive(port, target, cookie_sent, args.seconds, args.clients))
            print(describe(f"{name} ({email.split('@')[0]}) {path}", page_run, bare_run), flush=True)
            every_bare.add(bare_run)
    print(describe("bare page, every run (one indexed 25-row query)", every_bare, every_bare))
    if every_bare.rates:
        spread = (min(every_bare.rates), statistics.median(every_bare.rates), max(every_bare.rates))
        print("bare page's req/s over its runs: min {:.1f}, median {:.1f}, max {:.1f}".format(*spread))


if __name__ == "__main__":
    main()
