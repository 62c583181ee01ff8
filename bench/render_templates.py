"""Benchmark: the .docx download as the app serves it, against a bare docxtpl render of the same document.

On the configured database (DATABASE_URL: a copy of a generated one, e.g. ``createdb -T bench_national``;
the login writes its audit event there), it logs in through the login form as ``--user`` and keeps the
session cookie. For every template version that agreements use and each document language, it takes the
newest such agreement and measures, N times each and interleaved (A B, B A, A B…, so neither side always
runs first):

- the app: ``GET /agreements/<id>/versions/<n>.docx`` through the app's whole WSGI stack — the session
  cookie read and the user loaded (the login), the agreement loaded and its permission checked, the
  context built, the sandboxed and bounded render, the response with its headers — and the body read;
- bare docxtpl: ``DocxTemplate(...).render(context, autoescape=True)`` and ``save`` with docxtpl's default,
  unsandboxed Jinja environment, from the same template bytes and the same context, both made once before.

It counts the CPU time of the process (``time.process_time``) around each run, and the wall time beside it.
The requests go in-process through Flask's test client rather than to a gunicorn worker: the process's CPU
clock then measures each request exactly and on the same clock as the bare render in the same process,
whereas a worker's CPU time can only be read from /proc in 10 ms ticks, the length of a whole render; the
HTTP parsing gunicorn adds is the same for any response and is not what the comparison is about. The test
client's own work (building the request, reading the response) is counted against the app. The database
server's CPU is another process's and is not counted; the wall-time columns include it.

Before measuring, it checks that the app's document holds the same text (word/document.xml) as the bare one.
It prints min, median and max milliseconds for both, the ratio of the app's median CPU time to the bare
one's (the figure that counts) and of the wall-time medians, and the machine's load average first and last.
It is a script, not a test: nothing fails when it is slow.

Run from the repository root:

    createdb -h 127.0.0.1 -U postgres -T bench_national bn_copy
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bn_copy \\
        .venv/bin/python bench/render_templates.py \\
        --user admin-1@demo.sopimuspolku.fi --password Sopimuspolku-demo-2026 --n 50
"""

import argparse
import contextvars
import io
import os
import re
import secrets
import statistics
import time
import zipfile
from collections.abc import Callable

from docxtpl import DocxTemplate
from sqlalchemy import func, select

from agreements import create_app
from agreements.drafting.documents import version_context
from agreements.drafting.models import Agreement, AgreementVersion
from agreements.extensions import db
from agreements.templates_lib.models import TemplateVersion
from config import ProductionConfig


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def production_app():
    """The app as ``wsgi:app`` makes it (the production configuration) on DATABASE_URL, on loopback without
    secure cookies and sending no mail."""

    class Config(ProductionConfig):
        SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = False
        MAIL_TRANSPORT = "none"

    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ.setdefault("BASE_URL", "http://localhost")
    return create_app(Config)


def logged_in_client(app, email: str, password: str):
    """A test client logged in through the login form (CSRF token and all) as ``email``."""
    client = app.test_client()
    page = client.get("/login").get_data()
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page)
    if token is None:
        raise SystemExit("the login page has no CSRF token")
    form = {"csrf_token": (token[1] or token[2]).decode(), "email": email, "password": password}
    response = client.post("/login", data=form)
    if response.status_code != 302 or client.get("/").status_code != 200:
        raise SystemExit(f"could not log in as {email} (the login answered {response.status_code})")
    return client


def cases() -> list[tuple[str, str, int, int]]:
    """(template key and version, language, agreement id, version number): for every template version
    that agreements use and each language, the newest such agreement and its latest version."""
    used = db.session.execute(
        select(Agreement.template_version_id, Agreement.language, func.max(Agreement.id))
        .where(Agreement.template_version_id.is_not(None))
        .group_by(Agreement.template_version_id, Agreement.language)
        .order_by(Agreement.template_version_id, Agreement.language)
    ).all()
    found = []
    for template_version_id, language, agreement_id in used:
        template_version = db.session.get(TemplateVersion, template_version_id)
        agreement = db.session.get(Agreement, agreement_id)
        name = f"{template_version.template.key} v{template_version.number}"
        found.append((name, language.value, agreement_id, agreement.latest_version.number))
    return found


