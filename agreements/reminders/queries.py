"""Read models of agreements' dates: the notice deadlines and ends due for a user's organisations."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from agreements.drafting.models import Agreement, AgreementStatus, agreement_parties
from agreements.extensions import db
from agreements.reminders.working_days import notice_act_by, notice_deadline_note

#: A notice deadline on a weekend or a holiday is acted on earlier: how far past the window one may fall.
LONGEST_HOLIDAY = timedelta(days=7)


@dataclass(frozen=True)
class Deadline:
    """Something that falls due on ``day`` (Helsinki): at ``time`` when it has one, else all day."""

    day: date
    label: str
    title: str
    url: str
    time: datetime | None = None
    #: Why the day is earlier than the date in the agreement (a weekend or a public holiday), or "".
    note: str = ""


def _bound_agreements(organisation_ids: set[int]) -> Select:
    """Ids of the agreements that bind one of the organisations."""
    return select(agreement_parties.c.agreement_id).where(
        agreement_parties.c.organisation_id.in_(organisation_ids), agreement_parties.c.bound
    )


def agreement_deadlines_between(user, first: date, last: date) -> list[Deadline]:
    """The notice deadlines (as the working day to act by) and end dates from ``first`` to ``last`` of the
    agreements that bind the user's organisations, and the own last days of those of them that gave notice
    alone; by day."""
    organisation_ids = user.organisation_ids()
    if not organisation_ids:
        return []
    ours = _bound_agreements(organisation_ids)
    deadlines = _notice_deadlines(ours, first, last) + _ends(ours, first, last)
    deadlines += _own_ends(organisation_ids, first, last)
    return sorted(deadlines, key=lambda deadline: (deadline.day, deadline.title))


def _notice_deadlines(ours, first: date, last: date) -> list[Deadline]:
    query = select(Agreement).where(
        Agreement.status == AgreementStatus.SIGNED,
        Agreement.notice_deadline.between(first, last + LONGEST_HOLIDAY),
        Agreement.id.in_(ours),
    )
    return [
        Deadline(
            notice_act_by(agreement),
            _l("Last day to give notice"),
            str(agreement),
            url_for("agreements.detail", agreement_id=agreement.id),
            note=notice_deadline_note(agreement),
        )
        for agreement in db.session.scalars(query)
        if notice_act_by(agreement) <= last
    ]


def _ends(ours, first: date, last: date) -> list[Deadline]:
    query = select(Agreement).where(
        Agreement.has_validity, Agreement.end_date.between(first, last), Agreement.id.in_(ours)
    )
    return [
        Deadline(
            agreement.end_date,
            _l("Agreement ends"),
            str(agreement),
            url_for("agreements.detail", agreement_id=agreement.id),
        )
        for agreement in db.session.scalars(query)
    ]


def _own_ends(organisation_ids: set[int], first: date, last: date) -> list[Deadline]:
    query = (
        select(Agreement, agreement_parties.c.left_on)
        .join(agreement_parties, agreement_parties.c.agreement_id == Agreement.id)
        .where(
            Agreement.has_validity,
            agreement_parties.c.organisation_id.in_(organisation_ids),
            agreement_parties.c.left_on.between(first, last),
        )
    )
    return [
        Deadline(
            left_on,
            _l("Your organisation's part ends"),
            str(agreement),
            url_for("agreements.detail", agreement_id=agreement.id),
        )
        for agreement, left_on in db.session.execute(query)
    ]
