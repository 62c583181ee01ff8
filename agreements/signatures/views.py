"""Signature views: sending a version for signature, the request's page, signing, declining, paper copies,
withdrawing, and the frozen documents."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agreements.accounts.models import MembershipRole, User
from agreements.accounts.operations import invite_user
from agreements.accounts.queries import active_members
from agreements.core.access import load_or_404
from agreements.core.errors import OperationRefused
from agreements.core.i18n import ui_language
from agreements.core.web import send_download
from agreements.drafting import lifecycle
from agreements.drafting.document_views import send_document
from agreements.drafting.documents import MEDIA_TYPES, document_filename
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.drafting.policy import can_manage_agreement, can_view_agreement
from agreements.extensions import db, limiter
from agreements.organisations.models import Organisation
from agreements.signatures import operations, queries
from agreements.signatures.blueprint import bp
from agreements.signatures.consent import CONSENT_VERSION, consent_text
from agreements.signatures.forms import (
    DeclineForm,
    PaperCopyForm,
    PartySignatoryForm,
    SendForm,
    SignForm,
    WithdrawForm,
    send_form,
)
from agreements.signatures.models import (
    RequestStatus,
    Signature,
    SignatureRequest,
    SignatureStatus,
    SigningOrder,
)
from agreements.signatures.policy import (
    can_manage_signature_request,
    can_send_for_signature,
    can_sign,
    can_view_signature,
    can_view_signature_request,
)
from agreements.signatures.uploads import MAX_PAPER_BYTES, InvalidUpload
from agreements.templates_lib.rendering import document_sections

#: Badge colours of request and signature statuses; the badge always carries the status in words too.
STATUS_BADGES = {
    "pending": "text-bg-warning",
    "completed": "text-bg-success",
    "signed": "text-bg-success",
    "declined": "text-bg-danger",
    "withdrawn": "text-bg-secondary",
    "voided": "text-bg-secondary",
}


@bp.app_context_processor
def _signature_helpers() -> dict:
    return {"signature_badges": STATUS_BADGES}


@bp.route("/send/<int:agreement_id>", methods=["GET", "POST"])
@login_required
def send(agreement_id: int):
    """Send the latest version of a draft for signature: a signatory per party, the order and a message."""
    agreement = load_or_404(Agreement, agreement_id, can_manage_agreement)
    if not can_send_for_signature(current_user, agreement):
        raise lifecycle.TransitionRefused(
            agreement, AgreementStatus.AWAITING_SIGNATURES, "send_for_signature"
        )
    form = send_form(agreement, _candidates(agreement))
    if form.validate_on_submit():
        try:
            signature_request = _send(agreement, form)
        except OperationRefused as refusal:
            db.session.rollback()
            return _send_page(agreement, form, refusal.message), 409
        db.session.commit()
        flash(_("The agreement was sent for signature and the signatories were told."), "success")
        return redirect(url_for(".request_detail", request_id=signature_request.id))
    return _send_page(agreement, form)


def _candidates(agreement: Agreement) -> dict[int, list[User]]:
    """Each party's active member signatories, by name."""
    return {
        party.id: sorted(
            active_members([party.id], MembershipRole.SIGNATORY), key=lambda user: user.name.casefold()
        )
        for party in agreement.parties
    }


def _send(agreement: Agreement, form: SendForm) -> SignatureRequest:
    """Invite the new signatories the form names, then send the latest version to everyone chosen."""
    signatories = [
        (party, form.chosen_member(party) or _invite(party, form.party_block(party)))
        for party in form.ordered_parties()
    ]
    return operations.send_for_signature(
        agreement, current_user, signatories, SigningOrder(form.order.data), form.message.data or ""
    )


def _invite(party: Organisation, block: PartySignatoryForm) -> User:
    """An account for a person who signs for the party without being its member; only this request's right."""
    return invite_user(block.email.data, block.name.data, party.language.value, current_user)


def _send_page(agreement: Agreement, form: SendForm, refusal: str | None = None) -> str:
    return render_template(
        "signatures/send.html",
        agreement=agreement,
        version=agreement.latest_version,
        form=form,
        refusal=refusal,
    )


