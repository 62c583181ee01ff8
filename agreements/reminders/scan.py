"""Sending the reminders that are due, exactly once, and never losing one.

Each domain describes what may need reminding as Occasions (a pending signature, an open comment round, an
agreement's notice deadline...). For every occasion and recipient the latest reminder due and not yet sent is
claimed under its unique key (agreements/reminders/operations.claim_reminder) and then mailed; earlier ones
it stands for are claimed with it. A reminder found more than ``REMINDER_LATE_AFTER`` late — the scheduler was
down — is not mailed on its own: all of a person's late reminders go out together in one summary mail.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, false, or_, select

from agreements.accounts.models import User
from agreements.accounts.tokens import external_url
from agreements.core.timeutil import HELSINKI
from agreements.extensions import db
from agreements.reminders.models import ReminderKind, SentReminder
from agreements.reminders.operations import claim_reminder


class LazyLink:
    """A link to a page, built (with the configured BASE_URL) only when a mail shows it: a scan that sends
    nothing builds no URLs."""

    def __init__(self, endpoint: str, **values):
        self.endpoint, self.values = endpoint, values

    def __str__(self) -> str:
        return external_url(self.endpoint, **self.values)


@dataclass
class Occasion:
    """Something that may need reminding: when it counts from, who is reminded and how."""

    kind: ReminderKind
    agreement: object
    #: The object within the agreement, e.g. "round:12"; part of every reminder's unique key.
    subject: str
    #: The deadline the days count back from, or the event they count on from.
    anchor: datetime
    days: tuple[int, ...]
    recipients: list[User]
    #: Queues the reminder's own mail to the given recipients.
    send: Callable[[list[User]], None]
    #: Link to the page the reminder is about, for the catch-up summary (a str or a LazyLink).
    link: str | LazyLink = ""

    def due_at(self, days: int) -> datetime:
        """When the reminder ``days`` before (or after) the anchor falls due."""
        step = timedelta(days=days)
        return self.anchor - step if self.kind.counts_before else self.anchor + step

    def due(self, now: datetime) -> list[int]:
        """The day counts whose reminders have fallen due by ``now``, the earliest due first."""
        return sorted((d for d in self.days if self.due_at(d) <= now), key=self.due_at)

    def key(self, days: int) -> tuple[str, str, date]:
        return f"{self.kind.value}_{days}d", self.subject, self.due_at(days).astimezone(HELSINKI).date()


def date_anchor(day: date) -> datetime:
    """A calendar date as the moment its reminders count from: the configured hour, Helsinki time."""
    return datetime.combine(day, time(current_app.config["REMINDER_HOUR"]), tzinfo=HELSINKI)


def send_due(occasions: Iterable[Occasion], now: datetime, send_summary) -> int:
    """Send every reminder due and not yet sent; returns the number of mails queued.

    ``send_summary(user, occasions)`` mails one person the occasions whose reminders came late.
    """
    occasions = [occasion for occasion in occasions if occasion.due(now)]
    if not occasions:
        return 0
    sent_keys = _sent_keys(occasions, now)
    late = defaultdict(list)
    queued = 0
    for occasion in occasions:
        on_time = []
        for user in occasion.recipients:
            outcome = _claim_latest(occasion, user, now, sent_keys)
            if outcome == "on_time":
                on_time.append(user)
            elif outcome == "late":
                late[user].append(occasion)
        if on_time:
            occasion.send(on_time)
            queued += len(on_time)
    for user, theirs in late.items():
        send_summary(user, theirs)
        queued += 1
    return queued


def _claim_latest(occasion: Occasion, user: User, now: datetime, sent_keys: set) -> str | None:
    """Claim the latest reminder due to ``user``: "on_time", "late", or None when nothing is to be sent."""
    unsent = [d for d in occasion.due(now) if (*occasion.key(d), user.id) not in sent_keys]
    if not unsent:
        return None
    latest = unsent[-1]
    is_late = now - occasion.due_at(latest) > current_app.config["REMINDER_LATE_AFTER"]
    if not claim_reminder(occasion, latest, user, folded=is_late):
        return None  # another process sent it
    for earlier in unsent[:-1]:
        claim_reminder(occasion, earlier, user, folded=True)
    return "late" if is_late else "on_time"


def _sent_keys(occasions: list[Occasion], now: datetime) -> set[tuple[str, str, date, int]]:
    """The keys of the due reminders of these occasions already sent, read in one query."""
    windows, subjects = {}, defaultdict(set)
    for occasion in occasions:
        for days in occasion.due(now):
            kind, subject, due_on = occasion.key(days)
            earliest, latest = windows.get(kind, (due_on, due_on))
            windows[kind] = (min(earliest, due_on), max(latest, due_on))
            subjects[kind].add(subject)
    sent = [
        and_(
            SentReminder.kind == kind,
            SentReminder.subject.in_(sorted(subjects[kind])),
            SentReminder.due_on.between(earliest, latest),
        )
        for kind, (earliest, latest) in windows.items()
    ]
    query = select(SentReminder.kind, SentReminder.subject, SentReminder.due_on, SentReminder.recipient_id)
    return {tuple(row) for row in db.session.execute(query.where(or_(false(), *sent)))}
