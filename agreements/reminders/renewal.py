"""The end of an agreement's term: renewing it by a new draft, automatic renewal, and notice.

- ``renew`` starts the renewal of a signed agreement: a new draft linked to it, prefilled from the signed
  version, on the newest version of its template, for the term that follows. An annex's renewal is an annex
  of ``renewal_main``; ``renewal_problem`` says why an agreement cannot be renewed (also when no template
  can be used, ``renewal_templates``), so that Renew is not offered then.
- ``renew_automatically`` extends, on their end date, signed agreements that renew automatically and were
  given no notice, by the length of their term, audited and notified.
- ``give_notice`` records the notice a party gave: a provider's ends its own part after the notice period
  while the workshop and another provider stay; otherwise the agreement ends (``notice_outcome`` decides).
  The agreement's annexes follow, unless the user keeps them in force: when the agreement ends, every
  signed annex ends on the same day (or its own earlier end) and a draft annex is cancelled; when a
  provider's notice ends only its own part, its part ends the same day in each signed annex it is a party
  to (and such an annex ends if that provider was the last one in it). Draft annexes stay then: the
  drafter changes their parties.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from agreements.core.audit import record
from agreements.core.dates import (
    FIRST_YEAR,
    LAST_YEAR,
    add_months,
    end_after_notice,
    term_months,
    years_problem,
)
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import HELSINKI, helsinki_today, utcnow
from agreements.core.web import format_day
from agreements.drafting import annexes, lifecycle, queries
from agreements.drafting.models import Agreement, AgreementParty, AgreementStatus
from agreements.drafting.operations import cancel_agreement, create_agreement, parties_fit
from agreements.drafting.parties import terms_of
from agreements.drafting.queries import template_versions
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.reminders import notifications
from agreements.templates_lib.models import TemplateKind, TemplateVersion

#: Statuses of a renewal that is still under way or done; a cancelled one does not count.
LIVE_RENEWAL = frozenset(lifecycle.TRANSITIONS) - {AgreementStatus.CANCELLED}


def current_renewal(agreement: Agreement) -> Agreement | None:
    """The draft or agreement that renews ``agreement``, unless it was cancelled."""
    return next((a for a in agreement.renewals if a.status in LIVE_RENEWAL), None)


def renewal_problem(agreement: Agreement) -> str | None:
    """Why the agreement cannot be renewed now, or None: it is not signed, has no end date or is being
    renewed; it is an annex with no main agreement for its renewal (``renewal_main``); or no template can be
    used for the renewal (``renewal_templates``)."""
    if agreement.status != AgreementStatus.SIGNED:
        return _("Only a signed agreement can be renewed.")
    if agreement.end_date is None:
        return _("The agreement has no end date, so it needs no renewal.")
    if renewal_term(agreement) is None:
        return _(
            "The term after this agreement's end on %(date)s falls outside the years %(first)s–%(last)s, "
            "so it cannot be renewed here.",
            date=format_day(agreement.end_date),
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
    renewal = current_renewal(agreement)
    if renewal is not None:
        return _("%(reference)s already renews this agreement.", reference=renewal.reference)
    if agreement.kind == TemplateKind.ANNEX and renewal_main(agreement) is None:
        return _(
            "An annex is renewed under its main agreement, and this annex has no main agreement that is "
            "still in force or being renewed. Draft a new annex for the agreement it now belongs to instead."
        )
    if not renewal_templates(agreement):
        return _(
            "No active template fits this agreement's kind and parties, so there is nothing to draft its "
            "renewal on. An administrator can add or activate a template of its kind."
        )
    return None


def renewal_main(agreement: Agreement) -> Agreement | None:
    """The main agreement the renewal of an annex belongs to, or None: the renewal of the annex's main
    agreement if one is under way or signed (the annex was left with the old main agreement when that was
    renewed), else the main agreement itself unless it has ended."""
    main = agreement.main_agreement
    if main is None:
        return None
    candidates = (current_renewal(main), main)
    return next((a for a in candidates if a is not None and a.status not in lifecycle.FINISHED), None)


def _term_months(agreement: Agreement) -> int:
    """The length of a term, from the signed version's own dates (an extension does not lengthen it)."""
    signed = agreement.latest_version
    return term_months(signed.start_date, signed.end_date or agreement.end_date)


def renewal_term(agreement: Agreement) -> tuple[date, date] | None:
    """The first and last day of the term a renewal is drafted for: from the day after the agreement's end,
    as long as its own term; None when that is not within the years the service takes (FIRST_YEAR...)."""
    if not date(FIRST_YEAR - 1, 12, 31) <= agreement.end_date < date(LAST_YEAR, 12, 31):
        return None
    start = agreement.end_date + timedelta(days=1)
    end = add_months(start, _term_months(agreement)) - timedelta(days=1)
    return None if years_problem(end) else (start, end)


