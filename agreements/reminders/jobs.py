"""Due work of reminders and renewals, run by the scheduler (and by ``flask reminders`` commands).

``send_reminders`` gathers what each domain may need reminding of from its jobs module's ``REMINDERS`` —
pending signatures, comment deadlines, agreements' notice deadlines and end dates, parties' own ends — and
sends what is due exactly once (reminders/scan.py). The calendar feed gathers each domain's ``DEADLINES``
the same way. ``renew_automatically`` extends automatically renewing agreements on their end date. Both take
``now`` so tests can move the clock, and both are safe to run again or in two processes at once.
"""

from datetime import datetime

from agreements.core.scheduling import ScheduledJob, collect
from agreements.core.timeutil import utcnow
from agreements.reminders.calendar import agreement_deadlines
from agreements.reminders.notifications import notify_late_summary
from agreements.reminders.occasions import agreement_occasions, party_end_occasions
from agreements.reminders.renewal import renew_automatically
from agreements.reminders.rules import rules_read_once
from agreements.reminders.scan import send_due


def send_reminders(now: datetime | None = None) -> int:
    """Send every reminder that is due and was not sent; returns the number of mails queued."""
    now = now or utcnow()
    with rules_read_once():
        occasions = [occasion for find in collect("REMINDERS") for occasion in find(now)]
    return send_due(occasions, now, notify_late_summary)


SCHEDULE = [
    # Shortly after midnight, so an agreement that renews itself is never a day without being in force.
    ScheduledJob("reminders.renew_automatically", renew_automatically, "cron", {"hour": 0, "minute": 15}),
    ScheduledJob("reminders.send", send_reminders, "interval", {"minutes": 30}),
]

#: What may need reminding, and the deadlines in users' calendar feeds: agreements' own dates, and the own
#: end of a party that gave notice alone.
REMINDERS = [agreement_occasions, party_end_occasions]
DEADLINES = [agreement_deadlines]
