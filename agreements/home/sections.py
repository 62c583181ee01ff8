"""What the home page gathers from the domains, section by section, in a fixed number of SQL statements.

Each section holds at most SHOWN items and the total count; the page links to the full list where there
is one. Every query is batched (no lazy load per item), so the statements do not grow with the data.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from agreements.accounts.models import User
from agreements.core.mail import failed_messages
from agreements.core.timeutil import HELSINKI
from agreements.dashboard.counts import latest_snapshot
from agreements.drafting.queries import in_progress, in_progress_counts
from agreements.extensions import db
from agreements.organisations.models import Network
from agreements.organisations.queries import organisation_counts_by_network
from agreements.reminders.queries import Deadline, agreement_deadlines_between
from agreements.reviews.queries import open_requests, round_deadlines_between, rounds_to_resolve
from agreements.signatures.queries import signatures_awaiting

#: How many items a section lists; the rest are behind its "show all" link.
SHOWN = 10
#: How far ahead the deadlines section looks.
HORIZON = timedelta(days=90)


@dataclass(frozen=True)
class Section:
    """The first SHOWN items of a section and how many there are in all."""

    items: list
    total: int
    #: Extra figures of the section, e.g. agreements in progress by status.
    counts: dict = field(default_factory=dict)


def _first(items: list) -> Section:
    return Section(items[:SHOWN], len(items))


def _count(query: Select) -> int:
    """How many rows ``query`` has, counted without its order."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def _first_of_query(query: Select) -> Section:
    """The first SHOWN rows of ``query`` and its count: two statements, whatever the size."""
    return Section(list(db.session.scalars(query.limit(SHOWN))), _count(query))


def signatures(user: User) -> Section:
    """Signatures asked of the user now, the oldest request first."""
    return _first(signatures_awaiting(user))


def comment_requests(user: User, now: datetime) -> Section:
    """Open rounds asking for the user's views that they have not yet answered, the nearest deadline first."""
    return _first(open_requests(user, now))


def resolutions(user: User) -> Section:
    """Rounds with comments waiting for the user's resolution; the total counts the comments."""
    rounds = rounds_to_resolve(user)
    return Section(rounds[:SHOWN], sum(count for _round, count in rounds))


def agreements_in_progress(user: User) -> Section:
    """The user's organisations' drafts, rounds and signature requests in progress, by status."""
    counts = in_progress_counts(user)
    return Section(in_progress(user, SHOWN), sum(counts.values()), counts)


def deadlines(user: User, now: datetime) -> Section:
    """Notice deadlines, ends and comment deadlines in the next HORIZON, the nearest first."""
    today = now.astimezone(HELSINKI).date()
    found = agreement_deadlines_between(user, today, today + HORIZON)
    found += [
        Deadline(
            comment_round.deadline.astimezone(HELSINKI).date(),
            _l("Comment deadline"),
            str(comment_round.agreement),
            url_for("reviews.detail", round_id=comment_round.id),
            time=comment_round.deadline,
        )
        for comment_round in round_deadlines_between(user, now, now + HORIZON)
    ]
    return _first(sorted(found, key=lambda deadline: deadline.day))


def failed_mail(user: User) -> Section:
    """Mail the user's actions caused that could not be delivered, newest first."""
    return _first_of_query(failed_messages(user.id))


def system_summary() -> dict:
    """The administrators' view of the system: mail that could not be delivered, the scheduler's last run."""
    snapshot = latest_snapshot()
    return {
        "failed_mail": _count(failed_messages()),
        "scheduler_seen_at": snapshot.checked_at if snapshot is not None else None,
    }


def coordinator_networks(user: User) -> list[dict]:
    """The user's networks with their regions and their count of active organisations by kind."""
    ids = [network.id for network in user.coordinated_networks]
    networks = db.session.scalars(
        select(Network)
        .where(Network.id.in_(ids))
        .options(selectinload(Network.regions))
        .order_by(Network.name)
    )
    counts = organisation_counts_by_network(ids)
    return [{"network": network, "counts": counts[network.id]} for network in networks]
