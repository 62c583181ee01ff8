"""SentReminder: one row per reminder sent, under a unique key: no rerun or second process sends it again."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.extensions import db


class SentReminder(db.Model):
    """A reminder of one kind about one thing, sent to one person for one due date."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the reminder is about, e.g. "comment_deadline_3d".
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The object within the agreement the reminder concerns, e.g. "round:12".
    subject: Mapped[str] = mapped_column(String(60), nullable=False)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    #: The day (Helsinki) the reminder fell due.
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        UniqueConstraint("kind", "subject", "recipient_id", "due_on", name="uq_sent_reminders_key"),
    )
