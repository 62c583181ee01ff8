"""The reminder tests' clock: the day's due work (automatic renewal, then reminders) at a Helsinki hour."""

from datetime import date, datetime, time

from agreements.core.timeutil import HELSINKI
from agreements.extensions import db
from agreements.reminders.jobs import renew_automatically, send_reminders
from tests.support.messages import take_mail


def at(day: date, hour: int = 9) -> datetime:
    """``hour`` o'clock, Helsinki time, on ``day``."""
    return datetime.combine(day, time(hour), tzinfo=HELSINKI)


def run_day(day: date, hour: int = 9) -> dict:
    """Run the due work as the scheduler would at ``hour`` on ``day``; the mails it queued, by address."""
    renew_automatically(at(day, hour))
    send_reminders(at(day, hour))
    db.session.commit()
    return take_mail()
