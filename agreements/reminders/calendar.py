"""A user's deadlines as an iCalendar feed at a secret address that the user can renew.

Nothing secret is stored: the address carries ``[user id, generation]`` signed with the app's secret key,
and renewing the address raises the user's generation, so every earlier address stops working.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from agreements.accounts.models import User
from agreements.accounts.tokens import external_url
from agreements.core.audit import record
from agreements.core.dates import notice_deadline
from agreements.core.scheduling import collect
from agreements.core.timeutil import HELSINKI
from agreements.drafting.models import Agreement, AgreementStatus, agreement_parties
from agreements.extensions import db
from agreements.reminders.working_days import notice_act_by, notice_deadline_note

if TYPE_CHECKING:
    from icalendar import Event

FEED_SALT = "calendar-feed"
#: The right-hand side of every event's UID, e.g. ``round-12-deadline@sopimuspolku``.
UID_DOMAIN = "sopimuspolku"
#: Events that ended longer ago than this are left out of the feed.
HISTORY = timedelta(days=365)
DATETIME_FORMAT = "d.M.yyyy HH.mm"
DATE_FORMAT = "d.M.yyyy"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_SALT)


def feed_token(user: User) -> str:
    """The token in the user's current feed address."""
    return _serializer().dumps([user.id, user.calendar_feed_generation])


def feed_url(user: User) -> str:
    """The user's current feed address, absolute on BASE_URL."""
    return external_url("calendar.feed", token=feed_token(user))


def user_for_feed_token(token: str) -> User | None:
    """The active user whose current feed address carries ``token``; None for a bad or an old token."""
    try:
        user_id, generation = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.calendar_feed_generation != generation:
        return None
    return user


def renew_feed_address(user: User) -> None:
    """Give the user a new feed address; every earlier address stops working at once."""
    user.calendar_feed_generation = User.calendar_feed_generation + 1  # atomic under concurrent renewals
    db.session.flush()
    record("account.calendar_feed_renew", user, {"generation": user.calendar_feed_generation}, actor=user)


@dataclass(frozen=True)
class FeedEvent:
    """One event: timed when ``start`` is a datetime (UTC), all-day when it is a date (Helsinki)."""

    uid: str
    start: datetime | date
    summary: str
    description: str
    url: str

    def component(self, stamp: datetime) -> "Event":
        """The event as an iCalendar VEVENT stamped with ``stamp``."""
        from icalendar import Event  # loads with the first feed, not in every web worker

        event = Event()
        event.add("uid", f"{self.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", self.start)
        if not isinstance(self.start, datetime) and self.start < date.max:
            event.add("dtend", self.start + timedelta(days=1))  # without it, the same one day (RFC 5545)
        event.add("summary", self.summary)
        # Many calendar apps show the description but not the URL property, so the link is in both.
        event.add("description", f"{self.description}\n\n{self.url}")
        event.add("url", self.url)
        return event


def feed(user: User, now: datetime) -> bytes:
    """The user's deadlines as an iCalendar file, in their interface language."""
    from icalendar import Calendar

    with force_locale(user.locale.value):
        calendar = Calendar()
        calendar.add("prodid", "-//Sopimuspolku//Deadlines//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Sopimuspolku deadlines"))
        for event in feed_events(user, now):
            calendar.add_component(event.component(now))
    return calendar.to_ical()


def feed_events(user: User, now: datetime) -> list[FeedEvent]:
    """Every event of the user's feed, from each domain's ``DEADLINES``; those that ended more than a year
    before ``now`` are left out."""
    since = now - HISTORY
    return [event for deadlines in collect("DEADLINES") for event in deadlines(user, since)]


