"""Benchmark: how long one agreement document takes through the app's path and through bare docxtpl.

For every shipped template in agreement_templates/ (the test package from tests/support when there is
none) and both document languages, it renders one generated agreement N times

- through the app: ``documents.version_document`` on an in-memory SQLite database holding the synced
  template and the agreement (loading the parties, building the context, sandboxed docxtpl render), and
- through bare docxtpl: ``DocxTemplate(...).render(context, autoescape=True)`` with docxtpl's default,
  unsandboxed Jinja environment and the same context, built once,

and prints milliseconds per document for both and their ratio. It is a script, not a test: nothing fails
when it is slow.

Run from the repository root:

    .venv/bin/python bench/render_templates.py            # 50 renders of each template and language
    .venv/bin/python bench/render_templates.py --n 200    # more renders for steadier numbers
"""

import argparse
import io
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from docxtpl import DocxTemplate

from agreements import create_app
from agreements.drafting.documents import version_context, version_document
from agreements.drafting.models import Agreement, AgreementVersion
from agreements.extensions import db
from agreements.organisations.models import Language, Organisation, OrganisationKind, Region
from agreements.templates_lib.fields import sample_value
from agreements.templates_lib.models import TemplateSource, TemplateVersion
from agreements.templates_lib.operations import add_template_version, sync_shipped_templates
from config import TestingConfig

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = ROOT / "agreement_templates"


class BenchConfig(TestingConfig):
    """The test configuration on a private in-memory database."""

    SQLALCHEMY_DATABASE_URI = "sqlite://"


def load_templates() -> list[TemplateVersion]:
    """The shipped templates, synced into the database; the test package when none is shipped."""
    results = sync_shipped_templates(TEMPLATES_DIR)
    if not results:
        print("No shipped templates in agreement_templates/: using the test package.")
        add_template_version(*test_package(), TemplateSource.SHIPPED)
    db.session.flush()
    return list(db.session.scalars(db.select(TemplateVersion).order_by(TemplateVersion.id)))


def test_package() -> tuple[bytes, dict[str, bytes]]:
    """The package the test suite uses (every field type), from tests/support in the repository."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.support.template_package import package

    return package()


def make_parties() -> list[Organisation]:
    """A workshop and a provider in Pirkanmaa."""
    region = Region(code="06", name_fi="Pirkanmaa", name_sv="Birkaland")
    parties = [
        Organisation(kind=kind, name=name, business_id="0737546-2", region=region, municipality="Tampere")
        for kind, name in (
            (OrganisationKind.WORKSHOP, "Työpaja Pajala"),
            (OrganisationKind.PROVIDER, "Ammattiopisto <Åbo> & Öja"),
        )
    ]
    db.session.add_all(parties)
    db.session.flush()
    return parties


def make_agreement(number: int, template_version: TemplateVersion, language: Language, parties) -> Agreement:
    """An agreement with one version whose every field holds a sample value."""
    header = {
        "title": "Yhteistyösopimus työelämässä oppimisesta",
        "start_date": date(2026, 8, 1),
        "end_date": date(2027, 7, 31),
        "notice_period_months": 3,
        "auto_renew": True,
    }
    values = {field["key"]: sample_value(field) for field in template_version.fields}
    agreement = Agreement(
        reference=f"SOP-2026-{number:04d}",
        template_version=template_version,
        language=language,
        owner=parties[0],
        parties=parties,
        current_version_number=1,
        **header,
    )
    agreement.versions.append(
        AgreementVersion(number=1, party_ids=[party.id for party in parties], values=values, **header)
    )
    db.session.add(agreement)
    db.session.flush()
    return agreement


def ms_per_call(function: Callable[[], object], n: int) -> float:
    """Milliseconds per call of ``function`` over ``n`` calls, after one warm-up call."""
    function()
    start = time.perf_counter()
    for _ in range(n):
        function()
    return (time.perf_counter() - start) * 1000 / n


def bare_docxtpl(template_bytes: bytes, context: dict) -> Callable[[], bytes]:
    """A render with docxtpl alone: its default Jinja environment, autoescaping so the output is valid."""

    def render() -> bytes:
        document = DocxTemplate(io.BytesIO(template_bytes))
        document.render(context, autoescape=True)
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()

    return render


def measure(n: int) -> list[tuple[str, str, float, float]]:
    """(template key, language, app ms, bare ms) for every template and document language."""
    rows = []
    parties = make_parties()
    for template_version in load_templates():
        for language in Language:
            agreement = make_agreement(len(rows) + 1, template_version, language, parties)
            version = agreement.latest_version
            template_bytes = template_version.docx(language.value)
            app_ms = ms_per_call(lambda version=version: version_document(version), n)
            bare_ms = ms_per_call(bare_docxtpl(template_bytes, version_context(version)), n)
            rows.append((template_version.template.key, language.value, app_ms, bare_ms))
    return rows


def print_table(rows: list[tuple[str, str, float, float]], n: int) -> None:
    print(f"\nms per document, mean of {n} renders each\n")
    print(f"{'template':<24} {'lang':<5} {'app':>9} {'docxtpl':>9} {'ratio':>7}")
    for key, language, app_ms, bare_ms in rows:
        print(f"{key:<24} {language:<5} {app_ms:>9.1f} {bare_ms:>9.1f} {app_ms / bare_ms:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="renders per template and language (default 50)")
    arguments = parser.parse_args()
    app = create_app(BenchConfig)
    with app.app_context():
        db.create_all()
        print_table(measure(arguments.n), arguments.n)


if __name__ == "__main__":
    main()
