"""Drafting agreements: creating one with its reference and first version, and saving new versions.

Every save makes a new immutable AgreementVersion and copies its header and parties onto the Agreement
for filtering. A save names the version it was based on; if someone saved meanwhile it is refused with
EditConflict, so nobody overwrites another's work unseen.
"""

from datetime import date
from decimal import Decimal

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from agreements.core.audit import record
from agreements.core.dates import years_problem
from agreements.core.errors import OperationRefused
from agreements.core.i18n import ui_language
from agreements.core.timeutil import helsinki_today
from agreements.drafting import lifecycle
from agreements.drafting.models import Agreement, AgreementStatus, AgreementVersion, ReferenceCounter
from agreements.drafting.signals import (
    agreement_cancelled,
    agreement_edited,
    checking_answers,
    version_added,
)
from agreements.extensions import db
from agreements.organisations.models import Language, Organisation, OrganisationKind
from agreements.templates_lib.fields import is_valid_stored, label
from agreements.templates_lib.models import TemplateKind, TemplateVersion

HEADER_FIELDS = ("title", "start_date", "end_date", "notice_period_months", "auto_renew")
MAX_NOTICE_MONTHS = 24


class InvalidAgreement(OperationRefused):
    """The header, parties or values break a rule; ``errors`` maps a field name or key to its problem."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(errors.values()))


class NotEditable(OperationRefused):
    """Only drafts (also while out for comments) can be edited."""

    def __init__(self, agreement: Agreement):
        super().__init__(
            _(
                "Only drafts can be edited. This agreement has the status “%(status)s”.",
                status=agreement.status.title,
            )
        )


class EditConflict(OperationRefused):
    """Someone saved a newer version after the one this edit started from; ``latest`` is that version."""

    def __init__(self, latest: AgreementVersion):
        self.latest = latest
        when = format_datetime(latest.created_at, "d.M.yyyy HH.mm")
        if latest.created_by is not None:
            message = _(
                "%(name)s saved version %(number)s at %(when)s while you were editing.",
                name=latest.created_by.name,
                number=latest.number,
                when=when,
            )
        else:
            message = _(
                "Version %(number)s was saved at %(when)s while you were editing.",
                number=latest.number,
                when=when,
            )
        super().__init__(message)


def next_reference(year: int) -> str:
    """The next reference of ``year``, e.g. SOP-2026-0042; the counter row is locked until commit."""
    counter = _locked_counter(year)
    if counter is None:
        counter = _new_counter(year)
    counter.last_number += 1
    db.session.flush()
    return f"SOP-{year}-{counter.last_number:04d}"


def _locked_counter(year: int) -> ReferenceCounter | None:
    return db.session.scalar(select(ReferenceCounter).where(ReferenceCounter.year == year).with_for_update())


def _new_counter(year: int) -> ReferenceCounter:
    """The year's first counter; when another request created it at the same moment, theirs, locked."""
    try:
        with db.session.begin_nested():
            counter = ReferenceCounter(year=year, last_number=0)
            db.session.add(counter)
        return counter
    except IntegrityError:
        return _locked_counter(year)


def create_agreement(
    template_version: TemplateVersion,
    language: Language,
    owner: Organisation,
    parties: list[Organisation],
    *,
    title: str,
    start_date: date,
    end_date: date | None,
    notice_period_months: int,
    auto_renew: bool,
    values: dict,
    change_note: str = "",
    actor=None,
    complete: bool = True,
    main_agreement: Agreement | None = None,
) -> Agreement:
    """Create an agreement drafted by ``owner`` with its first version; ``parties`` are the others.

    An annex names its ``main_agreement`` (see ``checked_main_agreement``). With ``complete=False``
    required fields may still be empty (a renewal on a newer template version); the drafter fills them
    in before the next save.
    """
    header = checked_header(title, start_date, end_date, notice_period_months, auto_renew)
    all_parties = checked_parties(template_version.template.kind, owner, parties)
    checked_main_agreement(template_version.template.kind, owner, main_agreement)
    checked_values = check_values(template_version.manifest, values, complete)
    agreement = Agreement(
        reference=next_reference(helsinki_today().year),
        status=AgreementStatus.DRAFT,
        template_version=template_version,
        language=language,
        owner=owner,
        created_by_id=actor.id if actor is not None else None,
        current_version_number=0,
        main_agreement=main_agreement,
        **header,
    )
    db.session.add(agreement)
    version = add_version(agreement, header, all_parties, checked_values, change_note, actor)
    details = {"reference": agreement.reference, "template_version_id": template_version.id, "version": 1}
    if main_agreement is not None:
        details["main_agreement"] = main_agreement.reference
    record("agreement.create", agreement, details, actor=actor)
    return version.agreement


