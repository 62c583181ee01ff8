"""NotificationKind, Delivery, a user's NotificationPreference per kind, and the Notification itself."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agreements.core.models import TitledEnum, enum_type
from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.extensions import db


class NotificationKind(TitledEnum):
    """What a notification is about; each user chooses per kind how it reaches them."""

    COMMENT_REQUESTS = "comment_requests"
    COMMENT_ACTIVITY = "comment_activity"
    COMMENT_REMINDERS = "comment_reminders"
    SIGNATURE_REQUESTS = "signature_requests"
    SIGNATURE_REMINDERS = "signature_reminders"
    SIGNATURE_ACTIVITY = "signature_activity"
    RENEWAL = "renewal"

    @classmethod
    def titles(cls):
        return {
            cls.COMMENT_REQUESTS: _l("Requests for comments"),
            cls.COMMENT_ACTIVITY: _l("Comment round news"),
            cls.COMMENT_REMINDERS: _l("Comment deadline reminders"),
            cls.SIGNATURE_REQUESTS: _l("Requests to sign"),
            cls.SIGNATURE_REMINDERS: _l("Signature reminders"),
            cls.SIGNATURE_ACTIVITY: _l("Signature news"),
            cls.RENEWAL: _l("Renewals and end dates"),
        }

    @classmethod
    def descriptions(cls):
        """Map of member to a lazily translated one-line explanation."""
        return {
            cls.COMMENT_REQUESTS: _l("You or your organisation are invited to comment on a draft."),
            cls.COMMENT_ACTIVITY: _l(
                "New comments on your drafts, a round closing, and its summary report being shared."
            ),
            cls.COMMENT_REMINDERS: _l("A comment round you have not answered is about to close."),
            cls.SIGNATURE_REQUESTS: _l("You are asked to sign an agreement."),
            cls.SIGNATURE_REMINDERS: _l("A signature asked of you is still waiting."),
            cls.SIGNATURE_ACTIVITY: _l(
                "A party signed or declined, an agreement was signed by all, or a request was withdrawn."
            ),
            cls.RENEWAL: _l("Notice deadlines and end dates coming up, automatic renewals and terminations."),
        }

    @property
    def description(self) -> str:
        """The kind's one-line explanation in the current language."""
        return str(self.descriptions()[self])


class Delivery(TitledEnum):
    """How notifications of a kind reach a user besides the list in the service."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"
    OFF = "off"

    @classmethod
    def titles(cls):
        return {
            cls.IMMEDIATELY: _l("E-mail immediately"),
            cls.DAILY: _l("In a daily e-mail summary"),
            cls.OFF: _l("Only in the service, no e-mail"),
        }


#: What a user gets for a kind they have not chosen anything for.
DEFAULT_DELIVERY = Delivery.IMMEDIATELY


class NotificationPreference(db.Model):
    """A user's choice for one kind; only choices that differ from the default are stored."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(enum_type(Delivery), nullable=False)


class Notification(db.Model):
    """One notice to one user: listed in the service, and mailed as their preference was when it came."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    #: The page the notice is about, an absolute URL on BASE_URL; empty when there is none.
    link: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The user's preference for the kind when the notice was made: it decides whether and how it is mailed.
    delivery: Mapped[Delivery] = mapped_column(enum_type(Delivery), nullable=False)
    #: When the notice was queued as a mail of its own or in a daily digest; never for "off".
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("delivery <> 'immediately' OR mailed_at IS NOT NULL", name="immediately_mailed"),
        CheckConstraint("delivery <> 'off' OR mailed_at IS NULL", name="off_never_mailed"),
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        Index("ix_notifications_delivery_mailed_at", "delivery", "mailed_at"),
    )

    @property
    def unread(self) -> bool:
        """True until the user opens the notification or marks every one read."""
        return self.read_at is None
