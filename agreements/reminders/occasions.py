"""Which signed agreements need reminding of their dates: the notice deadline coming (90, 30, 7 days
before), the end date coming (30, 7 days before) and the end passed without renewal (the day after).

Agreements renewed by a signed successor are left out; an agreement that renews automatically is not
reminded of its end (it goes on) unless notice was given.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased, selectinload

from agreements.accounts.queries import editors_by_organisation
from agreements.accounts.tokens import external_url
from agreements.core.timeutil import HELSINKI
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.extensions import db
from agreements.reminders import notifications
from agreements.reminders.models import ReminderKind
from agreements.reminders.rules import agreement_days, longest
from agreements.reminders.scan import Occasion, date_anchor

SIGNED, TERMINATED = AgreementStatus.SIGNED, AgreementStatus.TERMINATED
#: How long after its end an agreement is still looked at, so a long scheduler outage loses nothing.
CATCH_UP_DAYS = 31


def agreement_occasions(now: datetime) -> list[Occasion]:
    """Every agreement date that is near, or has just passed, with the editors to remind."""
    today = now.astimezone(HELSINKI).date()
    found = [
        (ReminderKind.NOTICE_DEADLINE, agreement, agreement.notice_deadline)
        for agreement in _agreements(_notice_coming(today))
    ]
    found += [(ReminderKind.END_OF_VALIDITY, a, a.end_date) for a in _agreements(_end_coming(today))]
    found += [(ReminderKind.ENDED, a, a.end_date) for a in _agreements(_ended(today))]
    editors = editors_by_organisation({agreement.owner_id for _, agreement, _ in found})
    days = {kind: agreement_days((a.id for k, a, _ in found if k == kind), kind) for kind in ReminderKind}
    return [
        _occasion(kind, agreement, day, days[kind][agreement.id], editors[agreement.owner_id])
        for kind, agreement, day in found
    ]


def _within(column, today: date, kind: ReminderKind):
    return and_(column >= today, column <= today + timedelta(days=longest(kind)))


def _notice_coming(today: date):
    return and_(
        Agreement.status == SIGNED, _within(Agreement.notice_deadline, today, ReminderKind.NOTICE_DEADLINE)
    )


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


def _agreements(condition) -> list[Agreement]:
    """Agreements meeting ``condition`` that no signed renewal has taken over."""
    successor = aliased(Agreement)
    renewed = exists().where(successor.renewal_of_id == Agreement.id, successor.status == SIGNED)
    query = select(Agreement).where(condition, ~renewed).options(selectinload(Agreement.parties))
    return list(db.session.scalars(query.order_by(Agreement.id)))


def _occasion(kind: ReminderKind, agreement: Agreement, day: date, days, editors) -> Occasion:
    return Occasion(
        kind=kind,
        agreement=agreement,
        subject=f"agreement:{agreement.id}:{day.isoformat()}",
        anchor=date_anchor(day),
        days=days,
        recipients=editors,
        send=lambda recipients: notifications.notify_date(kind, agreement, recipients),
        link=external_url("agreements.detail", agreement_id=agreement.id),
    )