@bp.get("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    """Show a request: the frozen documents and their hashes, each party's signature, and what to do next."""
    signature_request = load_or_404(SignatureRequest, request_id, can_view_signature_request)
    awaiting = queries.awaiting(signature_request) if signature_request.is_pending else []
    return render_template(
        "signatures/request.html",
        signature_request=signature_request,
        agreement=signature_request.agreement,
        awaiting=awaiting,
        own_turns=[s for s in awaiting if s.signatory_id == current_user.id],
        managing=can_manage_signature_request(current_user, signature_request),
    )


@bp.get("/requests/<int:request_id>/document.<any(docx, pdf):ext>")
@login_required
def document(request_id: int, ext: str):
    """Download the frozen document exactly as it was sent for signature."""
    signature_request = load_or_404(SignatureRequest, request_id, can_view_signature_request)
    data = signature_request.docx if ext == "docx" else signature_request.pdf
    if data is None:
        abort(404)
    return send_document(signature_request.agreement, signature_request.version, data, ext)


def _signatory_of(signature_id: int) -> Signature:
    """The signature, for the person asked to sign it; 404 for everyone else."""
    signature = load_or_404(Signature, signature_id, can_view_signature)
    if not can_sign(current_user, signature):
        abort(404)
    return signature


def why_not_now(signature: Signature) -> str | None:
    """Why the signature cannot be given or declined now, or None when it can."""
    if queries.whose_turn(signature):
        return None
    if signature.status == SignatureStatus.SIGNED:
        return _("This party signed on %(when)s.", when=_helsinki(signature.signed_at))
    if signature.status == SignatureStatus.DECLINED:
        return _("The signatory declined to sign on %(when)s.", when=_helsinki(signature.declined_at))
    if not signature.request.is_pending:
        return _(
            "This signature request is no longer open for signing: %(status)s.",
            status=signature.request.status.title,
        )
    return _("The parties sign in order, and it is not yet your turn. You will get an e-mail when it is.")


def _helsinki(value) -> str:
    return current_app.jinja_env.filters["datetime"](value)


def _sign_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def _signing_key() -> str:
    return f"sign:{current_user.id}"


def _failed_attempt(response) -> bool:
    """A refused signature shows the form again (200); a signature given redirects."""
    return response.status_code == 200


@bp.route("/<int:signature_id>/sign", methods=["GET", "POST"])
@login_required
@limiter.limit(_sign_limit, key_func=_signing_key, methods=["POST"], deduct_when=_failed_attempt)
def sign(signature_id: int):
    """Read the frozen document and sign it for a party with a fresh password, typed name and consent."""
    signature = _signatory_of(signature_id)
    language = ui_language()
    form = SignForm(consent_text(language))
    if why_not_now(signature):
        return _sign_page(signature, None), 409 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            operations.sign(
                signature,
                current_user,
                form.password.data,
                form.typed_name.data,
                form.consent.data,
                language,
                operations.Evidence(ip=request.remote_addr, user_agent=request.user_agent.string),
            )
        except OperationRefused as refusal:
            return _refused_signature(signature, form, refusal)
        db.session.commit()
        flash(_("You signed the agreement for %(name)s.", name=signature.organisation.name), "success")
        return _after_signature(signature)
    return _sign_page(signature, form)


def _after_signature(signature: Signature):
    """Back to the request, saying so when this signature was the last one."""
    if signature.request.status == RequestStatus.COMPLETED:
        flash(_("Every party has signed: the agreement is signed."), "success")
    return redirect(url_for(".request_detail", request_id=signature.request_id))


def _refused_signature(signature: Signature, form: SignForm, refusal: OperationRefused):
    """The sign page again: 409 when the request closed meanwhile, else the problem on its field."""
    db.session.rollback()
    if why_not_now(signature):
        return _sign_page(signature, None), 409
    wrong = form.password if not current_user.check_password(form.password.data or "") else form.typed_name
    wrong.errors = [*wrong.errors, refusal.message]
    return _sign_page(signature, form)


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
        blocked=why_not_now(signature),
        consent_version=CONSENT_VERSION,
    )