def ensure_renewable(agreement: Agreement) -> None:
    """Refuse with the reason unless the agreement can be renewed now."""
    problem = renewal_problem(agreement)
    if problem:
        raise OperationRefused(problem)


def renewal_templates(agreement: Agreement) -> list[TemplateVersion]:
    """The template versions a renewal may be drafted on: the newest of the agreement's own template; for one
    signed outside the service, that of each active template of its kind that its parties fit.

    For "other" that is any kind its parties fit but a commitment: a commitment is to the national
    guidelines, which the parties of some other agreement never took on; and an annex only when the
    agreement has a main agreement to renew it under (``renewal_main``).
    """
    if agreement.template_version is not None:
        return [agreement.template_version.template.latest_version]
    others = [party for party in staying_parties(agreement) if party.id != agreement.owner_id]
    kinds = {agreement.kind} if agreement.kind is not None else set(TemplateKind) - {TemplateKind.COMMITMENT}
    if renewal_main(agreement) is None:
        kinds.discard(TemplateKind.ANNEX)
    return [
        version
        for version in template_versions(only_active=True)
        if version.template.kind in kinds and parties_fit(version.template.kind, others)
    ]


def renew(agreement: Agreement, actor, template_version: TemplateVersion | None = None) -> Agreement:
    """Create the renewal draft of a signed agreement and return it; OperationRefused says why not.

    A registered agreement has no template of its own: the renewal is drafted on ``template_version``, one of
    ``renewal_templates``. The renewal of an annex belongs to ``renewal_main``.
    """
    ensure_renewable(agreement)
    signed = agreement.latest_version
    choices = renewal_templates(agreement)
    template_version = template_version if agreement.template_version is None else choices[0]
    if template_version not in choices:
        raise OperationRefused(_("Choose the template to draft the renewal on."), field="template_version_id")
    start, end = renewal_term(agreement)
    is_annex = template_version.template.kind == TemplateKind.ANNEX
    renewal = create_agreement(
        template_version,
        agreement.language,
        agreement.owner,
        [party for party in staying_parties(agreement) if party.id != agreement.owner_id],
        title=signed.title,
        start_date=start,
        end_date=end,
        notice_period_months=signed.notice_period_months,
        auto_renew=signed.auto_renew,
        values=dict(signed.values),
        change_note=_("Renewal of %(reference)s", reference=agreement.reference),
        actor=actor,
        complete=False,
        main_agreement=renewal_main(agreement) if is_annex else None,
    )
    renewal.renewal_of = agreement
    db.session.flush()
    record("agreement.renewal_started", agreement, {"renewal": renewal.reference}, actor=actor)
    return renewal


def renew_automatically(now: datetime | None = None) -> int:
    """Extend every automatically renewing agreement whose end date has come; returns how many."""
    today = (now or utcnow()).astimezone(HELSINKI).date()
    query = select(Agreement.id).where(
        Agreement.status == AgreementStatus.SIGNED,
        Agreement.auto_renew.is_(True),
        Agreement.end_date <= today,
    )
    return sum(_extend(agreement_id, today) for agreement_id in list(db.session.scalars(query)))


def _extend(agreement_id: int, today: date) -> bool:
    """Extend one agreement, locked, by as many terms as bring its end past ``today``."""
    query = select(Agreement).where(Agreement.id == agreement_id).with_for_update()
    agreement = db.session.scalar(query)
    taken_over = any(a.status == AgreementStatus.SIGNED for a in agreement.renewals)
    if agreement.status != AgreementStatus.SIGNED or agreement.end_date > today or taken_over:
        return False  # another process got here first, or a signed renewal replaces it
    previous_end, months = agreement.end_date, _term_months(agreement)
    while agreement.end_date <= today:
        agreement.end_date = add_months(agreement.end_date + timedelta(days=1), months) - timedelta(days=1)
    db.session.flush()
    details = {"previous_end": previous_end.isoformat(), "end_date": agreement.end_date.isoformat()}
    record("agreement.auto_renewed", agreement, details)
    notifications.notify_auto_renewed(agreement, previous_end)
    return True


@dataclass(frozen=True)
class NoticeOutcome:
    """What a party's notice does: end only its own part, or the whole agreement; and on which day."""

    party: Organisation
    ends_agreement: bool
    #: The party's own last day, or the agreement's new end date when the notice ends it.
    end: date
    #: The annexes that follow unless kept in force (see ``following_annexes``).
    annexes: tuple = field(default=())


