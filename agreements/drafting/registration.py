"""Registering an agreement signed outside the service, with its signed PDF and optionally its .docx.

A registered agreement has no template and no drafting history: it is recorded as signed (terminated when
notice was already given) with the dates given, its parties bound, its documents stored. From then on it is
like any other signed agreement: it counts on the dashboard, gets reminders, is renewed or given notice.
``check_registration`` collects every problem (the bulk import lists them per row) before anything is stored.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from agreements.core.audit import record
from agreements.core.timeutil import helsinki_today
from agreements.core.uploads import MAX_PAPER_BYTES, InvalidUpload, check_pdf
from agreements.drafting.models import Agreement, AgreementOrigin, AgreementRegistration, AgreementStatus
from agreements.drafting.operations import (
    InvalidAgreement,
    add_version,
    checked_header,
    checked_main_agreement,
    checked_parties,
    next_reference,
)
from agreements.drafting.policy import can_register_for
from agreements.extensions import db
from agreements.organisations.models import Language, Organisation
from agreements.templates_lib.models import TemplateKind


@dataclass
class Registration:
    """What an agreement signed outside the service is registered with; ``kind`` None is "other"."""

    owner: Organisation
    others: list[Organisation]
    kind: TemplateKind | None
    language: Language
    title: str
    start_date: date
    end_date: date | None
    notice_period_months: int
    auto_renew: bool
    signed_pdf: bytes
    docx: bytes | None = None
    notice_given_on: date | None = None
    #: The agreement an annex belongs to: it ends with it. Only an annex has one, and must.
    main_agreement: Agreement | None = None


def check_registration(registration: Registration, actor) -> tuple[dict, list[Organisation]]:
    """The checked header and parties (owner first); InvalidAgreement names every problem by field."""
    r, errors = registration, {}
    if actor is None or not can_register_for(actor, r.owner):
        errors["owner"] = _("Only editors of the workshop, or administrators, can register its agreements.")
    header = _collected(
        errors, checked_header, r.title, r.start_date, r.end_date, r.notice_period_months, r.auto_renew
    )
    parties = _collected(errors, _checked_parties, r)
    _collected(errors, checked_main_agreement, r.kind, r.owner, r.main_agreement)
    errors.update(_file_problems(r))
    if "owner" not in errors and "signed_pdf" not in errors:
        errors.update(_duplicate_problem(r))
    notice = _notice_problem(r)
    if notice:
        errors["notice_given_on"] = notice
    if errors:
        raise InvalidAgreement(errors)
    return header, parties


def _collected(errors: dict, check, *args):
    """What ``check(*args)`` returns; the problems of its InvalidAgreement go to ``errors`` instead."""
    try:
        return check(*args)
    except InvalidAgreement as invalid:
        errors.update(invalid.errors)
        return None


def _checked_parties(registration: Registration) -> list[Organisation]:
    """The owner and the others by the kind's rule; besides the workshop there is always another party."""
    kind = registration.kind if registration.kind in (TemplateKind.BILATERAL, TemplateKind.ANNEX) else None
    parties = checked_parties(kind or TemplateKind.COMMITMENT, registration.owner, registration.others)
    if len(parties) < 2:
        raise InvalidAgreement({"parties": _("Name at least one other party besides the workshop.")})
    return parties


def _file_problems(registration: Registration) -> dict[str, str]:
    """What is wrong with the signed PDF and the optional .docx, by field."""
    problems = {}
    try:
        check_pdf(registration.signed_pdf, field="signed_pdf")
    except InvalidUpload as refusal:
        problems["signed_pdf"] = refusal.message
    if registration.docx is not None and not is_docx(registration.docx):
        problems["docx"] = _("The file is not a Word document (.docx) of at most %(size)s MB.", size=_mb())
    return problems


def _duplicate_problem(registration: Registration) -> dict[str, str]:
    """A signed PDF already registered for the workshop, by its content: the agreement is there already."""
    query = (
        select(Agreement.reference)
        .join(AgreementRegistration, AgreementRegistration.agreement_id == Agreement.id)
        .where(
            Agreement.owner_id == registration.owner.id,
            AgreementRegistration.signed_pdf_sha256 == sha256(registration.signed_pdf),
        )
    )
    reference = db.session.scalars(query.order_by(Agreement.id).limit(1)).first()
    if reference is None:
        return {}
    return {
        "signed_pdf": _("This PDF is already registered as agreement %(reference)s.", reference=reference)
    }


def _mb() -> int:
    return MAX_PAPER_BYTES // (1024 * 1024)


def is_docx(data: bytes) -> bool:
    """Whether ``data`` is a .docx by its content: a ZIP holding word/document.xml, within the size limit."""
    if not data or len(data) > MAX_PAPER_BYTES or not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _notice_problem(registration: Registration) -> str | None:
    given_on = registration.notice_given_on
    if given_on is None:
        return None
    if given_on > helsinki_today():
        return _("The day notice was given cannot be in the future.")
    if given_on < registration.start_date:
        return _("Notice cannot have been given before the start date.")
    if registration.end_date is None:
        return _("Give the end date the notice leads to.")
    return None


def register(registration: Registration, actor) -> Agreement:
    """Record an agreement signed outside the service, its parties bound; audited ``agreement.registered``."""
    header, parties = check_registration(registration, actor)
    return store(registration, header, parties, actor)


def store(registration: Registration, header: dict, parties: list[Organisation], actor) -> Agreement:
    """Store a registration already checked by ``check_registration``."""
    terminated = registration.notice_given_on is not None
    agreement = Agreement(
        reference=next_reference(helsinki_today().year),
        origin=AgreementOrigin.REGISTERED,
        registered_kind=registration.kind,
        status=AgreementStatus.TERMINATED if terminated else AgreementStatus.SIGNED,
        language=registration.language,
        owner=registration.owner,
        created_by_id=actor.id,
        current_version_number=0,
        notice_given_on=registration.notice_given_on,
        main_agreement=registration.main_agreement,
        **header,
    )
    agreement.registration = AgreementRegistration(
        signed_pdf=registration.signed_pdf,
        signed_pdf_sha256=sha256(registration.signed_pdf),
        docx=registration.docx,
        docx_sha256=sha256(registration.docx) if registration.docx is not None else None,
        registered_by_id=actor.id,
    )
    db.session.add(agreement)
    add_version(agreement, header, parties, {}, "", actor)
    record("agreement.registered", agreement, _audit_details(agreement), actor=actor)
    return agreement


def sha256(data: bytes) -> str:
    """The hex SHA-256 of a document, as stored with the registration."""
    return hashlib.sha256(data).hexdigest()


def _audit_details(agreement: Agreement) -> dict:
    registration = agreement.registration
    return {
        "reference": agreement.reference,
        "kind": agreement.registered_kind.value if agreement.registered_kind else "other",
        "status": agreement.status.value,
        "parties": [party.id for party in agreement.parties],
        "signed_pdf_sha256": registration.signed_pdf_sha256,
        "docx_sha256": registration.docx_sha256,
        **({"main_agreement": agreement.main_agreement.reference} if agreement.main_agreement else {}),
    }
