"""Which signed agreements need reminding of their dates: the notice deadline coming (90, 30, 7 days
before), the end date coming (30, 7 days before) and the end passed without renewal (the day after); and
which parties that gave notice alone need reminding of their own end coming (as of an end date). A notice
deadline on a weekend or a public holiday is reminded of as if it were the working day before it.

Agreements renewed by a signed successor are left out; an agreement that renews automatically is not
reminded of its end (it goes on) unless notice was given. The drafting workshop's editors are reminded of
the agreement's dates; a party's own end is told to that party's editors.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from agreements.accounts.models import MembershipRole
from agreements.accounts.queries import members_by_organisation
from agreements.accounts.tokens import external_url
from agreements.core.timeutil import HELSINKI
from agreements.drafting.models import Agreement, AgreementParty, AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.reminders import notifications
from agreements.reminders.models import ReminderKind
from agreements.reminders.rules import agreement_days, longest
from agreements.reminders.scan import Occasion, date_anchor
from agreements.reminders.working_days import notice_act_by

SIGNED, TERMINATED = AgreementStatus.SIGNED, AgreementStatus.TERMINATED
#: How long after its end an agreement is still looked at, so a long scheduler outage loses nothing.
CATCH_UP_DAYS = 31
#: More than the longest run of days off in Finland (e.g. Good Friday to Easter Monday), by which a
#: notice deadline's reminders may count from before the deadline itself.
LONGEST_DAYS_OFF = timedelta(days=7)


def agreement_occasions(now: datetime) -> list[Occasion]:
    """Every agreement date that is near, or has just passed, with the editors to remind."""
    today = now.astimezone(HELSINKI).date()
    searches = {
        ReminderKind.NOTICE_DEADLINE: _notice_coming(today),
        ReminderKind.END_OF_VALIDITY: _end_coming(today),
        ReminderKind.ENDED: _ended(today),
    }
    found = [(kind, *pair) for kind, condition in searches.items() for pair in _agreements(condition, kind)]
    editors = members_by_organisation({a.owner_id for _, a, _ in found}, MembershipRole.EDITOR)
    return [_occasion(kind, agreement, days, editors[agreement.owner_id]) for kind, agreement, days in found]


def _within(column, today: date, kind: ReminderKind):
    return and_(column >= today, column <= today + timedelta(days=longest(kind)))


def _notice_coming(today: date):
    """Signed agreements whose notice deadline is near: reminders count from the working day before a
    deadline on a weekend or a public holiday, so the search reaches that many days further."""
    kind = ReminderKind.NOTICE_DEADLINE
    reach = timedelta(days=longest(kind)) + LONGEST_DAYS_OFF
    deadline = Agreement.notice_deadline
    return and_(Agreement.status == SIGNED, deadline >= today, deadline <= today + reach)


def _end_coming(today: date):
    return and_(
        or_(
            and_(Agreement.status == SIGNED, Agreement.auto_renew.is_(False)), Agreement.status == TERMINATED
        ),
        _within(Agreement.end_date, today, ReminderKind.END_OF_VALIDITY),
    )


def _ended(today: date):
    reach = timedelta(days=longest(ReminderKind.ENDED) + CATCH_UP_DAYS)
    return and_(
        Agreement.status == SIGNED,
        Agreement.auto_renew.is_(False),
        Agreement.end_date < today,
        Agreement.end_date >= today - reach,
    )


def _agreements(condition, kind: ReminderKind) -> list[tuple[Agreement, tuple[int, ...]]]:
    """Agreements meeting ``condition`` that no signed renewal has taken over, with their days of ``kind``."""
    successor = aliased(Agreement)
    renewed = exists().where(successor.renewal_of_id == Agreement.id, successor.status == SIGNED)
    current = and_(condition, ~renewed)
    days = agreement_days(select(Agreement.id).where(current), kind)
    agreements = db.session.scalars(select(Agreement).where(current).order_by(Agreement.id))
    return [(agreement, days[agreement.id]) for agreement in agreements]


def _occasion(kind: ReminderKind, agreement: Agreement, days, editors) -> Occasion:
    notice = kind == ReminderKind.NOTICE_DEADLINE
    day = agreement.notice_deadline if notice else agreement.end_date
    return Occasion(
        kind=kind,
        agreement=agreement,
        subject=f"agreement:{agreement.id}:{day.isoformat()}",
        anchor=date_anchor(notice_act_by(agreement) if notice else day),
        days=days,
        recipients=editors,
        send=lambda recipients: notifications.notify_date(kind, agreement, recipients),
        link=external_url("agreements.detail", agreement_id=agreement.id),
    )


def party_end_occasions(now: datetime) -> list[Occasion]:
    """Each near own end of a party that gave notice alone, with that party's editors to remind."""
    kind = ReminderKind.END_OF_VALIDITY
    today = now.astimezone(HELSINKI).date()
    query = (
        select(AgreementParty, Agreement, Organisation)
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .join(Organisation, Organisation.id == AgreementParty.organisation_id)
        .where(Agreement.has_validity, AgreementParty.bound, _within(AgreementParty.left_on, today, kind))
        .order_by(AgreementParty.left_on, AgreementParty.agreement_id, AgreementParty.organisation_id)
    )
    found = db.session.execute(query).all()
    days = agreement_days({agreement.id for _, agreement, _ in found}, kind)
    editors = members_by_organisation({terms.organisation_id for terms, _, _ in found}, MembershipRole.EDITOR)
    return [
        _party_occasion(terms, agreement, days[agreement.id], editors[terms.organisation_id])
        for terms, agreement, _ in found
    ]


def _party_occasion(terms: AgreementParty, agreement: Agreement, days, editors) -> Occasion:
    return Occasion(
        kind=ReminderKind.END_OF_VALIDITY,
        agreement=agreement,
        subject=f"party:{agreement.id}:{terms.organisation_id}:{terms.left_on.isoformat()}",
        anchor=date_anchor(terms.left_on),
        days=days,
        recipients=editors,
        send=lambda recipients: notifications.notify_party_end(agreement, terms, recipients),
        link=external_url("agreements.detail", agreement_id=agreement.id),
    )
