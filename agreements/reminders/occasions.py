"""Which signed agreements need reminding of their dates: the notice deadline coming (90, 30, 7 days
before), the end date coming (30, 7 days before) and the end passed without renewal (the day after); and
which parties that gave notice alone need reminding of their own end coming (as of an end date). A notice
deadline on a weekend or a public holiday is reminded of as if it were the working day before it.

Agreements renewed by a signed successor are left out; an agreement that renews automatically is not
reminded of its end (it goes on) unless notice was given. The drafting workshop's editors are reminded of
the agreement's dates; a party's own end is told to that party's editors.

The database selects only the agreements with something to send: for each day count of the default rule,
the dates whose reminder has fallen due by now are those up to a bound computed here, and an agreement is
read when one of its due reminders has not been recorded for one of the editors (an agreement with a rule
of its own is always read, and the scan decides). So the scan reads no more with more agreements that have
nothing due.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import Date, String, and_, cast, exists, false, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from agreements.accounts.models import Membership, MembershipRole, User
from agreements.accounts.queries import members_by_organisation
from agreements.core.dates import last_working_day
from agreements.core.timeutil import HELSINKI
from agreements.drafting.models import Agreement, AgreementParty, AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.reminders import notifications
from agreements.reminders.models import AgreementReminderRule, ReminderKind, SentReminder
from agreements.reminders.rules import agreement_days, default_days, longest
from agreements.reminders.scan import LazyLink, Occasion, date_anchor
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
    found = _agreements({kind: and_(condition, _unsent(kind, now)) for kind, condition in searches.items()})
    if not found:
        return []
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


def _dated(kind: ReminderKind):
    """The agreement's date that ``kind`` of reminders counts from."""
    return Agreement.notice_deadline if kind == ReminderKind.NOTICE_DEADLINE else Agreement.end_date


def _unsent(kind: ReminderKind, now: datetime):
    """Agreements with a rule of their own, or with a reminder of the default days due by ``now`` that an
    active editor of the drafting workshop has not been sent."""
    own = exists().where(
        AgreementReminderRule.agreement_id == Agreement.id, AgreementReminderRule.kind == kind
    )
    return or_(own, _someone_not_sent(kind, _due_days(kind, now)))


def _due_days(kind: ReminderKind, now: datetime):
    """Rows of each default day count's reminder kind and the latest date whose reminder is due by ``now``."""
    rows = [
        select(
            literal(f"{kind.value}_{days}d", String).label("kind"),
            literal(_due_bound(kind, days, now), Date).label("bound"),
        )
        for days in default_days(kind)
    ]
    if not rows:
        return None
    return union_all(*rows).subquery("due_days") if len(rows) > 1 else rows[0].subquery("due_days")


def _due_bound(kind: ReminderKind, days: int, now: datetime) -> date:
    """The latest notice deadline or end whose reminder ``days`` from it is due by ``now``."""
    last_due = now.astimezone(HELSINKI).date()
    if date_anchor(last_due) > now:
        last_due -= timedelta(days=1)
    if not kind.counts_before:
        return last_due - timedelta(days=days)
    anchor = last_due + timedelta(days=days)
    if kind != ReminderKind.NOTICE_DEADLINE:
        return anchor
    # Reminders count from the working day on or before the deadline: deadlines up to the next working day
    # after ``anchor`` count from ``anchor`` or earlier.
    deadline = anchor + LONGEST_DAYS_OFF
    while last_working_day(deadline) > anchor:
        deadline -= timedelta(days=1)
    return deadline


def _someone_not_sent(kind: ReminderKind, due_days):
    """An active editor of the agreement's workshop has no record of one of the reminders due.

    A record's due date need not be compared: the subject holds the date the days count from, and the due
    date follows from it and the kind (a notice deadline's through the fixed calendar of working days)."""
    if due_days is None:
        return false()
    column = _dated(kind)
    subject = literal("agreement:") + cast(Agreement.id, String) + ":" + cast(column, String)
    sent = exists().where(
        SentReminder.agreement_id == Agreement.id,
        SentReminder.kind == due_days.c.kind,
        SentReminder.subject == subject,
        SentReminder.recipient_id == Membership.user_id,
    )
    unsent = (
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .join(due_days, column <= due_days.c.bound)
        .where(Membership.organisation_id == Agreement.owner_id, Membership.role == MembershipRole.EDITOR)
        .where(User.active, ~sent.correlate_except(SentReminder))
    )
    return exists(unsent)


def _agreements(conditions: dict) -> list[tuple[ReminderKind, Agreement, tuple[int, ...]]]:
    """For each kind, the agreements meeting its condition that no signed renewal has taken over, with
    their days of that kind: kind by kind, by id. Found in one statement; read only when there are some."""
    successor = aliased(Agreement)
    renewed = exists().where(successor.renewal_of_id == Agreement.id, successor.status == SIGNED)
    order = {kind: number for number, kind in enumerate(conditions)}
    found = db.session.execute(
        union_all(
            *(
                select(literal(kind.value, String).label("kind"), Agreement.id).where(condition, ~renewed)
                for kind, condition in conditions.items()
            )
        )
    ).all()
    if not found:
        return []
    query = select(Agreement).where(Agreement.id.in_({agreement_id for _, agreement_id in found}))
    agreements = {agreement.id: agreement for agreement in db.session.scalars(query)}
    days = {kind: agreement_days(list(agreements), kind) for kind in conditions}
    pairs = sorted((ReminderKind(value), agreement_id) for value, agreement_id in found)
    pairs.sort(key=lambda pair: order[pair[0]])  # stable: by id within a kind
    return [(kind, agreements[agreement_id], days[kind][agreement_id]) for kind, agreement_id in pairs]


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
        link=LazyLink("agreements.detail", agreement_id=agreement.id),
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
    if not found:
        return []
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
        link=LazyLink("agreements.detail", agreement_id=agreement.id),
    )
