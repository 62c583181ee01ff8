"""A notice deadline that falls on a weekend or a public holiday: the stored deadline stays the legal date,
but reminders count from, and the calendar shows, the working day before it, and both say why."""

from datetime import date

from flask_babel import gettext as _

from agreements.core.dates import is_public_holiday, last_working_day
from agreements.core.web import format_day


def notice_act_by(agreement) -> date | None:
    """The last working day on or before the agreement's notice deadline; None without a deadline."""
    deadline = agreement.notice_deadline
    return last_working_day(deadline) if deadline is not None else None


def notice_deadline_note(agreement) -> str:
    """Why to act before the notice deadline, when it falls on a weekend or a public holiday; else ""."""
    deadline = agreement.notice_deadline
    act_by = notice_act_by(agreement)
    if act_by is None or act_by == deadline:
        return ""
    dates = {"deadline": format_day(deadline), "act_by": format_day(act_by)}
    if is_public_holiday(deadline):
        return _(
            "The last day to give notice, %(deadline)s, is a public holiday: act by the previous working "
            "day, %(act_by)s.",
            **dates,
        )
    return _(
        "The last day to give notice, %(deadline)s, falls on a weekend: act by the previous working day, "
        "%(act_by)s.",
        **dates,
    )
