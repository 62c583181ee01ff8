"""Claiming a reminder: the unique key decides who sends it, so it is sent once however often jobs run."""

from datetime import date

from sqlalchemy.exc import IntegrityError

from agreements.accounts.models import User
from agreements.extensions import db
from agreements.reminders.models import SentReminder


def claim_reminder(kind: str, agreement_id: int, subject: str, recipient: User, due_on: date) -> bool:
    """Record the reminder as sent; False when it already was (by an earlier run or another process)."""
    try:
        with db.session.begin_nested():
            db.session.add(
                SentReminder(
                    kind=kind,
                    agreement_id=agreement_id,
                    subject=subject,
                    recipient_id=recipient.id,
                    due_on=due_on,
                )
            )
        return True
    except IntegrityError:
        return False
