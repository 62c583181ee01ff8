"""Agreement, its parties and its immutable versions; and what an agreement's validity is on a day.

Validity, the one definition every page, list, filter, figure and feed uses (``Agreement.validity_on``):
- only a **signed** agreement, or a **terminated** one (notice given; it runs to its end date), has a
  validity. A draft, one out for comments or awaiting signatures, a cancelled and a superseded agreement
  are never upcoming, in force or expired, whatever their dates;
- such an agreement is **upcoming** before its start date, **in force** from its start date to its end date,
  both included (an open-ended one, without an end date, stays in force), and **expired** after its end date;
- **open-ended** describes the terms alone, in any status: the agreement has no end date.
The day is a calendar day in Helsinki (``helsinki_today()``) unless a page asks about another one.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    and_,
    case,
    event,
    or_,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, deferred, mapped_column, query_expression, relationship

from agreements.core.dates import notice_deadline
from agreements.core.models import TimestampMixin, TitledEnum, enum_type
from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.extensions import db
from agreements.organisations.models import Language, Organisation
from agreements.templates_lib.models import TemplateKind, TemplateVersion


class AgreementStatus(TitledEnum):
    DRAFT = "draft"
    COMMENTING = "commenting"
    AWAITING_SIGNATURES = "awaiting_signatures"
    SIGNED = "signed"
    CANCELLED = "cancelled"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"

    @classmethod
    def titles(cls):
        return {
            cls.DRAFT: _l("Draft"),
            cls.COMMENTING: _l("Out for comments"),
            cls.AWAITING_SIGNATURES: _l("Awaiting signatures"),
            cls.SIGNED: _l("Signed"),
            cls.CANCELLED: _l("Cancelled"),
            cls.TERMINATED: _l("Terminated"),
            cls.SUPERSEDED: _l("Superseded"),
        }


class AgreementOrigin(TitledEnum):
    SERVICE = "service"
    REGISTERED = "registered"

    @classmethod
    def titles(cls):
        return {
            cls.SERVICE: _l("Drafted and signed in the service"),
            cls.REGISTERED: _l("Signed outside the service"),
        }


#: Statuses in which an agreement has a validity: its dates say whether it is upcoming, in force or expired.
VALIDITY_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)
#: What ``Agreement.validity_on`` answers for an agreement that has a validity.
UPCOMING, IN_FORCE, EXPIRED = "upcoming", "in_force", "expired"


def validity_of(status: AgreementStatus, start_date: date, end_date: date | None, day: date) -> str | None:
    """UPCOMING, IN_FORCE or EXPIRED on ``day`` for an agreement in ``status`` with its dates; None for a
    status without a validity (``Agreement.validity_on``, from the values of its columns)."""
    if status not in VALIDITY_STATUSES:
        return None
    if day < start_date:
        return UPCOMING
    if end_date is not None and end_date < day:
        return EXPIRED
    return IN_FORCE


agreement_parties = Table(
    "agreement_parties",
    db.metadata,
    Column("agreement_id", ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True, index=True),
    # False for an organisation invited to join a commitment that has not signed it: listed, not bound.
    Column("bound", Boolean, nullable=False, default=True, server_default=true()),
    # The first day the party is bound, when later than the agreement's start: the day it joined.
    Column("joined_on", Date),
    # The party's own last day, when it gave notice alone and the agreement goes on for the others.
    Column("left_on", Date),
    Column("notice_given_on", Date),
    CheckConstraint("left_on IS NULL OR notice_given_on IS NOT NULL", name="left_after_notice"),
)


class Agreement(TimestampMixin, db.Model):
    """An agreement between organisations, from first draft to its end.

    Title, validity and parties are copied from the latest version so lists can filter on them; the
    versions are the record.
    """

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human-friendly unique reference, e.g. SOP-2026-0042.
    reference: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    status: Mapped[AgreementStatus] = mapped_column(
        enum_type(AgreementStatus), default=AgreementStatus.DRAFT, nullable=False, index=True
    )
    #: Drafted in the service, or signed outside it and registered afterwards (with no template).
    origin: Mapped[AgreementOrigin] = mapped_column(
        enum_type(AgreementOrigin),
        default=AgreementOrigin.SERVICE,
        server_default=AgreementOrigin.SERVICE.value,
        nullable=False,
    )
    #: The template drafted on; None only for a registered agreement, whose kind is ``registered_kind``.
    template_version_id: Mapped[int | None] = mapped_column(ForeignKey("template_versions.id"), index=True)
    #: The kind given when a registered agreement was recorded; None for "other".
    registered_kind: Mapped[TemplateKind | None] = mapped_column(enum_type(TemplateKind))
    language: Mapped[Language] = mapped_column(enum_type(Language), nullable=False)
    #: The workshop that drafts the agreement and may edit it.
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date, index=True)
    notice_period_months: Mapped[int] = mapped_column(default=3, nullable=False)
    auto_renew: Mapped[bool] = mapped_column(default=False, nullable=False)
    #: The last day notice can be given for the agreement to end at its end date; kept from the dates.
    notice_deadline: Mapped[date | None] = mapped_column(Date, index=True)
    #: The signed agreement this one renews: set on the draft the renewal action creates.
    renewal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="SET NULL"), index=True
    )
    #: The agreement an annex belongs to: chosen from the drafting workshop's agreements when the annex is
    #: made. An annex's own field naming its main agreement is document text; this link is the record.
    main_agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="SET NULL"), index=True
    )
    #: When a party gave notice, and which: recorded with the termination.
    notice_given_on: Mapped[date | None] = mapped_column(Date)
    notice_given_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    #: Number of the latest version; a save must name it, so concurrent edits are detected.
    current_version_number: Mapped[int] = mapped_column(default=0, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )

    template_version: Mapped[TemplateVersion | None] = relationship()
    owner: Mapped[Organisation] = relationship(foreign_keys=[owner_id])
    notice_given_by: Mapped[Organisation | None] = relationship(foreign_keys=[notice_given_by_id])
    renewal_of: Mapped["Agreement | None"] = relationship(
        remote_side=[id], back_populates="renewals", foreign_keys=[renewal_of_id]
    )
    renewals: Mapped[list["Agreement"]] = relationship(
        back_populates="renewal_of", order_by="Agreement.id", foreign_keys=[renewal_of_id]
    )
    main_agreement: Mapped["Agreement | None"] = relationship(
        remote_side=[id], back_populates="annexes", foreign_keys=[main_agreement_id]
    )
    #: The annexes linked to this agreement, oldest first.
    annexes: Mapped[list["Agreement"]] = relationship(
        back_populates="main_agreement", order_by="Agreement.id", foreign_keys=[main_agreement_id]
    )
    #: Whether another agreement is an annex or a renewal of this one, where the query loading it asked
    #: (queries.HAS_LINKED); None where it did not.
    has_linked: Mapped[bool | None] = query_expression()
    parties: Mapped[list[Organisation]] = relationship(
        secondary=agreement_parties, order_by=Organisation.name
    )
    #: Each party's terms (bound, joined, left); read-only here, set through AgreementParty.
    party_terms: Mapped[list["AgreementParty"]] = relationship(viewonly=True)
    versions: Mapped[list["AgreementVersion"]] = relationship(
        back_populates="agreement", order_by="AgreementVersion.number", cascade="all, delete-orphan"
    )
    #: Approval decisions recorded for the agreement, oldest first; the last one is in effect.
    approvals: Mapped[list["ApprovalDecision"]] = relationship(
        back_populates="agreement", order_by="ApprovalDecision.id", cascade="all, delete-orphan"
    )
    #: The signed documents of an agreement registered after being signed outside the service.
    registration: Mapped["AgreementRegistration | None"] = relationship(
        back_populates="agreement", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint("notice_period_months >= 0", name="notice_not_negative"),
        CheckConstraint(
            "origin = 'registered' OR template_version_id IS NOT NULL", name="template_unless_registered"
        ),
        # The agreement list's order, newest change first: its pages are read from this index.
        Index("ix_agreements_updated_at_id", "updated_at", "id"),
    )

    @property
    def kind(self) -> TemplateKind | None:
        """The kind of its template; for a registered agreement the kind given (None: "other")."""
        if self.template_version is not None:
            return self.template_version.template.kind
        return self.registered_kind

    @hybrid_property
    def registered(self) -> bool:
        """Signed outside the service and registered afterwards."""
        return self.origin == AgreementOrigin.REGISTERED

    @hybrid_property
    def has_validity(self) -> bool:
        """Signed or terminated: the agreement's dates decide whether it is upcoming, in force or expired."""
        return self.status in VALIDITY_STATUSES

    @has_validity.inplace.expression
    @classmethod
    def _has_validity_expression(cls):
        return cls.status.in_(VALIDITY_STATUSES)

    @hybrid_property
    def open_ended(self) -> bool:
        """The terms have no end date (in any status)."""
        return self.end_date is None

    @open_ended.inplace.expression
    @classmethod
    def _open_ended_expression(cls):
        return cls.end_date.is_(None)

    @hybrid_method
    def validity_on(self, day: date) -> str | None:
        """UPCOMING, IN_FORCE or EXPIRED on ``day``; None for an agreement without a validity (see above)."""
        return validity_of(self.status, self.start_date, self.end_date, day)

    @validity_on.inplace.expression
    @classmethod
    def _validity_on_expression(cls, day: date):
        return case(
            *((cls.validity_is(validity, day), validity) for validity in (UPCOMING, IN_FORCE, EXPIRED))
        )

    @hybrid_method
    def validity_is(self, validity: str, day: date) -> bool:
        """Whether the agreement is ``validity`` (UPCOMING, IN_FORCE or EXPIRED) on ``day``."""
        return self.validity_on(day) == validity

    @validity_is.inplace.expression
    @classmethod
    def _validity_is_expression(cls, validity: str, day: date):
        # validity_on in SQL, one condition each, so that a query filtering on one keeps plain comparisons
        # of the indexed columns (a CASE in WHERE would read every row).
        return {
            UPCOMING: and_(cls.has_validity, cls.start_date > day),
            IN_FORCE: and_(cls.has_validity, cls.start_date <= day, or_(cls.open_ended, cls.end_date >= day)),
            EXPIRED: and_(cls.has_validity, cls.end_date < day),
        }[validity]

    @hybrid_method
    def in_force_on(self, day: date) -> bool:
        """Whether the agreement is in force on ``day``: signed or terminated, the day within its dates."""
        return self.validity_is(IN_FORCE, day)

    @property
    def latest_version(self) -> "AgreementVersion | None":
        return self.versions[-1] if self.versions else None

    @property
    def audit_agreement_id(self) -> int:
        """Audit events of the agreement go to its own hash chain."""
        return self.id

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class AgreementParty(db.Model):
    """One organisation's part in an agreement: whether it is bound, from which day, and its own end.

    Every party is bound from the agreement's start to its end, except an organisation invited to join a
    commitment, which is bound from the day it signs (``joined_on``), and a party that gave notice alone
    while the agreement went on for the others, bound until ``left_on``. The parties relationship of
    Agreement adds and removes these rows; this class reads and sets their terms.
    """

    __table__ = agreement_parties

    agreement: Mapped[Agreement] = relationship(viewonly=True)
    organisation: Mapped[Organisation] = relationship(viewonly=True)

    @property
    def own_start(self) -> date:
        """The first day the party is bound by the agreement's terms."""
        return max(self.joined_on or self.agreement.start_date, self.agreement.start_date)

    @hybrid_method
    def in_force_on(self, day: date) -> bool:
        """Whether the agreement is in force for this party on ``day`` (the query joins Agreement)."""
        return (
            bool(self.bound)
            and self.agreement.in_force_on(day)
            and self.own_start <= day
            and (self.left_on is None or day <= self.left_on)
        )

    @in_force_on.inplace.expression
    @classmethod
    def _in_force_on_expression(cls, day: date):
        return and_(
            Agreement.in_force_on(day),
            cls.bound,
            or_(cls.joined_on.is_(None), cls.joined_on <= day),
            or_(cls.left_on.is_(None), cls.left_on >= day),
        )