def save_version(
    agreement: Agreement,
    base_version_number: int,
    *,
    title: str,
    start_date: date,
    end_date: date | None,
    notice_period_months: int,
    auto_renew: bool,
    parties: list[Organisation],
    values: dict,
    change_note: str = "",
    answered_comments=(),
    actor=None,
) -> AgreementVersion | None:
    """Save the edited draft as a new version; None when nothing differs from the latest version.

    ``answered_comments`` are the comments of the agreement's rounds that the new version answers; they
    alone do not make a new version. A save while the agreement awaits signatures voids the request and
    its signatures. Raises NotEditable unless the status allows editing (lifecycle.is_editable) and
    EditConflict when ``base_version_number`` is not the latest version any more.
    """
    db.session.refresh(agreement, with_for_update=True)  # concurrent saves of one agreement queue here
    ensure_editable(agreement)
    latest = _version(agreement, agreement.current_version_number)
    if base_version_number != agreement.current_version_number:
        raise EditConflict(latest)
    header = checked_header(title, start_date, end_date, notice_period_months, auto_renew)
    all_parties = checked_parties(agreement.kind, agreement.owner, parties)
    checked_values = check_values(agreement.template_version.manifest, values)
    answered = list(dict.fromkeys(answered_comments))
    checking_answers.send(agreement, comments=answered)
    if _same_content(latest, header, all_parties, checked_values):
        return None
    agreement_edited.send(agreement, actor=actor)
    version = add_version(agreement, header, all_parties, checked_values, change_note, actor)
    db.session.flush()  # the version exists before what it answers is recorded
    version_added.send(agreement, version=version, answered_comments=answered)
    record(
        "agreement.save",
        agreement,
        {
            "version": version.number,
            "change_note": version.change_note,
            "answered_comments": [comment.id for comment in answered],
        },
        actor=actor,
    )
    return version


def ensure_editable(agreement: Agreement) -> None:
    """Refuse with the reason (NotEditable) unless the agreement's status allows editing."""
    if not lifecycle.is_editable(agreement):
        raise NotEditable(agreement)


def ensure_cancellable(agreement: Agreement) -> None:
    """Refuse with the reason unless the agreement is a draft or out for comments."""
    lifecycle.ensure_allowed(agreement, AgreementStatus.CANCELLED, "cancel")


def cancel_agreement(
    agreement: Agreement, actor, reason: str = "", with_main: Agreement | None = None
) -> None:
    """Cancel a draft or an agreement out for comments; the packages above close what it had open.

    ``with_main`` is the main agreement an annex is cancelled with, recorded with the cancellation.
    """
    ensure_cancellable(agreement)
    agreement_cancelled.send(agreement, actor=actor)
    lifecycle.cancel_draft(agreement, actor, reason, with_main)


def _version(agreement: Agreement, number: int) -> AgreementVersion:
    return db.session.scalar(
        select(AgreementVersion).where(
            AgreementVersion.agreement_id == agreement.id, AgreementVersion.number == number
        )
    )


def _same_content(version: AgreementVersion, header: dict, parties: list, values: dict) -> bool:
    return (
        all(getattr(version, name) == value for name, value in header.items())
        and version.party_ids == [party.id for party in parties]
        and version.values == values
    )


