"""CommentRound, RoundInvitation and Comment; which comments a later agreement version answers."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agreements.accounts.models import User
from agreements.core.models import TitledEnum, enum_type
from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.drafting.models import Agreement, AgreementVersion
from agreements.extensions import db
from agreements.organisations.models import Organisation


class RoundVisibility(TitledEnum):
    ALL_INVITEES = "all_invitees"
    DRAFTER_ONLY = "drafter_only"

    @classmethod
    def titles(cls):
        return {
            cls.ALL_INVITEES: _l("Visible to all invitees"),
            cls.DRAFTER_ONLY: _l("Visible only to the drafting organisation"),
        }


class RoundStatus(TitledEnum):
    OPEN = "open"
    CLOSED = "closed"

    @classmethod
    def titles(cls):
        return {cls.OPEN: _l("Open"), cls.CLOSED: _l("Closed")}


class Resolution(TitledEnum):
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    NOT_ACCEPTED = "not_accepted"
    NOTED = "noted"

    @classmethod
    def titles(cls):
        return {
            cls.ACCEPTED: _l("Accepted"),
            cls.PARTLY_ACCEPTED: _l("Partly accepted"),
            cls.NOT_ACCEPTED: _l("Not accepted"),
            cls.NOTED: _l("Noted"),
        }


#: The comments a later agreement version answers (the redline shows them).
version_answered_comments = Table(
    "version_answered_comments",
    db.metadata,
    Column("agreement_version_id", ForeignKey("agreement_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("comment_id", ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class CommentRound(db.Model):
    """A request for views on one fixed version of an agreement, open until its deadline or closed by hand."""

    __tablename__ = "comment_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The version under comment; it never changes, drafting may go on in newer versions.
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_versions.id"), nullable=False)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: Stored in UTC; entered and shown in Helsinki time.
    deadline: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    background: Mapped[str] = mapped_column(Text, default="", nullable=False)
    questions: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: Manifest section keys on which views are wanted; empty means every section.
    sections: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    visibility: Mapped[RoundVisibility] = mapped_column(enum_type(RoundVisibility), nullable=False)
    status: Mapped[RoundStatus] = mapped_column(
        enum_type(RoundStatus), default=RoundStatus.OPEN, nullable=False, index=True
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Comments created up to this moment have been sent to the drafter in a digest.
    digest_sent_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the summary report was shared with the invitees; the summary is final from then on.
    summary_shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The round this one follows as the next phase of one consultation; a round has one next phase at most.
    previous_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment_rounds.id", ondelete="CASCADE"), unique=True
    )
    #: 1 for a round of its own, the previous round's phase + 1 for a next phase.
    phase: Mapped[int] = mapped_column(default=1, server_default="1", nullable=False)

    agreement: Mapped[Agreement] = relationship()
    version: Mapped[AgreementVersion] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    contact_person: Mapped[User | None] = relationship(foreign_keys=[contact_person_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    previous_round: Mapped["CommentRound | None"] = relationship(
        remote_side=[id], back_populates="next_phase", foreign_keys=[previous_round_id]
    )
    next_phase: Mapped["CommentRound | None"] = relationship(
        back_populates="previous_round", foreign_keys=[previous_round_id]
    )
    invitations: Mapped[list["RoundInvitation"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundInvitation.id"
    )
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Comment.id"
    )

    __table_args__ = (
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_iff_closed_at"),
        CheckConstraint("(previous_round_id IS NULL) = (phase = 1)", name="first_phase_iff_no_previous"),
    )

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def audit_agreement_id(self) -> int:
        return self.agreement_id


class RoundInvitation(db.Model):
    """An organisation or a single user asked for views in a round."""

    __tablename__ = "round_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("comment_rounds.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: The organisation answered that it has no comments, so silence can be told from assent.
    answered_no_comments_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_no_comments_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    round: Mapped[CommentRound] = relationship(back_populates="invitations")
    organisation: Mapped[Organisation | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("(organisation_id IS NULL) <> (user_id IS NULL)", name="organisation_or_user"),
        UniqueConstraint("round_id", "organisation_id", name="uq_round_invitations_round_organisation"),
        UniqueConstraint("round_id", "user_id", name="uq_round_invitations_round_user"),
    )


class Comment(db.Model):
    """A view on a section or on the whole document, or a reply in a thread, and its resolution."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("comment_rounds.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: The organisation the author spoke for; empty for a user invited personally.
    author_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: A manifest section key; empty means the whole document.
    section_key: Mapped[str | None] = mapped_column(String(60))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[Resolution | None] = mapped_column(enum_type(Resolution))
    resolution_reasoning: Mapped[str] = mapped_column(Text, default="", nullable=False)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[CommentRound] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    author_organisation: Mapped[Organisation | None] = relationship()
    parent: Mapped["Comment | None"] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list["Comment"]] = relationship(back_populates="parent", order_by="Comment.id")
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    #: Later versions that answer this comment; recorded when such a version is saved.
    answered_in: Mapped[list[AgreementVersion]] = relationship(
        secondary=version_answered_comments, viewonly=True, order_by=AgreementVersion.number
    )

    __table_args__ = (
        CheckConstraint("(resolution IS NULL) = (resolved_at IS NULL)", name="resolved_iff_resolution"),
    )

    @property
    def audit_agreement_id(self) -> int:
        return self.round.agreement_id


#: The comments a version answers, given when the version is saved (versions are immutable afterwards).
AgreementVersion.answered_comments = relationship(
    Comment, secondary=version_answered_comments, order_by=Comment.id
)
