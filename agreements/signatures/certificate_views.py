"""Certificate of completion of a signed agreement, checking whether a file is a signed document, and the
agreement's history from its audit hash chain."""

import hashlib

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import ValidationError

from agreements.core.actions import acts_on
from agreements.core.forms import FlaskForm
from agreements.core.i18n import ui_language
from agreements.core.web import send_download
from agreements.drafting.documents import MEDIA_TYPES
from agreements.drafting.models import Agreement
from agreements.drafting.policy import can_view_agreement
from agreements.signatures import certificate as certificates
from agreements.signatures import history as histories
from agreements.signatures.blueprint import bp
from agreements.signatures.models import SignatureRequest
from agreements.signatures.policy import can_view_certificate
from agreements.templates_lib.converter import PdfUnavailable

#: How many of the latest events the agreement's page lists; the history page lists them all.
RECENT_EVENTS = 50
_CHUNK = 64 * 1024


def _sha256_and_size(stream) -> tuple[str, int]:
    """SHA-256 and length of a stream, read in chunks so that a large file is never held whole."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class VerifyForm(FlaskForm):
    """A file to compare with the signed documents; only its SHA-256 is kept, and only for the answer."""

    document = FileField(
        _l("File to check"),
        validators=[FileRequired(_l("Choose the file to check."))],
    )

    def validate_document(self, field: FileField) -> None:
        self.sha256, size = _sha256_and_size(field.data.stream)
        if not size:
            raise ValidationError(_("The file is empty."))


@bp.get("/requests/<int:request_id>/certificate")
@acts_on(SignatureRequest, can_view_certificate)
def certificate(signature_request: SignatureRequest):
    """Show the certificate of completion: the parties, the signatures with their evidence and the events."""
    return render_template(
        "signatures/certificate.html",
        signature_request=signature_request,
        certificate=certificates.build_certificate(signature_request, ui_language()),
        certificate_statement=certificates.certificate_statement,
        completed_label=certificates.completed_label,
    )


@bp.get("/requests/<int:request_id>/certificate.<any(pdf, docx):ext>")
@acts_on(SignatureRequest, can_view_certificate)
def certificate_file(signature_request: SignatureRequest, ext: str):
    """Download the certificate of completion as .docx, or as PDF when this server can make one (else 503)."""
    report = certificates.build_certificate(signature_request, ui_language())
    if ext == "docx":
        data = certificates.certificate_docx(report)
    else:
        try:
            data = certificates.certificate_pdf(report)
        except PdfUnavailable as error:
            current_app.logger.warning(
                "PDF certificate of request %s not produced: %s", signature_request.id, error
            )
            page = render_template(
                "signatures/certificate_pdf_unavailable.html", signature_request=signature_request
            )
            return page, 503
    return send_download(data, MEDIA_TYPES[ext], certificates.certificate_filename(report, ext))


@bp.route("/verify", methods=["GET", "POST"])
@login_required
def verify():
    """Tell whether an uploaded file is byte-identical to a signed document; the file is not kept."""
    form = VerifyForm()
    page = {"form": form, "max_megabytes": current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)}
    if not form.validate_on_submit():
        return render_template("signatures/verify.html", **page)
    match = certificates.find_document(form.sha256)
    visible = match is not None and can_view_agreement(current_user, match.request.agreement)
    return render_template("signatures/verify.html", sha256=form.sha256, match=match, visible=visible, **page)


@bp.get("/history/<int:agreement_id>")
@acts_on(Agreement, can_view_agreement)
def history(agreement: Agreement):
    """List every event of the agreement's history, newest first, and whether its hash chain is intact."""
    return render_template(
        "signatures/history.html",
        agreement=agreement,
        history=histories.agreement_history(agreement, current_user),
    )


@bp.app_template_global()
def signed_agreement(agreement: Agreement) -> certificates.SignedAgreement | None:
    """What the agreement's page shows once every party has signed (None before)."""
    return certificates.signed_agreement(agreement)


@bp.app_template_global()
def recent_history(agreement: Agreement) -> histories.History:
    """The latest events of the agreement's history the current user may see, for the agreement's page."""
    reader = current_user._get_current_object()  # the user itself: the history asks it once per event
    return histories.agreement_history(agreement, reader, limit=RECENT_EVENTS)