def _kept_parties(agreement: Agreement, parties: list) -> list:
    """The version's parties; a signed commitment keeps every organisation that joined or was invited too."""
    if not agreement.has_validity:
        return list(parties)
    return list(dict.fromkeys([*parties, *agreement.parties]))


def add_version(
    agreement: Agreement,
    header: dict,
    parties: list,
    values: dict,
    change_note: str,
    actor,
) -> AgreementVersion:
    """Append the next version and copy its header and parties onto the agreement."""
    number = agreement.current_version_number + 1
    version = AgreementVersion(
        number=number,
        created_by_id=actor.id if actor is not None else None,
        change_note=(change_note or "").strip()[:500],
        party_ids=[party.id for party in parties],
        values=values,
        **header,
    )
    agreement.versions.append(version)
    agreement.parties = _kept_parties(agreement, parties)
    agreement.current_version_number = number
    for name, value in header.items():
        setattr(agreement, name, value)
    db.session.flush()
    return version


def checked_header(
    title: str, start_date: date, end_date: date | None, notice_period_months: int, auto_renew: bool
) -> dict:
    """The header fields, or InvalidAgreement naming what is wrong with them."""
    title = (title or "").strip()
    errors = {}
    if not title or len(title) > 200:
        errors["title"] = _("Give the agreement a title of at most 200 characters.")
    for name, day in (("start_date", start_date), ("end_date", end_date)):
        if years_problem(day):
            errors[name] = years_problem(day)
    if "end_date" not in errors and end_date is not None and end_date < start_date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    if not 0 <= notice_period_months <= MAX_NOTICE_MONTHS:
        errors["notice_period_months"] = _(
            "The notice period must be between 0 and %(max)s months.", max=MAX_NOTICE_MONTHS
        )
    if errors:
        raise InvalidAgreement(errors)
    return dict(
        zip(HEADER_FIELDS, (title, start_date, end_date, notice_period_months, bool(auto_renew)), strict=True)
    )


def checked_parties(
    kind: TemplateKind, owner: Organisation, others: list[Organisation]
) -> list[Organisation]:
    """The owner followed by the other parties, or InvalidAgreement when the template's party rule is broken.

    Bilateral agreements and annexes are between the owner workshop and one or more providers; a
    commitment may have any organisations besides the owner, or none. Every party must be active.
    """
    parties = [owner, *(other for other in dict.fromkeys(others) if other.id != owner.id)]
    problem = _party_problem(kind, owner, parties[1:])
    if problem:
        raise InvalidAgreement({"parties": problem})
    return parties


def checked_main_agreement(kind: TemplateKind, owner: Organisation, main: Agreement | None) -> None:
    """Refuse (InvalidAgreement on "main_agreement") an annex without a main agreement of the same workshop
    that is neither an annex nor ended, and a main agreement for anything but an annex."""
    if kind != TemplateKind.ANNEX:
        if main is not None:
            raise InvalidAgreement({"main_agreement": _("Only an annex belongs to a main agreement.")})
        return
    if (
        main is None
        or main.owner_id != owner.id
        or main.kind == TemplateKind.ANNEX
        or main.status in lifecycle.FINISHED
    ):
        raise InvalidAgreement(
            {
                "main_agreement": _(
                    "Choose the main agreement from your workshop's agreements that have not ended."
                )
            }
        )


def link_main_agreement(agreement: Agreement, main: Agreement | None, actor=None) -> bool:
    """Link an annex being edited to another main agreement (see ``checked_main_agreement``); True when
    the link changed. It belongs to the agreement, not to a version: the text is untouched."""
    previous = agreement.main_agreement
    if main is previous or agreement.kind != TemplateKind.ANNEX:
        return False
    ensure_editable(agreement)
    checked_main_agreement(TemplateKind.ANNEX, agreement.owner, main)
    agreement.main_agreement = main
    db.session.flush()
    details = {"from": previous.reference if previous else None, "to": main.reference}
    record("agreement.main_agreement_set", agreement, details, actor=actor)
    return True


