"""How a domain declares its time-driven work in its ``jobs.py``, and how it is collected.

Each jobs module may list ``SCHEDULE`` (ScheduledJobs), ``REMINDERS`` (functions ``now -> [Occasion]`` that
find what may need reminding) and ``DEADLINES`` (functions ``(user, since) -> [FeedEvent]`` for calendar
feeds). The app tier names the jobs modules (``agreements.scheduler.JOB_MODULES``) and hands them to the app
with ``register_job_modules``; ``collect`` then gathers one of those lists from every module, so the package
that uses them never imports the domains that supply them.

A job function takes no arguments, runs in an application context, flushes its changes and returns how many
things it did (mails queued, rounds closed...); the scheduler commits, and logs that number.
"""

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import Flask, current_app

_EXTENSION = "sopimuspolku.job_modules"


def register_job_modules(app: Flask, module_names: Iterable[str]) -> None:
    """Tell ``app`` which modules hold the domains' jobs, reminders and deadlines, in running order."""
    app.extensions[_EXTENSION] = tuple(module_names)


def collect(attribute: str) -> list:
    """Every item of the list ``attribute`` (e.g. "SCHEDULE") of each registered jobs module, in order."""
    modules = [importlib.import_module(name) for name in current_app.extensions[_EXTENSION]]
    return [item for module in modules for item in getattr(module, attribute, ())]


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