def bare_render(agreement_id: int, number: int) -> Callable[[], bytes]:
    """A render with docxtpl alone, of the template bytes and the context the app would use, both made
    now: docxtpl's default Jinja environment, autoescaping so the output is valid."""
    version = db.session.scalar(
        select(AgreementVersion).where(
            AgreementVersion.agreement_id == agreement_id, AgreementVersion.number == number
        )
    )
    agreement = version.agreement
    template_bytes = agreement.template_version.docx(agreement.language.value)
    context = version_context(version)

    def render() -> bytes:
        document = DocxTemplate(io.BytesIO(template_bytes))
        document.render(context, autoescape=True)
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()

    return render


def download(client, path: str) -> Callable[[], bytes]:
    """The app's download of ``path``, in a context of its own as on a server, its body read."""

    def run() -> bytes:
        response = contextvars.Context().run(client.get, path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data()

    return run


def document_xml(docx: bytes) -> bytes:
    """The body of a .docx (word/document.xml)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read("word/document.xml")


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """CPU milliseconds of the process and wall milliseconds of one call of ``run``."""
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def interleaved(app_run: Callable, bare_run: Callable, n: int) -> tuple[list, list]:
    """``n`` timings of each, after two warm-ups of each, alternating which of the two runs first."""
    for _ in range(2):
        app_run()
        bare_run()
    app_times, bare_times = [], []
    for round_ in range(n):
        if round_ % 2:
            bare_times.append(timed(bare_run))
            app_times.append(timed(app_run))
        else:
            app_times.append(timed(app_run))
            bare_times.append(timed(bare_run))
    return app_times, bare_times


def spread(samples: list[float]) -> str:
    """min / median / max, in milliseconds."""
    return f"{min(samples):6.1f} {statistics.median(samples):6.1f} {max(samples):6.1f}"


def report_line(name: str, language: str, app_times: list, bare_times: list) -> str:
    """The case's CPU and wall milliseconds (min, median, max) for the app and bare docxtpl, and the ratios
    of the medians."""
    app_cpu, app_wall = zip(*app_times, strict=True)
    bare_cpu, bare_wall = zip(*bare_times, strict=True)
    cpu_ratio = statistics.median(app_cpu) / statistics.median(bare_cpu)
    wall_ratio = statistics.median(app_wall) / statistics.median(bare_wall)
    return (
        f"{name:<22} {language:<4} {spread(app_cpu)}  {spread(bare_cpu)} {cpu_ratio:6.2f}×"
        f"  {statistics.median(app_wall):6.1f} {statistics.median(bare_wall):6.1f} {wall_ratio:6.2f}×"
    )


HEADER = (
    f"{'template':<22} {'lang':<4} {'app CPU ms min/med/max':>20}  {'bare CPU ms min/med/max':>20}"
    f" {'CPU ×':>7}  {'wall ms app/bare (med)':>13} {'wall ×':>7}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="admin-1@demo.sopimuspolku.fi", help="the login's e-mail")
    parser.add_argument("--password", default="Sopimuspolku-demo-2026", help="the login's password")
    parser.add_argument("--n", type=int, default=50, help="measured runs of each side per case (default 50)")
    parser.add_argument("--only", default="", help="only the cases whose template name holds this text")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to the database to measure on (a copy: the login writes to it)")
    print(f"load average: {load_average()} ({os.cpu_count()} CPUs)")
    app = production_app()
    with app.app_context():
        client = logged_in_client(app, args.user, args.password)
        measured = []
        for name, language, agreement_id, number in cases():
            if args.only not in name:
                continue
            app_run = download(client, f"/agreements/{agreement_id}/versions/{number}.docx")
            bare_run = bare_render(agreement_id, number)
            db.session.remove()  # nothing loaded stays for the app's requests
            if document_xml(app_run()) != document_xml(bare_run()):
                raise SystemExit(f"{name} {language}: the app's document differs from bare docxtpl's")
            measured.append((name, language, *interleaved(app_run, bare_run, args.n)))
        print(f"{args.n} downloads and {args.n} bare renders per case, interleaved; {db.engine.dialect.name}")
        print(HEADER)
        for row in measured:
            print(report_line(*row))
    print(f"load average: {load_average()}")


if __name__ == "__main__":
    main()
