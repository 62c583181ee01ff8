"""Signature views: sending a version for signature, the request's page, signing, declining, paper copies,
withdrawing, and the frozen documents."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agreements.accounts.models import User
from agreements.accounts.operations import invite_user
from agreements.core.actions import acts_on, refusal_shown
from agreements.core.i18n import ui_language
from agreements.core.once import SubmitOnce
from agreements.core.web import send_download
from agreements.drafting.document_views import send_document
from agreements.drafting.documents import MEDIA_TYPES, document_filename
from agreements.drafting.models import Agreement
from agreements.drafting.policy import can_view_agreement
from agreements.extensions import limiter
from agreements.organisations.models import Organisation
from agreements.signatures import operations, queries
from agreements.signatures.accession import candidate_signers
from agreements.signatures.blueprint import bp
from agreements.signatures.certificate import has_certificate
from agreements.signatures.consent import CONSENT_VERSION, consent_text
from agreements.signatures.eligibility import PartyChoice
from agreements.signatures.forms import (
    DeclineForm,
    PaperCopyForm,
    SendForm,
    SignForm,
    WithdrawForm,
    send_form,
)
from agreements.signatures.models import (
    RequestStatus,
    Signature,
    SignatureRequest,
    SignerRule,
    SigningMode,
    SigningOrder,
)
from agreements.signatures.policy import (
    can_manage_signature,
    can_manage_signature_request,
    can_run_signing,
    can_send_for_signature,
    can_sign,
    can_view_signature,
    can_view_signature_request,
)
from agreements.signatures.uploads import MAX_PAPER_BYTES
from agreements.templates_lib.rendering import document_sections

#: Badge colours of request and signature statuses; the badge always carries the status in words too.
STATUS_BADGES = {
    "pending": "text-bg-warning",
    "completed": "text-bg-success",
    "signed": "text-bg-success",
    "declined": "text-bg-danger",
    "withdrawn": "text-bg-secondary",
    "voided": "text-bg-secondary",
    "expired": "text-bg-secondary",
    "closed": "text-bg-secondary",
}

#: The form sending an agreement for signature, sent again, shows the signature request it made.
SENT_ONCE = SubmitOnce(
    "signature_request",
    "signatures.request_detail",
    "request_id",
    _l("This form was already sent; here is the signature request it made."),
)


@bp.app_context_processor
def _signature_helpers() -> dict:
    return {
        "signature_badges": STATUS_BADGES,
        "request_status_title": request_status_title,
        "has_certificate": has_certificate,
    }


def request_status_title(signature_request: SignatureRequest) -> str:
    """The request's status in words; a commitment waiting for organisations is open for joining."""
    if signature_request.is_accession and signature_request.is_pending:
        return _("Joining open")
    return signature_request.status.title


@bp.route("/send/<int:agreement_id>", methods=["GET", "POST"])
@acts_on(Agreement, can_run_signing)
def send(agreement: Agreement):
    """Send the latest version for signature (a commitment: open it for joining): who signs for each party."""
    if (repeat := SENT_ONCE.repeated()) is not None:
        return repeat
    operations.ensure_sendable(agreement)
    accession_mode = operations.mode_for(agreement) == SigningMode.ACCESSION
    form = send_form(agreement, _candidates(agreement), accession=accession_mode)
    refused = []
    if form.validate_on_submit():
        with refusal_shown(form, show=lambda refusal: refused.append(refusal.message)):
            if (repeat := SENT_ONCE.claim(form)) is not None:
                return repeat
            signature_request = _send(agreement, form)
            SENT_ONCE.made(form, signature_request.id)
            flash(_sent_message(signature_request), "success")
            return redirect(url_for(".request_detail", request_id=signature_request.id))
    return _send_page(agreement, form, refused[0] if refused else None)


def _candidates(agreement: Agreement) -> dict[int, list[User]]:
    """Each party's active member signatories and signing contacts, by name."""
    return {party.id: candidate_signers(party) for party in agreement.parties}


def _send(agreement: Agreement, form: SendForm) -> SignatureRequest:
    """Invite the new signatories the form names, then send the latest version to everyone chosen."""
    choices = [_choice(form, party) for party in form.invited_parties()]
    return operations.send_for_signature(
        agreement,
        current_user,
        choices,
        SigningOrder(form.order.data),
        form.message.data or "",
        respond_by=form.respond_by.data if form.accession else None,
    )