def staying_parties(agreement: Agreement) -> list[Organisation]:
    """The bound parties that have not given notice of their own, by name: those that stay to the agreement's
    end, who may still give notice and go on into its renewal (an organisation invited to join a commitment
    that has not joined is not one; the drafting workshop, which may end the commitment, always is)."""
    staying = {
        terms.organisation_id for terms in agreement.party_terms if terms.bound and terms.left_on is None
    }
    return [party for party in agreement.parties if party.id in staying]


def notice_outcome(agreement: Agreement, given_by: Organisation, given_on: date, today=None) -> NoticeOutcome:
    """What notice by ``given_by`` on ``given_on`` would do; OperationRefused says why it cannot be given.

    A provider's notice ends its own part after the notice period while the workshop and at least one other
    provider stay; the workshop's notice and the last remaining provider's end the agreement. On a commitment
    an organisation that joined withdraws its own commitment while another stays; the drafting workshop's
    notice ends the commitment. Neither end comes after the agreement's own end date.
    """
    terms = terms_of(agreement, given_by)
    if terms is None:
        raise OperationRefused(_("Notice can only be given by a party to the agreement."), "given_by")
    if not terms.bound and given_by.id != agreement.owner_id:
        message = _(
            "%(organisation)s has not joined: it has nothing to give notice of.", organisation=given_by.name
        )
        raise OperationRefused(message, "given_by")
    if terms.left_on is not None:
        message = _(
            "%(organisation)s has already given notice: its part ends on %(date)s.",
            organisation=given_by.name,
            date=format_day(terms.left_on),
        )
        raise OperationRefused(message, "given_by")
    if given_on > (today or helsinki_today()):
        raise OperationRefused(_("The day notice was given cannot be in the future."), "given_on")
    lifecycle.ensure_allowed(agreement, AgreementStatus.TERMINATED, "terminate")
    end = max(
        end_after_notice(given_on, agreement.notice_period_months, agreement.end_date), agreement.start_date
    )
    ends_agreement = not _others_stay(agreement, terms)
    return NoticeOutcome(
        given_by, ends_agreement, end, following_annexes(agreement, given_by, ends_agreement)
    )


def following_annexes(agreement: Agreement, given_by: Organisation, ends_agreement: bool) -> tuple:
    """The annexes notice by ``given_by`` ends unless kept: with the agreement, every signed annex and every
    one that can still be cancelled; with one provider's part alone, the signed annexes it is bound by."""
    if ends_agreement:
        return tuple(annex for annex in queries.live_annexes(agreement) if _may_follow(annex))
    return tuple(
        annex
        for annex in queries.live_annexes(agreement)
        if annex.status == AgreementStatus.SIGNED and _staying_party(annex, given_by)
    )


def _may_follow(annex: Agreement) -> bool:
    """Whether the annex can end with its main agreement: signed (terminated) or a draft (cancelled)."""
    return any(
        lifecycle.can_move(annex, end) for end in (AgreementStatus.TERMINATED, AgreementStatus.CANCELLED)
    )


def annexes_staying(agreement: Agreement) -> list[Agreement]:
    """The annexes of the agreement that notice cannot end, whatever is ticked: those awaiting signatures."""
    return [annex for annex in queries.live_annexes(agreement) if not _may_follow(annex)]


def _staying_party(agreement: Agreement, organisation: Organisation) -> AgreementParty | None:
    """The organisation's terms in the agreement while it is bound and has not given notice, else None."""
    terms = terms_of(agreement, organisation)
    return terms if terms is not None and terms.bound and terms.left_on is None else None


def _others_stay(agreement: Agreement, terms: AgreementParty) -> bool:
    """Whether the agreement goes on without the party, which is not the drafting workshop: on a bilateral
    agreement or an annex at least one other provider stays beside the workshop; on a commitment at least
    one other organisation that joined stays."""
    if terms.organisation_id == agreement.owner_id:
        return False
    others = (
        {terms.organisation_id} if _is_commitment(agreement) else {agreement.owner_id, terms.organisation_id}
    )
    return any(
        other.bound and other.left_on is None
        for other in agreement.party_terms
        if other.organisation_id not in others
    )


def _is_commitment(agreement: Agreement) -> bool:
    return agreement.kind == TemplateKind.COMMITMENT


def notice_outcomes(agreement: Agreement, given_on: date) -> list[NoticeOutcome]:
    """What notice given on ``given_on`` by each party that may still give it would do."""
    return [
        notice_outcome(agreement, party, given_on, today=given_on) for party in staying_parties(agreement)
    ]


