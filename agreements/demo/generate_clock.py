"""Time for `flask demo generate`: the run's "now", the start of its history, and office hours in Finland."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from random import Random

from agreements.core.dates import add_months
from agreements.core.timeutil import HELSINKI

#: How many years of history are generated.
HISTORY_YEARS = 4
#: The moment of the generated "now" on its day, Helsinki time: before the working day and the reminders.
NOW_HOUR = 7


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A Helsinki wall-clock time on ``day`` as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute, second), tzinfo=HELSINKI).astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in Helsinki."""
    return moment.astimezone(HELSINKI).date()


def seeded(*parts) -> Random:
    """A random generator for one part of the run: the same parts give the same numbers on every run."""
    return Random(":".join(str(part) for part in parts))  # noqa: S311 - demo data, not secrets


def weighted(rng: Random, table):
    """A value drawn from ``table``'s (value, weight) pairs."""
    return rng.choices(*zip(*table, strict=True))[0]


def days(count: float) -> timedelta:
    """A span of ``count`` days."""
    return timedelta(days=count)


@dataclass(frozen=True)
class Clock:
    """The generated history runs from ``start`` to ``now`` (early on ``today``, Helsinki time)."""

    today: date

    @cached_property
    def now(self) -> datetime:
        """The generated present: early on ``today``, before office hours and reminders."""
        return at(self.today, NOW_HOUR)

    @cached_property
    def start(self) -> datetime:
        """Where the history begins, four years before ``today``."""
        return at(add_months(self.today, -12 * HISTORY_YEARS), 9)

    def office_time(self, rng: Random, day: date) -> datetime:
        """A moment in office hours on ``day``, or on the Monday after when ``day`` is a weekend."""
        if day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        return at(day, rng.randint(8, 15), rng.randint(0, 59), rng.randint(0, 59))

    def later(self, rng: Random, moment: datetime, low: float, high: float) -> datetime:
        """An office-hours moment ``low``–``high`` days after ``moment``, and always after it."""
        later = self.office_time(rng, local_day(moment + days(rng.uniform(low, high))))
        return later if later > moment else moment + timedelta(minutes=rng.randint(5, 120))

    def between(self, rng: Random, first: datetime, last: datetime) -> datetime:
        """A moment picked evenly between ``first`` and ``last``."""
        return first + (last - first) * rng.random()
