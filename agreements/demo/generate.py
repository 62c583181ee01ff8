"""`flask demo generate`: a realistic data set ten times the real field (or a tenth of that, or a small one
for tests), for demonstrations and benchmarks.

On a database that holds only the migrations' regions and the synced templates it creates networks,
organisations, users with their memberships and coordinators, and four years of agreements with their
versions, comment rounds, signature requests with their signing parties (commitments joined organisation
by organisation), signing contacts, reminders, notifications, sent mail and audit events in valid hash
chains. Ids are given up front and rows go in with Core bulk inserts; the same seed and day give the same
data. Stages: people (generate_people), plans (generate_threads, generate_plan, generate_requests),
agreements (generate_story with generate_reviews, generate_signing, generate_accession, generate_signers
and generate_terms); the global chain is written last, in time order.
"""

import time
from collections import Counter
from contextlib import contextmanager
from datetime import date

from flask import current_app
from sqlalchemy import func, select, text

from agreements.accounts.models import User
from agreements.core.timeutil import helsinki_today
from agreements.demo.generate_audit import global_chain, save_global_head
from agreements.demo.generate_clock import Clock, local_day
from agreements.demo.generate_documents import placeholder_docx, placeholder_pdf
from agreements.demo.generate_notices import Notices
from agreements.demo.generate_people import People, PeopleBuilder
from agreements.demo.generate_plan import Plan
from agreements.demo.generate_signers import Signers
from agreements.demo.generate_story import Story, World
from agreements.demo.generate_threads import plan_agreements
from agreements.demo.generate_values import TEMPLATE_KEYS
from agreements.demo.generate_writer import RowWriter
from agreements.demo.scales import SCALES, GenerateError, GenerateReport, Progress
from agreements.demo.seed import password_hash_for
from agreements.drafting.models import Agreement, ReferenceCounter
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation
from agreements.organisations.queries import all_regions
from agreements.signatures.operations import sha256
from agreements.templates_lib.models import AgreementTemplate, TemplateVersion
from agreements.templates_lib.queries import latest_versions


def generate(
    scale: str, seed: int, today: date | None, password: str, progress: Progress | None = None
) -> GenerateReport:
    """Fill an empty database with the data set of ``scale``; returns a GenerateReport. One commit."""
    _require_empty()
    progress = progress or Progress()
    report, writer = GenerateReport(), RowWriter()
    clock = Clock(today or helsinki_today())
    notices, chain, seed_text = Notices(writer, clock), global_chain(), str(seed)
    with _stage(report, writer, progress, "people"):
        builder = PeopleBuilder(writer, notices, chain, clock, seed_text, password_hash_for(password))
        people = builder.build(SCALES[scale])
        writer.flush()
    with _stage(report, writer, progress, "plans"):
        plans = plan_agreements(people, SCALES[scale].agreements, clock, seed_text)
        last_numbers = _number(plans, writer)
    world = _world(seed_text, clock, writer, notices, people, Signers(seed_text, builder, chain, writer))
    with _stage(report, writer, progress, "agreements"):
        with progress.bar("Agreements", len(plans)) as bar:
            for plan in plans:
                Story(world, plan).write()
                writer.flush_if_full()
                bar.update(1)
        writer.flush()
    with _stage(report, writer, progress, "finish"):
        _finish(last_numbers, writer, chain)
        db.session.commit()
        # Fresh planner statistics: without them the database plans for the empty tables it last saw.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    report.counts = writer.counts
    report.statuses = Counter(
        dict(db.session.execute(select(Agreement.status, func.count()).group_by(Agreement.status)).all())
    )
    report.logins = _logins(people, plans)
    return report


@contextmanager
def _stage(report: GenerateReport, writer: RowWriter, progress: Progress, name: str):
    """Time a stage, count the rows it wrote and tell the progress."""
    started, rows = time.perf_counter(), sum(writer.counts.values())
    yield
    report.stages.append((name, sum(writer.counts.values()) - rows, time.perf_counter() - started))
    progress.stage(*report.stages[-1])


