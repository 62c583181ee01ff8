"""Scheduled work of the shared core: delivering the mail outbox, and forgetting old form submissions.

Only the scheduler process delivers over SMTP; web workers merely queue. Each run takes what is due, so a
run that comes late (or a scheduler that was down) sends everything waiting, and a lease on each message
keeps a second process from sending it again.
"""

from agreements.core.mail import deliver_queued
from agreements.core.once import forget_old_submissions
from agreements.core.scheduling import ScheduledJob

SCHEDULE = [
    ScheduledJob("mail.deliver", deliver_queued, "interval", {"seconds": 30}),
    ScheduledJob("forms.forget_old_submissions", forget_old_submissions, "cron", {"hour": 3, "minute": 30}),
]
