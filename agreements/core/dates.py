"""Calendar arithmetic of agreement terms: notice deadline, term length, next term, end after notice;
Finnish working days (not a Saturday, a Sunday or a public holiday); and reading a date as people write it.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

SATURDAY = 5
#: The years of every date the service takes in: an agreement's validity, notice, decisions, deadlines.
#: Arithmetic on a date far outside them (a term after 31.12.9999) would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: How a date may be written: d.M.yyyy as people type it (7.12.2026, 07.12.2026), ISO as date inputs send it.
DAY_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")
WRONG_DAY = _l("Enter a date, e.g. 31.12.2026.")
OUTSIDE_YEARS = _l("Enter a date in the years %(first)s–%(last)s.", first=FIRST_YEAR, last=LAST_YEAR)


def parse_day(text: str) -> date | None:
    """The date written in ``text`` in one of DAY_FORMATS, or None when it is no such date."""
    for fmt in DAY_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def years_problem(day: date | None) -> str | None:
    """Why the service does not take ``day`` (its year is outside FIRST_YEAR–LAST_YEAR), or None."""
    if day is None or FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return str(OUTSIDE_YEARS)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months; the 31st becomes the last day of a shorter month. A date
    moved past the calendar's ends (before 1.1.1 or after 31.12.9999) stops at that end."""
    try:
        return day + relativedelta(months=months)
    except (ValueError, OverflowError):
        return date.min if months < 0 else date.max


def notice_deadline(end_date: date | None, notice_period_months: int) -> date | None:
    """The last day on which notice can be given so that the agreement ends at ``end_date``."""
    if end_date is None:
        return None
    return add_months(end_date, -notice_period_months)


def term_months(start_date: date, end_date: date) -> int:
    """The agreement's term in whole months (at least one), e.g. 1.1.–31.12. is 12."""
    span = relativedelta(end_date + timedelta(days=1) if end_date < date.max else end_date, start_date)
    return max(1, span.years * 12 + span.months + (1 if span.days >= 15 else 0))


def next_term(start_date: date, end_date: date) -> tuple[date, date]:
    """The term that follows: it starts the day after ``end_date`` and is as many months long."""
    months = term_months(start_date, end_date)
    start = end_date + timedelta(days=1)
    return start, add_months(start, months) - timedelta(days=1)


def end_after_notice(notice_given_on: date, notice_period_months: int, end_date: date | None) -> date:
    """When an agreement given notice on ``notice_given_on`` ends: after the notice period, or at its own
    end date if that comes first."""
    after_notice = add_months(notice_given_on, notice_period_months)
    return min(after_notice, end_date) if end_date is not None else after_notice


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    """Finland's public holidays of ``year``, Midsummer Eve and Christmas Eve included."""
    return frozenset(holidays.country_holidays("FI", years=year))


def is_public_holiday(day: date) -> bool:
    """Whether ``day`` is a Finnish public holiday, e.g. Independence Day 6.12., Midsummer Eve."""
    return day in _public_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day in Finland: Monday to Friday and not a public holiday."""
    return day.weekday() < SATURDAY and not is_public_holiday(day)


def previous_working_day(day: date) -> date:
    """The last working day before ``day``, e.g. Friday 4.12.2026 for Sunday 6.12.2026."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def last_working_day(day: date) -> date:
    """``day`` itself when it is a working day, otherwise the working day before it: by when to act on a
    deadline that falls on a weekend or a public holiday."""
    return day if is_working_day(day) else previous_working_day(day)