class AgreementVersion(db.Model):
    """One saved state of an agreement: who saved it, when, why, and every value the document needs."""

    __tablename__ = "agreement_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    change_note: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date)
    notice_period_months: Mapped[int] = mapped_column(nullable=False)
    auto_renew: Mapped[bool] = mapped_column(nullable=False)
    #: Ids of the party organisations at this version, in the order they were chosen.
    party_ids: Mapped[list] = mapped_column(JSON, nullable=False)
    #: Field values keyed by manifest field key, stored as JSON-friendly values (dates as ISO strings).
    values: Mapped[dict] = mapped_column(JSON, nullable=False)

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    created_by: Mapped["User | None"] = relationship()  # noqa: F821 - resolved by the registry

    __table_args__ = (
        UniqueConstraint("agreement_id", "number", name="uq_agreement_versions_agreement_number"),
    )


class VersionPdf(db.Model):
    """A version's document as PDF, converted once by LibreOffice and served from here after.

    A version's values never change, but its document is filled from things that may (a party's name, the
    agreement's template version or language), so the PDF is stored under the SHA-256 of everything the
    document is made from: a stored PDF is served only while it is still the version's document.
    """

    __tablename__ = "version_pdfs"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("agreement_versions.id", ondelete="CASCADE"), nullable=False
    )
    #: SHA-256 of what the document was made from: template version, language and the filled-in context.
    source_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    pdf_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: How long LibreOffice took, in milliseconds.
    conversion_ms: Mapped[int] = mapped_column(nullable=False)

    __table_args__ = (UniqueConstraint("version_id", "source_sha256", name="uq_version_pdfs_version_source"),)