def give_notice(
    agreement: Agreement,
    given_by: Organisation,
    given_on: date,
    reason: str,
    actor,
    today=None,
    keep_annexes: Collection[int] = (),
) -> NoticeOutcome:
    """Record the notice ``given_by`` gave on ``given_on``: it ends that provider's part alone, or the
    agreement, after the notice period (see ``notice_outcome``); the annexes follow unless their ids are in
    ``keep_annexes``. The outcome's ``annexes`` are those that followed."""
    today = today or helsinki_today()
    _read_locked(agreement)
    outcome = notice_outcome(agreement, given_by, given_on, today)
    following = [annex for annex in outcome.annexes if annex.id not in keep_annexes]
    annexes.record_kept(agreement, [annex for annex in outcome.annexes if annex.id in keep_annexes], actor)
    _part_ends(agreement, given_by, given_on, outcome, reason, actor, today)
    for annex in following:
        _annex_follows(annex, agreement, given_by, given_on, outcome, reason, actor, today)
    return NoticeOutcome(outcome.party, outcome.ends_agreement, outcome.end, tuple(following))


def _part_ends(
    agreement, given_by, given_on: date, outcome: NoticeOutcome, reason: str, actor, today, main=None
) -> None:
    """End the agreement, or ``given_by``'s part of it, as ``outcome`` says, and tell the parties; an annex
    follows its ``main`` agreement (``given_by`` may then be no party to it)."""
    terms = _staying_party(agreement, given_by)
    if terms is not None:
        terms.notice_given_on = given_on
    if outcome.ends_agreement:
        _terminate(agreement, given_by, given_on, outcome.end, reason, actor, main)
        notifications.notify_notice_given(agreement, actor, today)
    else:
        _end_party(agreement, terms, outcome.end, reason, actor, main)
        notifications.notify_party_notice_given(agreement, terms, actor, today)


def _annex_follows(
    annex, main, given_by, given_on: date, outcome: NoticeOutcome, reason, actor, today
) -> None:
    """End the annex, or ``given_by``'s part of it, with the main agreement: on the same day, or on the
    annex's own earlier end; a draft annex of an agreement that ends is cancelled."""
    if annex.status != AgreementStatus.SIGNED:
        cancel_agreement(annex, actor, reason, with_main=main)
        return
    _read_locked(annex)
    end = max(min(outcome.end, annex.end_date or outcome.end), annex.start_date)
    ends_annex = outcome.ends_agreement or not _others_stay(annex, terms_of(annex, given_by))
    _part_ends(
        annex, given_by, given_on, NoticeOutcome(given_by, ends_annex, end), reason, actor, today, main
    )


def _read_locked(agreement: Agreement) -> None:
    """Hold the agreement's row until commit and read it and its parties' terms afresh, so that two providers
    giving notice at once cannot both leave it, each counting on the other to stay."""
    db.session.refresh(agreement, with_for_update=True)
    terms = select(AgreementParty).where(AgreementParty.agreement_id == agreement.id)
    db.session.scalars(terms.execution_options(populate_existing=True)).all()


def _terminate(
    agreement: Agreement, given_by: Organisation, given_on: date, ends: date, reason: str, actor, main=None
):
    """End the agreement at ``ends``; a party that gave notice keeps its own end unless that comes later.
    An annex ending with its ``main`` agreement names it in the audit event."""
    previous_end = agreement.end_date
    agreement.notice_given_on, agreement.notice_given_by, agreement.end_date = given_on, given_by, ends
    cut_short = [terms for terms in agreement.party_terms if terms.left_on and terms.left_on > ends]
    for terms in cut_short:
        terms.left_on = ends
    details = {
        "given_by": given_by.name,
        "notice_given_on": given_on.isoformat(),
        "end_date": ends.isoformat(),
        "previous_end": previous_end.isoformat() if previous_end else None,
        "reason": reason,
    }
    if cut_short:
        details["parties_ending_with_it"] = [terms.organisation.name for terms in cut_short]
    lifecycle.transition(
        agreement, AgreementStatus.TERMINATED, "terminate", actor, lifecycle.with_main(details, main)
    )


def _end_party(
    agreement: Agreement, terms: AgreementParty, left_on: date, reason: str, actor, main=None
) -> None:
    """End one provider's part at ``left_on``; the agreement stays signed for the others (an annex's part
    perhaps with its ``main`` agreement, named in the audit event)."""
    terms.left_on = left_on
    db.session.flush()
    details = {
        "party": terms.organisation.name,
        "organisation_id": terms.organisation_id,
        "notice_given_on": terms.notice_given_on.isoformat(),
        "left_on": left_on.isoformat(),
        "end_date": agreement.end_date.isoformat() if agreement.end_date else None,
        "reason": reason,
    }
    record("agreement.party_notice", agreement, lifecycle.with_main(details, main), actor=actor)