def _choice(form: SendForm, party: Organisation) -> PartyChoice:
    """A party's signers as the form names them: the first chosen or invited, then the others."""
    block = form.party_block(party)
    first = form.chosen_member(party) or _invite(party, block)
    return PartyChoice(
        party,
        (first, *form.other_signers(party, first)),
        SignerRule(block.rule.data),
        bool(block.in_order.data),
    )


def _sent_message(signature_request: SignatureRequest) -> str:
    if signature_request.is_accession:
        return _("The commitment is open for joining and the organisations invited were told.")
    return _("The agreement was sent for signature and the signatories were told.")


def _invite(party: Organisation, block) -> User:
    """An account for a person who signs for the party without being its member; only this request's right."""
    return invite_user(block.email.data, block.name.data, party.language.value, current_user)


def _send_page(agreement: Agreement, form: SendForm, refusal: str | None = None) -> str:
    return render_template(
        "signatures/send.html",
        agreement=agreement,
        version=agreement.latest_version,
        form=form,
        refusal=refusal,
        earlier_signers={party.organisation_id: party for party in queries.earlier_signers(agreement)},
    )


@bp.get("/requests/<int:request_id>")
@acts_on(SignatureRequest, can_view_signature_request)
def request_detail(signature_request: SignatureRequest):
    """Show a request: the frozen documents and their hashes, each party's signers, and what to do next."""
    return request_page(signature_request)


def request_page(signature_request: SignatureRequest) -> str:
    """The request's page for the current user."""
    awaiting = queries.awaiting(signature_request)
    return render_template(
        "signatures/request.html",
        signature_request=signature_request,
        agreement=signature_request.agreement,
        awaiting=awaiting,
        own_turns=[s for s in awaiting if s.signatory_id == current_user.id],
        managing=can_manage_signature_request(current_user, signature_request),
        earlier_signers=queries.earlier_signers(signature_request.agreement, signature_request)
        if signature_request.is_accession
        else [],
    )


@bp.get("/requests/<int:request_id>/document.<any(docx, pdf):ext>")
@acts_on(SignatureRequest, can_view_signature_request)
def document(signature_request: SignatureRequest, ext: str):
    """Download the frozen document exactly as it was sent for signature."""
    data = signature_request.docx if ext == "docx" else signature_request.pdf
    if data is None:
        abort(404)
    sha256 = signature_request.docx_sha256 if ext == "docx" else signature_request.pdf_sha256
    return send_document(signature_request.agreement, signature_request.version, data, ext, sha256)


def _sign_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def _signing_key() -> str:
    return f"sign:{current_user.id}"


def _failed_attempt(response) -> bool:
    """A signature refused (409) or with a field missing (200) shows the form again; one given redirects."""
    return response.status_code in (200, 409)


@bp.route("/<int:signature_id>/sign", methods=["GET", "POST"])
@acts_on(Signature, can_sign)
@limiter.limit(_sign_limit, key_func=_signing_key, methods=["POST"], deduct_when=_failed_attempt)
def sign(signature: Signature):
    """Read the frozen document and sign it for a party with a fresh password, typed name and consent."""
    language = ui_language()
    form = SignForm(consent_text(language))
    if queries.why_not_now(signature):
        return _sign_page(signature, None), 409 if request.method == "POST" else 200
    if form.validate_on_submit():
        with refusal_shown(form):
            operations.sign(
                signature,
                current_user,
                form.password.data,
                form.typed_name.data,
                form.consent.data,
                language,
                operations.Evidence(ip=request.remote_addr, user_agent=request.user_agent.string),
            )
            flash(_("You signed the agreement for %(name)s.", name=signature.organisation.name), "success")
            return _after_signature(signature)
    return _sign_page(signature, form)


def _after_signature(signature: Signature):
    """Back to the request, saying so when this signature was the last one."""
    if signature.request.status == RequestStatus.COMPLETED:
        flash(_("Every party has signed: the agreement is signed."), "success")
    return redirect(url_for(".request_detail", request_id=signature.request_id))


