"""SignatureRequest (one frozen version sent out), SigningParty (an organisation asked to sign it) and
Signature (one named signer of a party, with the evidence of their signature).

A request stores the rendered document's bytes and SHA-256 when it is sent, so every signer signs exactly
the same bytes. It is either **joint** (a bilateral agreement or an annex: every party signs and the
agreement is signed when the last one has) or an **accession** (a commitment: each invited organisation
signs or declines for itself, joins from its own signature, and more can be invited until accession is
closed). A party is signed when its rule is met: one of its named signers, or every one of them (in the
order given when asked). Each signature keeps its evidence: who, when, from where, which document hash,
which consent text, and how (electronically or as an uploaded paper copy).
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
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


class SigningMode(TitledEnum):
    JOINT = "joint"
    ACCESSION = "accession"

    @classmethod
    def titles(cls):
        return {
            cls.JOINT: _l("Every party signs the same agreement"),
            cls.ACCESSION: _l("Each organisation joins for itself"),
        }


class RequestStatus(TitledEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    VOIDED = "voided"
    CLOSED = "closed"

    @classmethod
    def titles(cls):
        return {
            cls.PENDING: _l("Awaiting signatures"),
            cls.COMPLETED: _l("Signed by every party"),
            cls.DECLINED: _l("Declined"),
            cls.WITHDRAWN: _l("Withdrawn"),
            cls.VOIDED: _l("Void: the agreement was edited"),
            cls.CLOSED: _l("Accession closed"),
        }


class PdfStatus(TitledEnum):
    """Where the PDF of a frozen document stands: the scheduler makes it right after sending."""

    NONE = "none"
    PENDING = "pending"
    MADE = "made"
    FAILED = "failed"

    @classmethod
    def titles(cls):
        return {
            cls.NONE: _l("No PDF is made"),
            cls.PENDING: _l("The PDF is being made"),
            cls.MADE: _l("PDF made"),
            cls.FAILED: _l("The PDF could not be made"),
        }


class PartyStatus(TitledEnum):
    PENDING = "pending"
    SIGNED = "signed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    VOIDED = "voided"

    @classmethod
    def titles(cls):
        return {
            cls.PENDING: _l("Not signed yet"),
            cls.SIGNED: _l("Signed"),
            cls.DECLINED: _l("Declined"),
            cls.WITHDRAWN: _l("Invitation withdrawn"),
            cls.EXPIRED: _l("Invitation expired"),
            cls.VOIDED: _l("Void"),
        }


#: Party statuses that end its part in the request without a signature.
PARTY_ENDINGS = (PartyStatus.DECLINED, PartyStatus.WITHDRAWN, PartyStatus.EXPIRED, PartyStatus.VOIDED)


class SignerRule(TitledEnum):
    ONE = "one"
    ALL = "all"

    @classmethod
    def titles(cls):
        return {
            cls.ONE: _l("One of the named signers signs"),
            cls.ALL: _l("Every named signer signs"),
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
    mode: Mapped[SigningMode] = mapped_column(
        enum_type(SigningMode),
        default=SigningMode.JOINT,
        server_default=SigningMode.JOINT.value,
        nullable=False,
    )
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus), default=RequestStatus.PENDING, nullable=False, index=True
    )
    #: When the request stopped being pending: completed, declined, withdrawn, voided or accession closed.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    close_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)
    #: The frozen document, exactly as every signatory is shown it.
    docx: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    docx_sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    #: The same document as PDF, made by the scheduler after sending when LibreOffice is there to make it.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Whether the scheduler is to make the PDF, has made it, or gave up (see signatures/pdf.py).
    pdf_status: Mapped[PdfStatus] = mapped_column(
        enum_type(PdfStatus),
        default=PdfStatus.NONE,
        server_default=PdfStatus.NONE.value,
        nullable=False,
        index=True,
    )
    #: LibreOffice runs that failed to make the PDF; the scheduler gives up after a few.
    pdf_attempts: Mapped[int] = mapped_column(default=0, server_default="0", nullable=False)

    agreement: Mapped[Agreement] = relationship()
    version: Mapped[AgreementVersion] = relationship()
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    parties: Mapped[list["SigningParty"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="SigningParty.position"
    )
    #: Every named signer of every party, in the parties' order and each party's own.
    signatures: Mapped[list["Signature"]] = relationship(
        back_populates="request", cascade="all", order_by="[Signature.party_position, Signature.position]"
    )

    __table_args__ = (
        CheckConstraint("(status = 'pending') = (closed_at IS NULL)", name="pending_iff_open"),
        CheckConstraint("(pdf IS NULL) = (pdf_sha256 IS NULL)", name="pdf_with_hash"),
        CheckConstraint("(pdf_status = 'made') = (pdf IS NOT NULL)", name="pdf_made_iff_stored"),
        CheckConstraint("mode = 'accession' OR status <> 'closed'", name="closed_only_accession"),
    )

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    @property
    def is_accession(self) -> bool:
        return self.mode == SigningMode.ACCESSION

    @property
    def pdf_pending(self) -> bool:
        """The scheduler has yet to make the frozen document's PDF."""
        return self.pdf_status == PdfStatus.PENDING

    def party_of(self, organisation_id: int) -> "SigningParty | None":
        """The request's party for an organisation, if it was asked."""
        return next((party for party in self.parties if party.organisation_id == organisation_id), None)

    @property
    def audit_agreement_id(self) -> int:
        return self.agreement_id


