"""Reminders: their kinds, an agreement's own reminder days, and a record of every reminder sent.

A SentReminder row is written under a unique key before its mail is queued, so no rerun or second process
sends a reminder again.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agreements.core.models import TitledEnum, enum_type
from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.extensions import db


class ReminderKind(TitledEnum):
    SIGNATURE_PENDING = "signature_pending"
    COMMENT_DEADLINE = "comment_deadline"
    NOTICE_DEADLINE = "notice_deadline"
    END_OF_VALIDITY = "end_of_validity"
    ENDED = "ended_without_renewal"

    @classmethod
    def titles(cls):
        return {
            cls.SIGNATURE_PENDING: _l("Signature not yet given"),
            cls.COMMENT_DEADLINE: _l("Comment deadline approaching"),
            cls.NOTICE_DEADLINE: _l("Notice deadline approaching"),
            cls.END_OF_VALIDITY: _l("Agreement ending"),
            cls.ENDED: _l("Agreement ended without renewal"),
        }

    @property
    def counts_before(self) -> bool:
        """True when the days count back from a deadline; False when they count on from an event."""
        return self not in (ReminderKind.SIGNATURE_PENDING, ReminderKind.ENDED)

    @property
    def days_explained(self) -> str:
        """What the kind's days are counted from, for the settings form."""
        return str(
            {
                ReminderKind.SIGNATURE_PENDING: _l("days after the signature was asked for"),
                ReminderKind.COMMENT_DEADLINE: _l("days before the comment deadline"),
                ReminderKind.NOTICE_DEADLINE: _l("days before the notice deadline"),
                ReminderKind.END_OF_VALIDITY: _l("days before the end date"),
                ReminderKind.ENDED: _l("days after the end date"),
            }[self]
        )


class AgreementReminderRule(db.Model):
    """An agreement's own reminder days for one kind, used instead of the configured default."""

    __tablename__ = "agreement_reminder_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[ReminderKind] = mapped_column(enum_type(ReminderKind), nullable=False)
    #: Day counts, e.g. [90, 30, 7]; an empty list switches the kind off for this agreement.
    days: Mapped[list] = mapped_column(JSON, nullable=False)

    __table_args__ = (UniqueConstraint("agreement_id", "kind", name="uq_agreement_reminder_rules_kind"),)


class SentReminder(db.Model):
    """A reminder of one kind about one thing, sent to one person for one due date."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The kind and its day count, e.g. "comment_deadline_3d".
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
    #: True when the reminder went out in a catch-up summary rather than in a mail of its own, or was
    #: covered by a later reminder about the same thing.
    folded: Mapped[bool] = mapped_column(default=False, nullable=False)

    __table_args__ = (
        UniqueConstraint("kind", "subject", "recipient_id", "due_on", name="uq_sent_reminders_key"),
    )