@bp.route("/<int:signature_id>/decline", methods=["GET", "POST"])
@login_required
def decline(signature_id: int):
    """Decline to sign for a party, with the reason the drafter gets."""
    signature = _signatory_of(signature_id)
    _require_turn(signature)
    form = DeclineForm()
    if form.validate_on_submit():
        operations.decline(signature, current_user, form.reason.data)
        db.session.commit()
        flash(_("You declined to sign. The drafting workshop was told your reason."), "info")
        return redirect(url_for(".request_detail", request_id=signature.request_id))
    return render_template("signatures/decline.html", signature=signature, form=form)


def _require_turn(signature: Signature) -> None:
    reason = why_not_now(signature)
    if reason:
        raise OperationRefused(reason)


def _managed(signature_id: int) -> Signature:
    """The signature, for the drafting workshop's editors; 404 for everyone else."""
    signature = load_or_404(Signature, signature_id, can_view_signature)
    if not can_manage_signature_request(current_user, signature.request):
        abort(404)
    return signature


@bp.route("/<int:signature_id>/paper", methods=["GET", "POST"])
@login_required
def upload_paper(signature_id: int):
    """Record a party's signature on paper by uploading the scanned signed copy as PDF."""
    signature = _managed(signature_id)
    _require_turn(signature)
    form = PaperCopyForm()
    status = 200
    if form.validate_on_submit():
        try:
            operations.upload_paper_copy(signature, current_user, form.scan.data.read(MAX_PAPER_BYTES + 1))
        except InvalidUpload as refusal:
            db.session.rollback()
            form.scan.errors = [*form.scan.errors, refusal.message]
            status = 400
        else:
            db.session.commit()
            name = signature.organisation.name
            flash(_("The signed paper copy of %(name)s was stored.", name=name), "success")
            return _after_signature(signature)
    page = render_template(
        "signatures/paper.html", signature=signature, form=form, max_mb=MAX_PAPER_BYTES // (1024 * 1024)
    )
    return page, status


@bp.get("/<int:signature_id>/paper.pdf")
@login_required
def paper_copy(signature_id: int):
    """Download the scanned signed paper copy of a party."""
    signature = load_or_404(Signature, signature_id, can_view_signature)
    if signature.paper_sha256 is None:
        abort(404)
    signature_request = signature.request
    name = document_filename(signature_request.agreement, signature_request.version, "pdf")
    filename = name.removesuffix(".pdf") + f"_signed_{signature.position}.pdf"
    return send_download(signature.paper_pdf, MEDIA_TYPES["pdf"], filename)


@bp.route("/requests/<int:request_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(request_id: int):
    """Confirm and withdraw a pending request, with the reason the signatories get."""
    signature_request = load_or_404(SignatureRequest, request_id, can_view_signature_request)
    if not can_manage_signature_request(current_user, signature_request):
        abort(404)
    if not signature_request.is_pending:
        raise OperationRefused(_("This signature request is no longer pending."))
    form = WithdrawForm()
    if form.validate_on_submit():
        operations.withdraw(signature_request, current_user, form.reason.data)
        db.session.commit()
        flash(_("The signature request was withdrawn and the signatories were told."), "success")
        return redirect(url_for(".request_detail", request_id=request_id))
    return render_template("signatures/withdraw.html", signature_request=signature_request, form=form)


@bp.app_template_global()
def may_read_agreement(agreement: Agreement) -> bool:
    """Whether the current user may open the agreement's page (an invited signatory may not)."""
    return can_view_agreement(current_user, agreement)


@bp.app_template_global()
def may_send_for_signature(agreement: Agreement) -> bool:
    """Whether the agreement's page offers the current user to send it for signature."""
    return can_send_for_signature(current_user, agreement)


@bp.app_template_global()
def visible_signature_requests(agreement: Agreement) -> list[SignatureRequest]:
    """The agreement's signature requests, newest first, if the current user may see them."""
    query = (
        db.select(SignatureRequest)
        .where(SignatureRequest.agreement_id == agreement.id)
        .order_by(SignatureRequest.sent_at.desc(), SignatureRequest.id.desc())
    )
    return [r for r in db.session.scalars(query) if can_view_signature_request(current_user, r)]
