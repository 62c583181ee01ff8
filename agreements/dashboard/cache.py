"""The dashboard's tables kept for a short while, so that looking again, exporting and printing are quick.

An entry is used only while its figures' source is unchanged: the scheduler's count they were made from, or,
when they were counted for a request, the latest audit event — every operation that changes organisations,
networks, agreements, rounds or signatures records one. The key also holds the scope, the day and the
language. Entries last DASHBOARD_CACHE_SECONDS at most, as the days a request has waited grow with the clock
and a job may change something unrecorded; 0 turns the cache off. Each process keeps its own entries.
"""

from collections.abc import Callable
from threading import Lock

from cachetools import TTLCache
from flask import current_app
from flask_babel import get_locale
from sqlalchemy import func, select

from agreements.core.audit import AuditEvent
from agreements.extensions import db

#: Entries kept per process: a scope and day each, a few hundred kilobytes at most.
MAX_ENTRIES = 256
_lock = Lock()


def latest_change() -> int | None:
    """The id of the latest audit event: any recorded change gives a new one."""
    return db.session.scalar(select(func.max(AuditEvent.id)))


def cached(scope, today, source: Callable[[], tuple], build: Callable[[], list]) -> list:
    """The tables ``build`` makes for ``scope`` on ``today``, from the cache when it has them.

    ``source()`` says what the figures are counted from: the scheduler's count (its id) or the data as it is
    now (the latest audit event), so a new count or a recorded change makes new tables. It is asked only
    when the cache is on.
    """
    seconds = current_app.config["DASHBOARD_CACHE_SECONDS"]
    if not seconds:
        return build()
    key = (
        tuple(network.id for network in scope.networks),
        tuple(region.id for region in scope.regions),
        tuple(network.id for network in scope.member_networks),
        today,
        str(get_locale()),
        source(),
    )
    entries = _entries(seconds)
    with _lock:
        tables = entries.get(key)
    if tables is None:
        tables = build()
        with _lock:
            entries[key] = tables
    return tables


def clear() -> None:
    """Forget every entry of this app (the benchmark's first view after a change)."""
    with _lock:
        current_app.extensions.pop("dashboard_cache", None)


def _entries(seconds: float) -> TTLCache:
    with _lock:
        return current_app.extensions.setdefault("dashboard_cache", TTLCache(MAX_ENTRIES, ttl=seconds))
