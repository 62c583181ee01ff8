"""A user's deadlines as an iCalendar feed at a secret address that the user can renew.

Nothing secret is stored: the address carries ``[user id, generation]`` signed with the app's secret key,
and renewing the address raises the user's generation, so every earlier address stops working.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_date, format_datetime, ngettext
from flask_babel import gettext as _
from icalendar import Calendar, Event
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from agreements.accounts.models import MembershipRole, User
from agreements.accounts.tokens import external_url
from agreements.core.audit import record
from agreements.core.timeutil import HELSINKI
from agreements.drafting.models import Agreement, AgreementStatus, agreement_parties
from agreements.extensions import db
from agreements.reminders.dates import notice_deadline
from agreements.reviews.models import CommentRound, RoundStatus
from agreements.reviews.queries import is_invited, rounds_for
from agreements.signatures.jobs import turn_started
from agreements.signatures.models import RequestStatus, Signature, SignatureRequest, SignatureStatus
from agreements.signatures.operations import whose_turn

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

    def component(self, stamp: datetime) -> Event:
        """The event as an iCalendar VEVENT stamped with ``stamp``."""
        event = Event()
        event.add("uid", f"{self.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", self.start)
        if not isinstance(self.start, datetime):
            event.add("dtend", self.start + timedelta(days=1))
        event.add("summary", self.summary)
        # Many calendar apps show the description but not the URL property, so the link is in both.
        event.add("description", f"{self.description}\n\n{self.url}")
        event.add("url", self.url)
        return event


def feed(user: User, now: datetime) -> bytes:
    """The user's deadlines as an iCalendar file, in their interface language."""
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
    """Every event of the user's feed; those that ended more than a year before ``now`` are left out."""
    since = now - HISTORY
    since_day = since.astimezone(HELSINKI).date()
    return [
        *_round_events(user, since),
        *_signature_events(user, since_day),
        *_agreement_events(user, since_day),
    ]


def _round_events(user: User, since: datetime) -> list[FeedEvent]:
    """Deadlines of open rounds the user is invited to, or drafts as an editor of the owner workshop."""
    query = (
        rounds_for(user)
        .where(CommentRound.status == RoundStatus.OPEN, CommentRound.deadline >= since)
        .options(selectinload(CommentRound.invitations))
    )
    editor_of = user.organisation_ids(MembershipRole.EDITOR)
    return [
        FeedEvent(
            uid=f"round-{comment_round.id}-deadline",
            start=comment_round.deadline,
            summary=_("Comment deadline: %(agreement)s", agreement=str(comment_round.agreement)),
            description=_(
                "Comments are due by %(deadline)s (Finnish time).",
                deadline=format_datetime(comment_round.deadline, DATETIME_FORMAT),
            ),
            url=external_url("reviews.detail", round_id=comment_round.id),
        )
        for comment_round in db.session.scalars(query)
        if comment_round.agreement.owner_id in editor_of or is_invited(user, comment_round)
    ]


def _signatures_asked(user: User) -> list[Signature]:
    """The user's pending signatures whose turn it is, with their requests and agreements loaded at once."""
    request = contains_eager(Signature.request)
    query = (
        select(Signature)
        .join(Signature.request)
        .where(
            Signature.signatory_id == user.id,
            Signature.status == SignatureStatus.PENDING,
            SignatureRequest.status == RequestStatus.PENDING,
        )
        .options(
            request.selectinload(SignatureRequest.signatures),
            request.selectinload(SignatureRequest.agreement),
            joinedload(Signature.organisation),
        )
        .order_by(SignatureRequest.sent_at, Signature.id)
    )
    return [signature for signature in db.session.scalars(query) if whose_turn(signature)]


def _signature_events(user: User, since_day: date) -> list[FeedEvent]:
    """An all-day event for each signature asked of the user, on the day their turn began."""
    events = []
    for signature in _signatures_asked(user):
        day = turn_started(signature).astimezone(HELSINKI).date()
        if day < since_day:
            continue
        events.append(
            FeedEvent(
                uid=f"signature-{signature.id}",
                start=day,
                summary=_("Sign: %(agreement)s", agreement=str(signature.request.agreement)),
                description=_(
                    "Your signature is asked for %(organisation)s.", organisation=signature.organisation.name
                ),
                url=external_url("signatures.sign", signature_id=signature.id),
            )
        )
    return events


def _dated_agreements(user: User, since_day: date) -> list[Agreement]:
    """Agreements with a validity (signed or terminated, ``Agreement.has_validity``) to which one of the
    user's organisations is a party, ending from ``since_day`` on."""
    organisation_ids = user.organisation_ids()
    as_party = select(agreement_parties.c.agreement_id).where(
        agreement_parties.c.organisation_id.in_(organisation_ids)
    )
    query = (
        select(Agreement)
        .where(
            Agreement.has_validity,
            Agreement.end_date >= since_day,
            or_(Agreement.id.in_(as_party), Agreement.owner_id.in_(organisation_ids)),
        )
        .options(selectinload(Agreement.parties))
        .order_by(Agreement.end_date, Agreement.id)
    )
    return list(db.session.scalars(query))


def _agreement_events(user: User, since_day: date) -> list[FeedEvent]:
    """The end date of each of the user's signed and terminated agreements, and a signed one's notice
    deadline."""
    events = []
    for agreement in _dated_agreements(user, since_day):
        url = external_url("agreements.detail", agreement_id=agreement.id)
        end = format_date(agreement.end_date, DATE_FORMAT)
        parties = ", ".join(party.name for party in agreement.parties)
        events.append(
            FeedEvent(
                uid=f"agreement-{agreement.id}-end",
                start=agreement.end_date,
                summary=_("Agreement ends: %(agreement)s", agreement=str(agreement)),
                description=_(
                    "The agreement between %(parties)s ends on %(date)s.", parties=parties, date=end
                ),
                url=url,
            )
        )
        deadline = notice_deadline(agreement.end_date, agreement.notice_period_months)
        if agreement.status == AgreementStatus.SIGNED and deadline >= since_day:
            events.append(_notice_event(agreement, deadline, end, url))
    return events


def _notice_event(agreement: Agreement, deadline: date, end: str, url: str) -> FeedEvent:
    """The last day on which notice can be given so that a signed agreement ends at its end date."""
    months = agreement.notice_period_months
    return FeedEvent(
        uid=f"agreement-{agreement.id}-notice",
        start=deadline,
        summary=_("Last day to give notice: %(agreement)s", agreement=str(agreement)),
        description=ngettext(
            "The notice period is %(num)s month: notice given by this day ends the agreement on %(date)s.",
            "The notice period is %(num)s months: notice given by this day ends the agreement on %(date)s.",
            months,
            date=end,
        ),
        url=url,
    )
