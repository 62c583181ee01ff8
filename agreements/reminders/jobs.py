"""Due work of reminders and renewals, run by the scheduler (and by ``flask reminders`` commands).

``send_reminders`` gathers what each domain may need reminding of — pending signatures, comment deadlines,
agreements' notice deadlines and end dates — and sends what is due exactly once (reminders/scan.py).
``renew_automatically`` extends automatically renewing agreements on their end date. Both take ``now`` so
tests can move the clock, and both are safe to run again or in two processes at once.
"""

from datetime import datetime

from agreements.core.scheduling import ScheduledJob
from agreements.core.timeutil import utcnow
from agreements.reminders.notifications import notify_late_summary
from agreements.reminders.occasions import agreement_occasions
from agreements.reminders.renewal import renew_automatically
from agreements.reminders.scan import send_due
from agreements.reviews import jobs as review_jobs
from agreements.signatures import jobs as signature_jobs


def send_reminders(now: datetime | None = None) -> int:
    """Send every reminder that is due and was not sent; returns the number of mails queued."""
    now = now or utcnow()
    occasions = [
        *signature_jobs.reminder_occasions(now),
        *review_jobs.reminder_occasions(now),
        *agreement_occasions(now),
    ]
    return send_due(occasions, now, notify_late_summary)


SCHEDULE = [
    # Shortly after midnight, so an agreement that renews itself is never a day without being in force.
    ScheduledJob("reminders.renew_automatically", renew_automatically, "cron", {"hour": 0, "minute": 15}),
    ScheduledJob("reminders.send", send_reminders, "interval", {"minutes": 30}),
]