class ApprovalDecision(db.Model):
    """A decision approving one version of an agreement before it is sent for signature (e.g. a board's).

    Recorded once and never changed: a newer version needs a decision of its own.
    """

    __tablename__ = "approval_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The version the decision approves.
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_versions.id"), nullable=False)
    #: The deciding body in its own words, e.g. "TPY:n hallitus".
    body: Mapped[str] = mapped_column(String(200), nullable=False)
    decided_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: Where the decision is written down, e.g. "Pöytäkirja 7/2019, § 5".
    minutes_reference: Mapped[str] = mapped_column(String(200), nullable=False)
    #: The minutes or the decision as PDF, optional; checked like a scanned paper copy.
    attachment: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    agreement: Mapped[Agreement] = relationship(back_populates="approvals")
    version: Mapped[AgreementVersion] = relationship()
    recorded_by: Mapped["User | None"] = relationship()  # noqa: F821 - resolved by the registry

    __table_args__ = (
        CheckConstraint("(attachment IS NULL) = (attachment_sha256 IS NULL)", name="attachment_with_hash"),
    )


@event.listens_for(Agreement, "before_insert")
@event.listens_for(Agreement, "before_update")
def _keep_notice_deadline(mapper, connection, target):
    """The notice deadline follows the end date and notice period wherever they change."""
    target.notice_deadline = notice_deadline(target.end_date, target.notice_period_months)


@event.listens_for(AgreementVersion, "before_update")
def _agreement_versions_are_immutable(mapper, connection, target):
    raise RuntimeError("agreement versions are immutable; save a new version instead")


class AgreementRegistration(db.Model):
    """The documents of an agreement signed outside the service: its signed PDF and optionally its .docx."""

    __tablename__ = "agreement_registrations"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )
    #: The signed agreement as PDF, checked like a scanned paper copy.
    signed_pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    signed_pdf_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    #: The agreement as a Word document, optional.
    docx: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    agreement: Mapped[Agreement] = relationship(back_populates="registration")

    __table_args__ = (CheckConstraint("(docx IS NULL) = (docx_sha256 IS NULL)", name="docx_with_hash"),)


class ReferenceCounter(db.Model):
    """The last reference number given in a year, so references are sequential and unique."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0, nullable=False)