def _dated_agreements(organisation_ids: set[int], since_day: date) -> list[Agreement]:
    """Agreements with a validity (signed or terminated, ``Agreement.has_validity``) that bind one of the
    organisations (an organisation invited to a commitment that has not joined is not bound), ending from
    ``since_day`` on, or which one of them leaves from that day on."""
    as_party = select(agreement_parties.c.agreement_id).where(
        agreement_parties.c.organisation_id.in_(organisation_ids), agreement_parties.c.bound
    )
    leaving = as_party.where(agreement_parties.c.left_on >= since_day)
    query = (
        select(Agreement)
        .where(
            Agreement.has_validity,
            or_(Agreement.end_date >= since_day, Agreement.id.in_(leaving)),
            or_(Agreement.id.in_(as_party), Agreement.owner_id.in_(organisation_ids)),
        )
        .options(selectinload(Agreement.parties), selectinload(Agreement.party_terms))
        .order_by(Agreement.end_date, Agreement.id)
    )
    return list(db.session.scalars(query))


def agreement_deadlines(user: User, since: datetime) -> list[FeedEvent]:
    """The end date of each of the user's signed and terminated agreements, and a signed one's notice
    deadline; where the user's organisation gave notice alone, its own end instead."""
    since_day = since.astimezone(HELSINKI).date()
    organisation_ids = user.organisation_ids()
    events = []
    for agreement in _dated_agreements(organisation_ids, since_day):
        url = external_url("agreements.detail", agreement_id=agreement.id)
        ours = [terms for terms in agreement.party_terms if terms.organisation_id in organisation_ids]
        left = [terms for terms in ours if terms.left_on is not None]
        events += [_party_end_event(agreement, terms, url) for terms in left if terms.left_on >= since_day]
        staying = agreement.owner_id in organisation_ids or len(left) < len(ours)
        if staying and agreement.end_date is not None and agreement.end_date >= since_day:
            events += _end_events(agreement, since_day, url)
    return events


def _end_events(agreement: Agreement, since_day: date, url: str) -> list[FeedEvent]:
    """The agreement's end date, and a signed one's notice deadline unless it has passed."""
    end = format_date(agreement.end_date, DATE_FORMAT)
    parties = ", ".join(party.name for party in agreement.parties)
    events = [
        FeedEvent(
            uid=f"agreement-{agreement.id}-end",
            start=agreement.end_date,
            summary=_("Agreement ends: %(agreement)s", agreement=str(agreement)),
            description=_("The agreement between %(parties)s ends on %(date)s.", parties=parties, date=end),
            url=url,
        )
    ]
    deadline = notice_deadline(agreement.end_date, agreement.notice_period_months)
    if agreement.status == AgreementStatus.SIGNED and deadline >= since_day:
        events.append(_notice_event(agreement, end, url))
    return events


def _party_end_event(agreement: Agreement, terms, url: str) -> FeedEvent:
    """The last day of a party that gave notice alone: its part ends, the agreement goes on for the others."""
    name = next(party.name for party in agreement.parties if party.id == terms.organisation_id)
    return FeedEvent(
        uid=f"agreement-{agreement.id}-party-{terms.organisation_id}-end",
        start=terms.left_on,
        summary=_(
            "Part of %(organisation)s ends: %(agreement)s", organisation=name, agreement=str(agreement)
        ),
        description=_(
            "%(organisation)s gave notice on %(given)s: its part in the agreement ends on %(date)s, and the "
            "agreement goes on for the other parties.",
            organisation=name,
            given=format_date(terms.notice_given_on, DATE_FORMAT),
            date=format_date(terms.left_on, DATE_FORMAT),
        ),
        url=url,
    )


def _notice_event(agreement: Agreement, end: str, url: str) -> FeedEvent:
    """The last day on which notice can be given so that a signed agreement ends at its end date; on the
    working day before, with a note why, when that day falls on a weekend or a public holiday."""
    months = agreement.notice_period_months
    period = ngettext(
        "The notice period is %(num)s month: notice given by this day ends the agreement on %(date)s.",
        "The notice period is %(num)s months: notice given by this day ends the agreement on %(date)s.",
        months,
        date=end,
    )
    note = notice_deadline_note(agreement)
    return FeedEvent(
        uid=f"agreement-{agreement.id}-notice",
        start=notice_act_by(agreement),
        summary=_("Last day to give notice: %(agreement)s", agreement=str(agreement)),
        description=f"{period}\n\n{note}" if note else period,
        url=url,
    )
