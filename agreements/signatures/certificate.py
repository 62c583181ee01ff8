"""Read models of a signed agreement's evidence: the certificate of completion of a signature request (a
page, a .docx and a PDF), what the agreement's page shows once signed, and which signed document an
uploaded file is. The agreement's history is in history.py."""

import io
import re
from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import or_, select

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.core.timeutil import helsinki_today
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.drafting.queries import VALIDITY_CHOICES
from agreements.extensions import db
from agreements.signatures.history import HistoryEntry, Moment, chain_events, history_entries, moment_of
from agreements.signatures.models import (
    PartyStatus,
    RequestStatus,
    Signature,
    SignatureMethod,
    SignatureRequest,
    SignatureStatus,
    SigningMode,
    SigningParty,
)
from agreements.signatures.operations import INVITED_SIGNATORY
from agreements.signatures.queries import SIGNED_STATUSES, page_requests
from agreements.templates_lib.converter import convert_to_pdf
from agreements.templates_lib.rendering import word_text

#: Lifecycle moves that belong to a signature request's story.
_SIGNING_MOVES = {"agreement.send_for_signature", "agreement.mark_signed"}


@dataclass(frozen=True)
class CertificateParty:
    name: str
    business_id: str


@dataclass(frozen=True)
class EvidenceRow:
    """One named piece of a signature's evidence; a hash is shown as code."""

    name: str
    value: str
    is_hash: bool = False


@dataclass(frozen=True)
class CertificateSignature:
    """One party's signature and its evidence."""

    organisation: str
    signer: str
    #: The name the signer typed; None for a paper signature.
    typed_name: str | None
    role: str
    method: str
    paper: bool
    signed_at: Moment
    ip: str | None
    user_agent: str | None
    document_sha256: str | None
    consent_version: str | None
    consent_sha256: str | None
    paper_sha256: str | None
    uploaded_by: str | None

    def evidence(self) -> list[EvidenceRow]:
        """The evidence of this signature, as the page and the document list it."""
        rows = [
            EvidenceRow(_("Organisation"), self.organisation),
            EvidenceRow(_("Signer"), self.signer),
            EvidenceRow(_("Role"), self.role),
            EvidenceRow(_("Method"), self.method),
            EvidenceRow(_("Time (UTC)"), self.signed_at.utc),
            EvidenceRow(_("Time (Helsinki)"), self.signed_at.helsinki),
            EvidenceRow(_("SHA-256 of the document signed"), self.document_sha256 or "", True),
        ]
        if self.paper:
            return [
                *rows,
                EvidenceRow(_("SHA-256 of the signed paper copy"), self.paper_sha256 or "", True),
                EvidenceRow(_("Paper copy uploaded by"), self.uploaded_by or _("Unknown")),
            ]
        return [
            *rows,
            EvidenceRow(_("Name typed"), self.typed_name or ""),
            EvidenceRow(_("IP address"), self.ip or _("Not recorded")),
            EvidenceRow(_("Browser (user agent)"), self.user_agent or _("Not recorded")),
            EvidenceRow(_("Consent text version"), self.consent_version or ""),
            EvidenceRow(_("SHA-256 of the consent text"), self.consent_sha256 or "", True),
        ]


@dataclass(frozen=True)
class Certificate:
    """Everything the certificate of completion of a signature request shows."""

    request_id: int
    agreement_id: int
    language: str
    reference: str
    title: str
    version_number: int
    docx_sha256: str
    pdf_sha256: str | None
    sent_at: Moment
    #: When every party had signed; for a commitment, when the latest organisation joined.
    completed_at: Moment
    #: A commitment's certificate lists the organisations that joined, each from its own signature.
    accession: bool
    parties: list[CertificateParty]
    signatures: list[CertificateSignature]
    #: The request's audit events, oldest first.
    events: list[HistoryEntry]
    #: The decision that approved the version signed, in words; None when none was needed or recorded.
    approval: str | None = None


def _role(signature: Signature) -> str:
    if signature.signer_role == INVITED_SIGNATORY:
        return _("Invited by e-mail to sign")
    if signature.signer_role:
        return MembershipRole(signature.signer_role).title
    return _("Not recorded: signed on paper")


def _certificate_signature(signature: Signature) -> CertificateSignature:
    return CertificateSignature(
        organisation=signature.organisation.name,
        signer=signature.signatory.name,
        typed_name=signature.typed_name,
        role=_role(signature),
        method=signature.method.title,
        paper=signature.method == SignatureMethod.PAPER,
        signed_at=moment_of(signature.signed_at),
        ip=signature.ip,
        user_agent=signature.user_agent,
        document_sha256=signature.document_sha256,
        consent_version=signature.consent_version,
        consent_sha256=signature.consent_sha256,
        paper_sha256=signature.paper_sha256,
        uploaded_by=signature.uploaded_by.name if signature.uploaded_by else None,
    )