class SigningParty(db.Model):
    """An organisation asked to sign a request: its signers, its rule, and how its part ended."""

    __tablename__ = "signing_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("signature_requests.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False, index=True)
    #: 1, 2, …: the parties' order of signing in a sequential joint request; invitation order otherwise.
    position: Mapped[int] = mapped_column(nullable=False)
    rule: Mapped[SignerRule] = mapped_column(enum_type(SignerRule), default=SignerRule.ONE, nullable=False)
    #: With the rule "every named signer": they sign in their order.
    signers_in_order: Mapped[bool] = mapped_column(default=False, nullable=False)
    status: Mapped[PartyStatus] = mapped_column(
        enum_type(PartyStatus), default=PartyStatus.PENDING, nullable=False, index=True
    )
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The last day an invitation to join may be answered; after it the invitation expires.
    respond_by: Mapped[date | None] = mapped_column(Date)
    #: When the party's rule was met.
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the party's part ended unsigned: declined, withdrawn, expired or void; and why.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str] = mapped_column(Text, default="", nullable=False)

    request: Mapped[SignatureRequest] = relationship(back_populates="parties")
    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship()
    signers: Mapped[list["Signature"]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="Signature.position"
    )

    __table_args__ = (
        UniqueConstraint("request_id", "organisation_id", name="uq_signing_parties_request_organisation"),
        UniqueConstraint("request_id", "position", name="uq_signing_parties_request_position"),
        CheckConstraint("status <> 'signed' OR signed_at IS NOT NULL", name="signed_when"),
        CheckConstraint("(status IN ('pending', 'signed')) = (ended_at IS NULL)", name="ended_when"),
    )

    @property
    def is_pending(self) -> bool:
        return self.status == PartyStatus.PENDING

    @property
    def audit_agreement_id(self) -> int:
        return self.request.agreement_id


class Signature(db.Model):
    """One named signer's signature for a party, and the evidence of how it was given."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("signature_requests.id", ondelete="CASCADE"), nullable=False, index=True
    )
    party_id: Mapped[int] = mapped_column(
        ForeignKey("signing_parties.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: The party's organisation and position, copied from it so lists need no join.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    party_position: Mapped[int] = mapped_column(nullable=False)
    #: The person asked to sign for the organisation: a member signatory or a signing contact of it.
    signatory_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    #: 1, 2, …: the signer's place among the party's named signers.
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
    #: When the drafter last sent a reminder now (at most once a day).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[SignatureRequest] = relationship(back_populates="signatures")
    party: Mapped[SigningParty] = relationship(back_populates="signers")
    organisation: Mapped[Organisation] = relationship()
    signatory: Mapped[User] = relationship(foreign_keys=[signatory_id])
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])

    __table_args__ = (
        UniqueConstraint("party_id", "signatory_id", name="uq_signatures_party_signatory"),
        UniqueConstraint("party_id", "position", name="uq_signatures_party_position"),
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


class SigningContact(db.Model):
    """A person, not a member of an organisation, who signed for it and may be asked to sign for it again.

    They see only what is sent to them; the organisation's administrators see the list and remove names.
    """

    __tablename__ = "signing_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: The signature that made them a contact.
    first_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id", name="uq_signing_contacts_organisation_user"),
    )

    @property
    def audit_agreement_id(self) -> None:
        return None
