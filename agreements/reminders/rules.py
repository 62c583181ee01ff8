"""Reminder rules: on which days each kind of reminder falls due.

The defaults come from the configuration (``REMINDER_DAYS``: signature pending after 3 days and then weekly,
four times; comment deadline 3 and 1 days before; notice deadline 90, 30 and 7 days before; end of validity
30 and 7 days before; ended without renewal once, the day after). An agreement may set its own days for any
kind, or switch a kind off, in an AgreementReminderRule.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.extensions import db
from agreements.reminders.models import AgreementReminderRule, ReminderKind

#: Longest reminder lead time or delay that may be set, in days, and most reminders of one kind.
MAX_DAYS = 365
MAX_COUNT = 8


def default_days(kind: ReminderKind) -> tuple[int, ...]:
    """The configured days of ``kind``, soonest to the deadline last."""
    return tuple(current_app.config["REMINDER_DAYS"][kind.value])


#: Within ``rules_read_once``: a list that holds, once read, every agreement's own days by kind.
_READ_ONCE: ContextVar[list | None] = ContextVar("reminder_rules_read_once", default=None)


@contextmanager
def rules_read_once():
    """Inside, the reminder rules are read once, at the first need, and kept to the end of the block (a
    scan's): every kind's ``longest`` and ``agreement_days`` come from that reading."""
    token = _READ_ONCE.set([])
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def _kept_rules() -> dict[ReminderKind, dict[int, tuple[int, ...]]] | None:
    """Every agreement's own days by kind, when rules are read once; None otherwise."""
    kept = _READ_ONCE.get()
    if kept is None:
        return None
    if not kept:
        rules = AgreementReminderRule
        by_kind = defaultdict(dict)
        for kind, agreement_id, days in db.session.execute(
            select(rules.kind, rules.agreement_id, rules.days)
        ):
            by_kind[kind][agreement_id] = tuple(days)
        kept.append(by_kind)
    return kept[0]


def agreement_days(agreements, kind: ReminderKind) -> dict[int, tuple[int, ...]]:
    """The days in effect for each agreement: its own rule where it has one, else the default.

    ``agreements`` is ids or a query of them; the rules are read in one query (or come from the rules read
    once), and any agreement without one of its own gets the default.
    """
    default = default_days(kind)
    kept = _kept_rules()
    if kept is not None:
        return defaultdict(lambda: default, kept.get(kind, {}))
    query = select(AgreementReminderRule.agreement_id, AgreementReminderRule.days).where(
        AgreementReminderRule.kind == kind, AgreementReminderRule.agreement_id.in_(agreements)
    )
    return defaultdict(
        lambda: default, {agreement_id: tuple(days) for agreement_id, days in db.session.execute(query)}
    )


def longest(kind: ReminderKind) -> int:
    """The most days any agreement's rule of ``kind`` reaches, so scans know how far ahead to look."""
    kept = _kept_rules()
    if kept is not None:
        own = kept.get(kind, {}).values()
    else:
        own = db.session.scalars(select(AgreementReminderRule.days).where(AgreementReminderRule.kind == kind))
    every = [*default_days(kind), *(day for days in own for day in days)]
    return max(every, default=0)


def own_rules(agreement) -> dict[ReminderKind, tuple[int, ...]]:
    """The agreement's own rules by kind."""
    query = select(AgreementReminderRule).where(AgreementReminderRule.agreement_id == agreement.id)
    return {rule.kind: tuple(rule.days) for rule in db.session.scalars(query)}


def parse_days(text: str) -> tuple[int, ...]:
    """Day counts written as "90, 30, 7", largest first; OperationRefused naming the problem."""
    parts = [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise OperationRefused(_("Write whole numbers of days separated by commas, e.g. 30, 7."))
    days = sorted({int(part) for part in parts}, reverse=True)
    if days[0] > MAX_DAYS or len(days) > MAX_COUNT:
        raise OperationRefused(
            _("Give at most %(count)s numbers of days, none over %(max)s.", count=MAX_COUNT, max=MAX_DAYS)
        )
    return tuple(days)


def set_rules(agreement, chosen: dict[ReminderKind, tuple[int, ...] | None], actor) -> None:
    """Store the agreement's own days per kind; None returns a kind to the default, () switches it off."""
    existing = {
        rule.kind: rule
        for rule in db.session.scalars(
            select(AgreementReminderRule).where(AgreementReminderRule.agreement_id == agreement.id)
        )
    }
    for kind, days in chosen.items():
        rule = existing.get(kind)
        if days is None:
            if rule is not None:
                db.session.delete(rule)
        elif rule is None:
            db.session.add(AgreementReminderRule(agreement_id=agreement.id, kind=kind, days=list(days)))
        else:
            rule.days = list(days)
    db.session.flush()
    details = {kind.value: (None if days is None else list(days)) for kind, days in chosen.items()}
    record("agreement.reminder_rules", agreement, details, actor=actor)