def _request_events(request: SignatureRequest) -> list[AuditEvent]:
    """The events of the request and its signatures, with the lifecycle moves just before and after."""
    events = chain_events(request.agreement)
    ids = {
        SignatureRequest.__tablename__: {request.id},
        Signature.__tablename__: {signature.id for signature in request.signatures},
        SigningParty.__tablename__: {party.id for party in request.parties},
    }
    own = [event for event in events if event.object_id in ids.get(event.object_type, ())]
    if not own:
        return []
    first, last = own[0].seq - 1, own[-1].seq + 1
    moves = [event for event in events if event.action in _SIGNING_MOVES and first <= event.seq <= last]
    return sorted(own + moves, key=lambda event: event.seq)


def has_certificate(request: SignatureRequest) -> bool:
    """A joint request has a certificate once every party signed; a commitment once an organisation joined."""
    if request.is_accession:
        return any(party.status == PartyStatus.SIGNED for party in request.parties)
    return request.status == RequestStatus.COMPLETED


def build_certificate(request: SignatureRequest, language: str) -> Certificate:
    """The certificate of a request every party signed (or organisations joined), in the interface language.

    It lists every signer whose signature made a party signed; a party's signers no longer needed are left
    out, as are the organisations of a commitment that did not join.
    """
    if not has_certificate(request):
        raise ValueError("only a completed signature request has a certificate of completion")
    signed = [party for party in request.parties if party.status == PartyStatus.SIGNED]
    return Certificate(
        request_id=request.id,
        agreement_id=request.agreement_id,
        language=language,
        reference=request.agreement.reference,
        title=request.version.title,
        version_number=request.version.number,
        docx_sha256=request.docx_sha256,
        pdf_sha256=request.pdf_sha256,
        sent_at=moment_of(request.sent_at),
        completed_at=moment_of(max(party.signed_at for party in signed)),
        accession=request.is_accession,
        parties=[CertificateParty(p.organisation.name, p.organisation.business_id) for p in signed],
        signatures=[
            _certificate_signature(signature)
            for party in signed
            for signature in party.signers
            if signature.status == SignatureStatus.SIGNED
        ],
        events=history_entries(_request_events(request)),
        approval=approval_text(request),
    )


def approval_text(request: SignatureRequest) -> str | None:
    """The decision that approved the request's version in words, or None."""
    decisions = [d for d in request.agreement.approvals if d.version_id == request.version_id]
    if not decisions:
        return None
    decision = decisions[-1]
    return _(
        "Version %(number)s approved by %(body)s on %(day)s, minutes %(minutes)s",
        number=request.version.number,
        body=decision.body,
        day=format_date(decision.decided_on, "d.M.yyyy"),
        minutes=decision.minutes_reference,
    )


def certificate_filename(certificate: Certificate, extension: str) -> str:
    """A file name like SOP-2026-0042_certificate_of_completion.pdf, its words in the interface language."""
    words = re.sub(r"[\W_]+", "_", _("certificate of completion")).strip("_")
    return f"{certificate.reference}_{words}.{extension}"


def _table(document, rows: list[tuple[str, str]]) -> None:
    """A two-column table of names and values, names in bold."""
    table = document.add_table(rows=0, cols=2, style="Table Grid")
    for name, value in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(name).bold = True
        cells[1].text = word_text(value)


def completed_label(certificate: Certificate) -> str:
    """What the certificate's completion time is."""
    return _("Latest organisation joined") if certificate.accession else _("Signed by every party")


def certificate_statement(certificate: Certificate) -> str:
    """The certificate's opening statement."""
    if certificate.accession:
        return _(
            "Each organisation listed joined this commitment in Sopimuspolku with a simple electronic "
            "signature, and is committed from the day of its signature."
        )
    return _("Every party has signed this agreement in Sopimuspolku with a simple electronic signature.")


def _header_rows(certificate: Certificate) -> list[tuple[str, str]]:
    rows = [
        (_("Agreement"), f"{certificate.reference} · {certificate.title}"),
        (_("Version"), str(certificate.version_number)),
        (_("Sent for signature"), f"{certificate.sent_at.utc} ({certificate.sent_at.helsinki})"),
        (
            completed_label(certificate),
            f"{certificate.completed_at.utc} ({certificate.completed_at.helsinki})",
        ),
        (_("SHA-256 of the document (.docx)"), certificate.docx_sha256),
    ]
    if certificate.pdf_sha256:
        rows.append((_("SHA-256 of the document (PDF)"), certificate.pdf_sha256))
    if certificate.approval:
        rows.append((_("Approval"), certificate.approval))
    return rows


