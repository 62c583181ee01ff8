"""SignatureRequest (one frozen version sent to the parties) and Signature (one party's signature on it).

A request stores the rendered document's bytes and SHA-256 when it is sent, so every signatory signs
exactly the same bytes. Each signature keeps its evidence: who, when, from where, which document hash,
which consent text, and how (electronically or as an uploaded paper copy).
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from agreements.accounts.models import User
from agreements.core.models import TitledEnum, enum_type
from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.drafting.models import Agreement, AgreementVersion
from agreements.extensions import db
from agreements.organisations.models import Organisation


class SigningOrder(TitledEnum):
    PARALLEL = "parallel"
    SEQUENTIAL = "sequential"

    @classmethod
    def titles(cls):
        return {
            cls.PARALLEL: _l("All at the same time"),
            cls.SEQUENTIAL: _l("One after another, in the order given"),
        }


class RequestStatus(TitledEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    VOIDED = "voided"

    @classmethod
    def titles(cls):
        return {
            cls.PENDING: _l("Awaiting signatures"),
            cls.COMPLETED: _l("Signed by every party"),
            cls.DECLINED: _l("Declined"),
            cls.WITHDRAWN: _l("Withdrawn"),
            cls.VOIDED: _l("Void: the agreement was edited"),
        }


class SignatureStatus(TitledEnum):
    PENDING = "pending"
    SIGNED = "signed"
    DECLINED = "declined"
    VOIDED = "voided"

    @classmethod
    def titles(cls):
        return {
            cls.PENDING: _l("Not signed yet"),
            cls.SIGNED: _l("Signed"),
            cls.DECLINED: _l("Declined"),
            cls.VOIDED: _l("Void"),
        }


class SignatureMethod(TitledEnum):
    ELECTRONIC = "electronic"
    PAPER = "paper"

    @classmethod
    def titles(cls):
        return {
            cls.ELECTRONIC: _l("Electronic signature in Sopimuspolku"),
            cls.PAPER: _l("Signed on paper, scanned copy uploaded"),
        }


class SignatureRequest(db.Model):
    """One version of an agreement, frozen and sent to a signatory of each party."""

    __tablename__ = "signature_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_versions.id"), nullable=False)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    message: Mapped[str] = mapped_column(Text, default="", nullable=False)
    order: Mapped[SigningOrder] = mapped_column(enum_type(SigningOrder), nullable=False)
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus), default=RequestStatus.PENDING, nullable=False, index=True
    )
    #: When the request stopped being pending: completed, declined, withdrawn or voided.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    close_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: The frozen document, exactly as every signatory is shown it.
    docx: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    docx_sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    #: The same document as PDF, when LibreOffice was there to make it.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), index=True)

    agreement: Mapped[Agreement] = relationship()
    version: Mapped[AgreementVersion] = relationship()
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    signatures: Mapped[list["Signature"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Signature.position"
    )

    __table_args__ = (
        CheckConstraint("(status = 'pending') = (closed_at IS NULL)", name="pending_iff_open"),
        CheckConstraint("(pdf IS NULL) = (pdf_sha256 IS NULL)", name="pdf_with_hash"),
    )

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    @property
    def audit_agreement_id(self) -> int:
        return self.agreement_id


class Signature(db.Model):
    """One party's signature on a request, and the evidence of how it was given."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("signature_requests.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    #: The person asked to sign for the organisation (a member with the signatory role).
    signatory_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    #: 1, 2, …: the order of signing when the request is sequential.
    position: Mapped[int] = mapped_column(nullable=False)
    status: Mapped[SignatureStatus] = mapped_column(
        enum_type(SignatureStatus), default=SignatureStatus.PENDING, nullable=False, index=True
    )
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    method: Mapped[SignatureMethod | None] = mapped_column(enum_type(SignatureMethod))
    #: Evidence of an electronic signature.
    typed_name: Mapped[str | None] = mapped_column(String(120))
    signer_role: Mapped[str | None] = mapped_column(String(40))
    consent_version: Mapped[str | None] = mapped_column(String(20))
    consent_sha256: Mapped[str | None] = mapped_column(String(64))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    #: A paper signature: the scanned signed copy, who uploaded it and when (``signed_at``).
    paper_pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    paper_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    request: Mapped[SignatureRequest] = relationship(back_populates="signatures")
    organisation: Mapped[Organisation] = relationship()
    signatory: Mapped[User] = relationship(foreign_keys=[signatory_id])
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])

    __table_args__ = (
        UniqueConstraint("request_id", "organisation_id", name="uq_signatures_request_organisation"),
        UniqueConstraint("request_id", "position", name="uq_signatures_request_position"),
        # a signature voided by a later edit keeps the evidence of when and how it was given
        CheckConstraint(
            "status <> 'signed' OR (signed_at IS NOT NULL AND method IS NOT NULL)",
            name="signed_with_evidence",
        ),
        CheckConstraint(
            "status NOT IN ('pending', 'declined') OR (signed_at IS NULL AND method IS NULL)", name="unsigned"
        ),
        CheckConstraint("(status = 'declined') = (declined_at IS NOT NULL)", name="declined_iff_declined_at"),
        CheckConstraint("(status = 'voided') = (voided_at IS NOT NULL)", name="voided_iff_voided_at"),
        CheckConstraint("(method = 'paper') = (paper_sha256 IS NOT NULL)", name="paper_with_copy"),
    )

    @property
    def audit_agreement_id(self) -> int:
        return self.request.agreement_id