def _party_problem(kind: TemplateKind, owner: Organisation, others: list[Organisation]) -> str | None:
    if owner.kind != OrganisationKind.WORKSHOP:
        return _("%(name)s is not a youth workshop and cannot draft agreements.", name=owner.name)
    inactive = [party.name for party in (owner, *others) if not party.active]
    if inactive:
        return ngettext(
            "%(names)s is inactive and cannot be a party.",
            "%(names)s are inactive and cannot be parties.",
            len(inactive),
            names=", ".join(inactive),
        )
    return None if kind == TemplateKind.COMMITMENT else _provider_problem(others)


def parties_fit(kind: TemplateKind, others: list[Organisation]) -> bool:
    """Whether ``others``, the parties besides the drafting workshop, suit an agreement of ``kind``: any
    for a commitment, else one or more education providers (whether they are active is not asked)."""
    return kind == TemplateKind.COMMITMENT or _provider_problem(others) is None


def _provider_problem(others: list[Organisation]) -> str | None:
    """What is wrong with ``others`` as the parties of a bilateral agreement or an annex, or None."""
    if not others:
        return _("Choose at least one education provider.")
    workshops = [party.name for party in others if party.kind != OrganisationKind.PROVIDER]
    if workshops:
        return ngettext(
            "%(names)s is not an education provider. This agreement is between your workshop and "
            "education providers.",
            "%(names)s are not education providers. This agreement is between your workshop and "
            "education providers.",
            len(workshops),
            names=", ".join(workshops),
        )
    return None


def check_values(manifest: dict, values: dict, complete: bool = True) -> dict:
    """The declared fields' values, checked against the manifest; raises InvalidAgreement naming problems.

    With ``complete=False`` an empty required field is no problem.
    """
    language = ui_language()
    cleaned, errors = {}, {}
    for field in manifest["fields"]:
        value = _cleaned(field, values.get(field["key"]))
        problem = _value_problem(field, value, language, complete)
        if problem:
            errors[field["key"]] = problem
        cleaned[field["key"]] = value
    if errors:
        raise InvalidAgreement(errors)
    return cleaned


def _cleaned(field: dict, value):
    """One empty value per type: [] for rows, False for yes/no, None for the rest; rows cleaned per column."""
    if field["type"] == "rows":
        if _is_list_of_dicts(value):
            return [{c["key"]: _cleaned(c, row.get(c["key"])) for c in field["columns"]} for row in value]
        return value or []
    if field["type"] == "boolean":
        return bool(value)
    return None if value in (None, "") else value


def _value_problem(field: dict, value, language: str, complete: bool = True) -> str | None:
    """What is wrong with a stored value of ``field``, or None."""
    name = label(field["label"], language)
    if value in (None, []):
        return _("“%(label)s” is required.", label=name) if complete and field.get("required") else None
    if field["type"] == "rows" and _is_list_of_dicts(value):
        return _rows_problem(field, value, name, language)
    if not is_valid_stored(field, value):
        return _("“%(label)s” has an invalid value.", label=name)
    if field["type"] in ("integer", "money"):
        return _range_problem(field, Decimal(str(value)), name)
    return None


def _is_list_of_dicts(value) -> bool:
    return isinstance(value, list) and all(isinstance(row, dict) for row in value)


def _range_problem(field: dict, number: Decimal, name: str) -> str | None:
    low = field.get("min", 0 if field["type"] == "money" else None)
    if low is not None and number < Decimal(str(low)):
        return _("“%(label)s” must be at least %(min)s.", label=name, min=low)
    high = field.get("max")
    if high is not None and number > Decimal(str(high)):
        return _("“%(label)s” must be at most %(max)s.", label=name, max=high)
    return None


def _rows_problem(field: dict, rows: list, name: str, language: str) -> str | None:
    for number, row in enumerate(rows, start=1):
        for column in field["columns"]:
            problem = _value_problem(column, row.get(column["key"]), language)
            if problem:
                return _("%(label)s, row %(row)s: %(problem)s", label=name, row=number, problem=problem)
    return None
