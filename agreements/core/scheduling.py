"""How a domain declares its scheduled work: each ``jobs.py`` lists ``SCHEDULE``, a list of ScheduledJob.

``agreements.scheduler`` collects every domain's SCHEDULE into the one scheduler process. A job function
takes no arguments, runs in an application context, flushes its changes and returns how many things it
did (mails queued, rounds closed...); the scheduler commits, and logs that number.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScheduledJob:
    """One piece of due work and when the scheduler runs it."""

    #: Unique, stable name, e.g. "reviews.close_expired_rounds"; shown in the log.
    id: str
    func: Callable[[], int | None]
    #: An APScheduler 3 trigger alias: "interval" or "cron".
    trigger: str
    #: The trigger's arguments, e.g. {"minutes": 15} or {"hour": 8, "minute": 0}.
    trigger_args: dict = field(default_factory=dict)
