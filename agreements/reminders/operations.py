"""Claiming a reminder: the unique key decides who sends it, so it is sent once however often jobs run."""

from sqlalchemy.dialects import postgresql, sqlite

from agreements.accounts.models import User
from agreements.extensions import db
from agreements.reminders.models import SentReminder

#: The INSERT that skips a row whose unique key exists, per database.
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_KEY = ["kind", "subject", "recipient_id", "due_on"]


def claim_reminder(occasion, days: int, recipient: User, folded: bool = False) -> bool:
    """Record the reminder as sent; False when it already was (by an earlier run or another process).

    An INSERT that does nothing on a conflict, rather than a savepoint caught on IntegrityError: on SQLite a
    savepoint released before the transaction's first write commits at once, and a claim must be undone
    with the rest when the job rolls back, or its reminder would be lost.
    """
    kind, subject, due_on = occasion.key(days)
    row = {
        "kind": kind,
        "agreement_id": occasion.agreement.id,
        "subject": subject,
        "recipient_id": recipient.id,
        "due_on": due_on,
        "folded": folded,
    }
    insert = (
        _INSERT[db.engine.dialect.name](SentReminder).values(row).on_conflict_do_nothing(index_elements=_KEY)
    )
    return db.session.execute(insert.returning(SentReminder.id)).first() is not None
