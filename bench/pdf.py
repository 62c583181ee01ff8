"""Benchmark: PDFs made once: the app's converter against a bare warm soffice, and the stored PDF's download.

1. Conversion. The .docx of one agreement version on the database is converted by the app's converter
   (``agreements/templates_lib/converter.py``: a kept profile of the pool, held with its file lock, one
   LibreOffice run) and by a bare warm ``soffice --headless --norestore --convert-to pdf`` (the converter's
   own command line) in a profile of its own that is kept for the whole run, interleaved (A, B, then B, A,
   and so on) after one warm-up of each (which builds the profiles).
   Prints min, median and max seconds of each and the ratio of the medians (the target is at most 1.2×).
2. Download. The PDF download of that version through the app as a national administrator: the first one
   (it converts and stores the PDF unless it is stored already), then N downloads of the stored PDF, each
   followed by a request for the bare page (``bench/bare_app.py``) on the same database (A, B, A, B…).
   Prints min, p50, p95 and max milliseconds (the target is at most 30 ms) and the ratio to the bare page.

The machine's load average is printed first and last. It is a script, not a test: nothing fails when it is
slow. The download stores the version's PDF (a row of ``version_pdfs``), so run it on a copy, never on a
shared benchmark database:

    createdb -h 127.0.0.1 -U postgres -T bench_national bn_pdf
    .venv/bin/python bench/pdf.py --db postgresql://postgres@127.0.0.1:5432/bn_pdf [--n 7] [--downloads 50]
    dropdb -h 127.0.0.1 -U postgres bn_pdf
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from pages import bare_page, bench_app, load_average, logged_in_client, page, percentile, timed
from sqlalchemy import select

from agreements.drafting.documents import version_document
from agreements.drafting.models import Agreement
from agreements.extensions import db
from agreements.templates_lib import converter


def chosen_version():
    """The latest version of the first agreement made from a template (its document can be converted)."""
    query = select(Agreement).where(Agreement.template_version_id.is_not(None)).order_by(Agreement.id)
    return db.session.scalars(query.limit(1)).one().latest_version


def bare_soffice(docx: bytes, profile: Path) -> float:
    """Seconds of one bare soffice run converting ``docx`` in the kept ``profile``, with the converter's
    flags, so that the ratio is the cost of the converter around it (queue, lock, files)."""
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as workdir:
        source = Path(workdir) / "document.docx"
        source.write_bytes(docx)
        command = converter.soffice_command(converter._soffice(), profile, source)  # the same flags
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)  # noqa: S603 - our own arguments
        seconds = time.perf_counter() - started
        assert source.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    return seconds


def app_converter(docx: bytes) -> float:
    """Seconds of one conversion by the app's converter."""
    started = time.perf_counter()
    assert converter.convert_to_pdf(docx).startswith(b"%PDF")
    return time.perf_counter() - started


def spread(samples: list[float], scale: float = 1.0) -> str:
    return (
        f"min {min(samples) * scale:8.2f}  median {statistics.median(samples) * scale:8.2f}  "
        f"max {max(samples) * scale:8.2f}"
    )


def bench_conversion(docx: bytes, rounds: int, workdir: Path) -> None:
    """The app's converter and a bare warm soffice, interleaved, after one warm-up each."""
    profile = workdir / "bare-profile"
    bare_soffice(docx, profile)
    app_converter(docx)
    ours, bare = [], []
    for round_number in range(rounds):  # A, B then B, A: neither always runs first
        if round_number % 2:
            bare.append(bare_soffice(docx, profile))
            ours.append(app_converter(docx))
        else:
            ours.append(app_converter(docx))
            bare.append(bare_soffice(docx, profile))
    ratio = statistics.median(ours) / statistics.median(bare)
    print(f"conversion of a {len(docx) // 1024} KiB .docx, {rounds} runs each, seconds")
    print(f"  app converter   {spread(ours)}")
    print(f"  bare soffice    {spread(bare)}")
    print(f"  ratio of medians {ratio:.2f}× (target ≤ 1.2×)")


def bench_download(app, admin, agreement_id: int, number: int, downloads: int) -> None:
    """The first download, then the stored PDF's downloads interleaved with the bare page."""
    client = logged_in_client(app, admin)
    download = page(client, f"/agreements/{agreement_id}/versions/{number}.pdf")
    bare, _engine = bare_page(app)
    print(f"first download (converts unless stored): {timed(download):.0f} ms")
    for _ in range(2):
        download()
        bare()
    ours, baseline = [], []
    for _ in range(downloads):
        ours.append(timed(download))
        baseline.append(timed(bare))
    p50, bare_p50 = percentile(ours, 0.5), percentile(baseline, 0.5)
    print(f"stored PDF download, {downloads} requests, ms")
    print(
        f"  download   min {min(ours):6.1f}  p50 {p50:6.1f}  p95 {percentile(ours, 0.95):6.1f}  "
        f"max {max(ours):6.1f}  (target ≤ 30 ms)"
    )
    print(
        f"  bare page  min {min(baseline):6.1f}  p50 {bare_p50:6.1f}  p95 {percentile(baseline, 0.95):6.1f}  "
        f"max {max(baseline):6.1f}"
    )
    print(f"  ratio of p50s {p50 / bare_p50:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL (a copy: the download stores a PDF)")
    parser.add_argument("--n", type=int, default=7, help="conversions of each kind (default 7)")
    parser.add_argument("--downloads", type=int, default=50, help="stored PDF downloads (default 50)")
    args = parser.parse_args()
    if not converter.pdf_available():
        raise SystemExit("LibreOffice (soffice) is not installed")
    print(f"load average: {load_average()} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as workdir:
        app, admin = bench_app(args.db)
        app.config["PDF_CONVERTER_DIR"] = str(Path(workdir) / "pool")  # a queue of its own
        with app.app_context():
            version = chosen_version()
            agreement_id, number = version.agreement_id, version.number
            bench_conversion(version_document(version), args.n, Path(workdir))
        bench_download(app, admin, agreement_id, number, args.downloads)
    print(f"load average: {load_average()}")


if __name__ == "__main__":
    main()