def _require_empty() -> None:
    """Refuse unless the regions and the shipped templates are there and nothing else is."""
    if not all_regions():
        raise GenerateError("The regions are missing: run `flask db upgrade` first.")
    for model, what in (
        (Agreement, "agreements"),
        (Organisation, "organisations"),
        (User, "users"),
        (Network, "networks"),
    ):
        count = db.session.scalar(select(func.count()).select_from(model))
        if count:
            raise GenerateError(
                f"The database already has {count} {what}. `flask demo generate` fills an empty database: "
                "create a new one, run `flask db upgrade` and `flask templates sync`, then generate."
            )
    missing = set(TEMPLATE_KEYS) - set(db.session.scalars(select(AgreementTemplate.key)))
    if missing:
        raise GenerateError(
            f"Templates {', '.join(sorted(missing))} are missing: run `flask templates sync` first."
        )


def _templates() -> dict[str, TemplateVersion]:
    """The latest version of each shipped template."""
    shipped = latest_versions().where(AgreementTemplate.key.in_(TEMPLATE_KEYS))
    return {version.template.key: version for version in db.session.scalars(shipped)}


def _world(
    seed: str, clock: Clock, writer: RowWriter, notices: Notices, people: People, signers: Signers
) -> World:
    """Everything the agreements' stories share: templates with their placeholder documents, settings."""
    versions = _templates()
    documents = {}
    for version in versions.values():
        for language in ("fi", "sv"):
            docx = placeholder_docx(version.manifest, version.number, language)
            documents[(version.id, language)] = (docx, sha256(docx))
    paper = placeholder_pdf()
    config = current_app.config
    return World(
        seed=seed,
        clock=clock,
        writer=writer,
        notices=notices,
        people=people,
        templates={key: (v.id, v.manifest) for key, v in versions.items()},
        documents=documents,
        paper=(paper, sha256(paper)),
        region_names={r.code: {"fi": r.name_fi, "sv": r.name_sv} for r in all_regions()},
        signers=signers,
        reminder_days={kind: tuple(days) for kind, days in config["REMINDER_DAYS"].items()},
        reminder_hour=config["REMINDER_HOUR"],
        late_after=config["REMINDER_LATE_AFTER"],
    )


def _number(plans: list[Plan], writer: RowWriter) -> Counter:
    """Ids and references in the order the agreements were created, numbered from 1 each year; returns
    each year's last number."""
    numbers = Counter()
    for plan in plans:
        year = local_day(plan.created).year
        numbers[year] += 1
        plan.id, plan.reference = writer.new_id("agreements"), f"SOP-{year}-{numbers[year]:04d}"
    return numbers


def _finish(last_numbers: Counter, writer: RowWriter, chain) -> None:
    """The global chain (the people's events and those of signing contacts, in time order), the reference
    counters, the chain's head and (on PostgreSQL) the id sequences."""
    chain.write(writer)
    writer.flush()
    for year, number in last_numbers.items():
        counter = db.session.get(ReferenceCounter, year)
        if counter is None:
            db.session.add(ReferenceCounter(year=year, last_number=number))
        else:
            counter.last_number = max(counter.last_number, number)
    save_global_head(chain)
    writer.reset_sequences()
    db.session.flush()


def _logins(people: People, plans: list[Plan]) -> list[tuple[str, str]]:
    """Logins worth trying: an administrator, a coordinator, a busy workshop's editor and signatory."""
    drafted = Counter(plan.owner.id for plan in plans)
    workshops = sorted(people.workshops, key=lambda org: -drafted[org.id])
    workshop = next((org for org in workshops if org.editors[0] is not org.signatories[0]), None)
    logins = [("National administrator", people.admins[0].email)]
    if people.coordinators:
        coordinator = people.coordinators[0]
        networks = ", ".join(n.name for n in people.networks if coordinator in n.coordinators)
        logins.append((f"ALU coordinator ({networks})", coordinator.email))
    if workshop:
        logins.append((f"Editor of {workshop.name}", workshop.editors[0].email))
        logins.append((f"Signatory of {workshop.name}", workshop.signatories[0].email))
    return logins