def _sign_page(signature: Signature, form: SignForm | None) -> str:
    signature_request = signature.request
    agreement = signature_request.agreement
    return render_template(
        "signatures/sign.html",
        signature=signature,
        signature_request=signature_request,
        agreement=agreement,
        sections=document_sections(
            signature_request.docx, agreement.template_version.manifest, agreement.language.value
        ),
        form=form,
        blocked=queries.why_not_now(signature),
        consent_version=CONSENT_VERSION,
    )


@bp.route("/<int:signature_id>/decline", methods=["GET", "POST"])
@acts_on(Signature, can_sign)
def decline(signature: Signature):
    """Decline to sign for a party, with the reason the drafter gets."""
    form = DeclineForm()
    if not form.is_submitted():  # a POST is checked by the operation, which keeps the reason typed
        operations.require_turn(signature)
    if form.validate_on_submit():
        with refusal_shown(form):
            operations.decline(signature, current_user, form.reason.data)
            flash(_("You declined to sign. The drafting workshop was told your reason."), "info")
            return redirect(url_for(".request_detail", request_id=signature.request_id))
    return render_template("signatures/decline.html", signature=signature, form=form)


@bp.route("/<int:signature_id>/paper", methods=["GET", "POST"])
@acts_on(Signature, can_manage_signature)
def upload_paper(signature: Signature):
    """Record a party's signature on paper by uploading the scanned signed copy as PDF."""
    form = PaperCopyForm()
    if not form.is_submitted():
        operations.require_turn(signature)
    if form.validate_on_submit():
        with refusal_shown(form):
            operations.upload_paper_copy(signature, current_user, form.scan.data.read(MAX_PAPER_BYTES + 1))
            name = signature.organisation.name
            flash(_("The signed paper copy of %(name)s was stored.", name=name), "success")
            return _after_signature(signature)
    return render_template(
        "signatures/paper.html", signature=signature, form=form, max_mb=MAX_PAPER_BYTES // (1024 * 1024)
    )


@bp.get("/<int:signature_id>/paper.pdf")
@acts_on(Signature, can_view_signature)
def paper_copy(signature: Signature):
    """Download the scanned signed paper copy of a party."""
    if signature.paper_sha256 is None:
        abort(404)
    signature_request = signature.request
    name = document_filename(signature_request.agreement, signature_request.version, "pdf")
    filename = name.removesuffix(".pdf") + f"_signed_{signature.position}.pdf"
    return send_download(signature.paper_pdf, MEDIA_TYPES["pdf"], filename)


@bp.route("/requests/<int:request_id>/withdraw", methods=["GET", "POST"])
@acts_on(SignatureRequest, can_manage_signature_request)
def withdraw(signature_request: SignatureRequest):
    """Confirm and withdraw a pending request, with the reason the signatories get."""
    form = WithdrawForm()
    if not form.is_submitted():
        operations.ensure_withdrawable(signature_request)
    if form.validate_on_submit():
        with refusal_shown(form):
            operations.withdraw(signature_request, current_user, form.reason.data)
            flash(_("The signature request was withdrawn and the signatories were told."), "success")
            return redirect(url_for(".request_detail", request_id=signature_request.id))
    return render_template("signatures/withdraw.html", signature_request=signature_request, form=form)


@bp.app_template_global()
def may_read_agreement(agreement: Agreement) -> bool:
    """Whether the current user may open the agreement's page (an invited signatory may not)."""
    return can_view_agreement(current_user, agreement)


@bp.app_template_global()
def open_joining(agreement: Agreement) -> SignatureRequest | None:
    """The commitment's joining that is open, if any."""
    request = queries.pending_request(agreement)
    return request if request is not None and request.is_accession else None


@bp.app_template_global()
def may_send_for_signature(agreement: Agreement) -> bool:
    """Whether the agreement's page offers the current user to send it for signature."""
    return can_send_for_signature(current_user, agreement)


@bp.app_template_global()
def visible_signature_requests(agreement: Agreement) -> list[SignatureRequest]:
    """The agreement's signature requests, newest first, if the current user may see them."""
    return [r for r in queries.page_requests(agreement) if can_view_signature_request(current_user, r)]
