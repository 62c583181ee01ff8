"""The end of an agreement's term: renewing it by a new draft, automatic renewal, and notice.

- ``renew`` starts the renewal of a signed agreement: a new draft linked to it, prefilled from the signed
  version, on the newest version of its template, for the term that follows.
- ``renew_automatically`` extends, on their end date, signed agreements that renew automatically and were
  given no notice, by the length of their term, audited and notified.
- ``give_notice`` records the notice a party gave and ends the agreement after the notice period.
"""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from agreements.core.audit import record
from agreements.core.dates import add_months, end_after_notice, term_months
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import HELSINKI, helsinki_today, utcnow
from agreements.drafting import lifecycle
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.drafting.operations import create_agreement
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.reminders import notifications

#: Statuses of a renewal that is still under way or done; a cancelled one does not count.
LIVE_RENEWAL = frozenset(lifecycle.TRANSITIONS) - {AgreementStatus.CANCELLED}


def current_renewal(agreement: Agreement) -> Agreement | None:
    """The draft or agreement that renews ``agreement``, unless it was cancelled."""
    return next((a for a in agreement.renewals if a.status in LIVE_RENEWAL), None)


def renewal_problem(agreement: Agreement) -> str | None:
    """Why the agreement cannot be renewed now, or None."""
    if agreement.status != AgreementStatus.SIGNED:
        return _("Only a signed agreement can be renewed.")
    if agreement.end_date is None:
        return _("The agreement has no end date, so it needs no renewal.")
    renewal = current_renewal(agreement)
    if renewal is not None:
        return _("%(reference)s already renews this agreement.", reference=renewal.reference)
    return None


def _term_months(agreement: Agreement) -> int:
    """The length of a term, from the signed version's own dates (an extension does not lengthen it)."""
    signed = agreement.latest_version
    return term_months(signed.start_date, signed.end_date or agreement.end_date)


def ensure_renewable(agreement: Agreement) -> None:
    """Refuse with the reason unless the agreement can be renewed now."""
    problem = renewal_problem(agreement)
    if problem:
        raise OperationRefused(problem)


def renew(agreement: Agreement, actor) -> Agreement:
    """Create the renewal draft of a signed agreement and return it; OperationRefused says why not."""
    ensure_renewable(agreement)
    signed = agreement.latest_version
    template_version = agreement.template_version.template.latest_version
    start = agreement.end_date + timedelta(days=1)
    renewal = create_agreement(
        template_version,
        agreement.language,
        agreement.owner,
        [party for party in agreement.parties if party.id != agreement.owner_id],
        title=signed.title,
        start_date=start,
        end_date=add_months(start, _term_months(agreement)) - timedelta(days=1),
        notice_period_months=signed.notice_period_months,
        auto_renew=signed.auto_renew,
        values=dict(signed.values),
        change_note=_("Renewal of %(reference)s", reference=agreement.reference),
        actor=actor,
        complete=False,
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


def give_notice(
    agreement: Agreement, given_by: Organisation, given_on: date, reason: str, actor, today=None
) -> None:
    """Record the notice ``given_by`` gave on ``given_on`` and end the agreement after the notice period."""
    if given_by not in agreement.parties:
        raise OperationRefused(_("Notice can only be given by a party to the agreement."), "given_by")
    if given_on > (today or helsinki_today()):
        raise OperationRefused(_("The day notice was given cannot be in the future."), "given_on")
    lifecycle.ensure_allowed(agreement, AgreementStatus.TERMINATED, "terminate")
    previous_end = agreement.end_date
    ends = max(end_after_notice(given_on, agreement.notice_period_months, previous_end), agreement.start_date)
    agreement.notice_given_on, agreement.notice_given_by, agreement.end_date = given_on, given_by, ends
    details = {
        "given_by": given_by.name,
        "notice_given_on": given_on.isoformat(),
        "end_date": ends.isoformat(),
        "previous_end": previous_end.isoformat() if previous_end else None,
        "reason": reason,
    }
    lifecycle.transition(agreement, AgreementStatus.TERMINATED, "terminate", actor, details)
    notifications.notify_notice_given(agreement, actor)
