"""Claiming a reminder: the unique key decides who sends it, so it is sent once however often jobs run."""

from sqlalchemy.exc import IntegrityError

from agreements.accounts.models import User
from agreements.extensions import db
from agreements.reminders.models import SentReminder


def claim_reminder(occasion, days: int, recipient: User, folded: bool = False) -> bool:
    """Record the reminder as sent; False when it already was (by an earlier run or another process)."""
    kind, subject, due_on = occasion.key(days)
    try:
        with db.session.begin_nested():
            db.session.add(
                SentReminder(
                    kind=kind,
                    agreement_id=occasion.agreement.id,
                    subject=subject,
                    recipient_id=recipient.id,
                    due_on=due_on,
                    folded=folded,
                )
            )
        return True
    except IntegrityError:
        return False