def _docx_events(document, certificate: Certificate) -> None:
    document.add_heading(_("Events"), level=1)
    table = document.add_table(rows=1, cols=4, style="Table Grid")
    headings = (_("Time (Helsinki)"), _("Who"), _("What"), _("Hash in the history chain"))
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for entry in certificate.events:
        cells = table.add_row().cells
        cells[0].text = entry.moment.helsinki
        cells[1].text, cells[2].text, cells[3].text = word_text(entry.actor), entry.description, entry.hash


def certificate_docx(certificate: Certificate) -> bytes:
    """The certificate of completion as a Word document: the agreement, parties, signatures and events."""
    import docx  # python-docx loads with the first document made, not in every web worker

    document = docx.Document()
    document.core_properties.title = word_text(f"{_('Certificate of completion')} {certificate.reference}")
    document.core_properties.language = certificate.language
    document.add_heading(_("Certificate of completion"), level=0)
    document.add_paragraph(certificate_statement(certificate))
    _table(document, _header_rows(certificate))
    document.add_heading(_("Parties"), level=1)
    _table(document, [(party.name, party.business_id) for party in certificate.parties])
    document.add_heading(_("Signatures"), level=1)
    for signature in certificate.signatures:
        document.add_heading(word_text(signature.organisation), level=2)
        _table(document, [(row.name, row.value) for row in signature.evidence()])
    _docx_events(document, certificate)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate of completion as PDF; raises PdfUnavailable without LibreOffice."""
    return convert_to_pdf(certificate_docx(certificate))


def completed_request(agreement: Agreement) -> SignatureRequest | None:
    """The request on which every party signed the agreement (a commitment: the latest one joined), with its
    signatures, their parties and signers, read with the agreement's requests."""
    return next((request for request in page_requests(agreement) if _signed_on(request)), None)


def _signed_on(request: SignatureRequest) -> bool:
    """Whether every party signed on the request, or, on an accession, at least one organisation joined."""
    if request.status == RequestStatus.COMPLETED:
        return True
    return request.mode == SigningMode.ACCESSION and any(
        party.status == PartyStatus.SIGNED for party in request.parties
    )


@dataclass(frozen=True)
class SignedAgreement:
    """What the page of a signed agreement shows about it: whether it is in force, and how it was signed."""

    #: Upcoming, in force or expired from its dates; terminated or superseded by its status.
    state: str
    #: None for an agreement marked signed without signing in the service.
    request: SignatureRequest | None


def signed_agreement(agreement: Agreement) -> SignedAgreement | None:
    """The signed agreement's state and completed request; None unless every party has signed it."""
    if agreement.status not in SIGNED_STATUSES:
        return None
    if agreement.status == AgreementStatus.SIGNED:
        state = str(VALIDITY_CHOICES[agreement.validity_on(helsinki_today())])
    else:
        state = agreement.status.title
    return SignedAgreement(state, completed_request(agreement))


@dataclass(frozen=True)
class DocumentMatch:
    """The frozen document, or the paper copy of a signature, that an uploaded file is byte-identical to."""

    request: SignatureRequest
    #: The .docx or the PDF; None when the file is a scanned paper copy.
    extension: str | None
    #: The signature whose scanned paper copy the file is.
    paper_signature: Signature | None = None


def _newest_completed_first(query):
    completed = SignatureRequest.status == RequestStatus.COMPLETED
    return query.order_by(completed.desc(), SignatureRequest.sent_at.desc(), SignatureRequest.id.desc())


def find_document(sha256: str) -> DocumentMatch | None:
    """The signed document or paper copy with this SHA-256 (a completed request's first), if any."""
    hashes = or_(SignatureRequest.docx_sha256 == sha256, SignatureRequest.pdf_sha256 == sha256)
    request = db.session.scalars(_newest_completed_first(select(SignatureRequest).where(hashes))).first()
    if request is not None:
        return DocumentMatch(request, "docx" if request.docx_sha256 == sha256 else "pdf")
    query = select(Signature).join(Signature.request).where(Signature.paper_sha256 == sha256)
    signature = db.session.scalars(_newest_completed_first(query)).first()
    return DocumentMatch(signature.request, None, signature) if signature is not None else None
