"""Registration views: an agreement signed outside the service by hand, many from CSV and ZIP files, and
the registered documents."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from agreements.core.access import require
from agreements.core.actions import acts_on, in_transaction, refusal_shown
from agreements.core.errors import OperationRefused
from agreements.core.uploads import MAX_PAPER_BYTES
from agreements.core.web import CSV_MEDIA_TYPE, body_limit, send_download
from agreements.drafting import bulk_registration, queries, registration
from agreements.drafting.blueprint import bp
from agreements.drafting.documents import MEDIA_TYPES, document_filename
from agreements.drafting.forms import BulkRegisterForm, RegisterForm
from agreements.drafting.models import Agreement
from agreements.drafting.policy import can_register_agreements, can_view_registration
from agreements.drafting.views import CREATED_ONCE
from agreements.organisations.csv_import import MAX_BYTES, ImportFileError, read_as
from agreements.organisations.models import Language

#: Where each problem the registration check finds is shown on the form.
FORM_FIELDS = {"owner": "owner_id", "parties": "party_ids", "main_agreement": "main_agreement_id"}


@bp.route("/register", methods=["GET", "POST"])
@login_required
@in_transaction
def register():
    """Register an agreement signed outside the service: its details, parties and signed PDF."""
    require(can_register_agreements)
    if (repeat := CREATED_ONCE.repeated()) is not None:
        return repeat
    workshops = queries.registering_workshops(current_user)
    form = RegisterForm(
        workshops=workshops,
        candidates=queries.registration_candidates(),
        main_agreements=queries.main_agreement_candidates_of(workshops),
    )
    if form.validate_on_submit():
        with refusal_shown(form, show=lambda refusal: _show_problems(form, refusal)):
            if (repeat := CREATED_ONCE.claim(form)) is not None:
                return repeat
            agreement = registration.register(_registration(form), current_user)
            CREATED_ONCE.made(form, agreement.id)
            flash(_("Agreement %(reference)s was registered.", reference=agreement.reference), "success")
            return redirect(url_for(".detail", agreement_id=agreement.id))
    return render_template("drafting/register.html", form=form, max_mb=_mb(MAX_PAPER_BYTES))


def _registration(form: RegisterForm) -> registration.Registration:
    """The registration the form describes, with the uploaded files' bytes."""
    docx = form.docx.data
    return registration.Registration(
        owner=form.workshops[form.owner_id.data],
        others=form.parties(),
        kind=form.chosen_kind(),
        language=Language(form.language.data),
        signed_pdf=form.signed_pdf.data.read(MAX_PAPER_BYTES + 1),
        docx=docx.read(MAX_PAPER_BYTES + 1) if docx else None,
        notice_given_on=form.notice_given_on.data,
        main_agreement=form.main_agreement(),
        **form.header(),
    )


def _show_problems(form: RegisterForm, refusal: OperationRefused) -> None:
    """Each problem on the field it concerns, or above the form."""
    for key, message in (getattr(refusal, "errors", None) or {refusal.field: refusal.message}).items():
        field = form._fields.get(FORM_FIELDS.get(key, key))
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            flash(message, "danger")


@bp.route("/register/bulk", methods=["GET", "POST"])
@body_limit("BULK_REGISTRATION_MAX_BYTES")
@login_required
@in_transaction
def register_bulk():
    """Register many agreements from a CSV file and a ZIP of their PDFs: all rows, or none if any is bad."""
    require(can_register_agreements)
    form = BulkRegisterForm()
    check = _check_upload(form) if form.validate_on_submit() else None
    if check is not None and check.ok:
        count = len(bulk_registration.store_all(check, current_user))
        registered = ngettext("%(num)s agreement registered.", "%(num)s agreements registered.", count)
        flash(f"{registered} {read_as(check.encoding)}", "success")
        return redirect(url_for(".index"))
    return render_template(
        "drafting/register_bulk.html",
        form=form,
        check=check,
        max_rows=bulk_registration.MAX_ROWS,
        max_megabytes=_mb(MAX_BYTES),
        max_upload_mb=_mb(current_app.config["BULK_REGISTRATION_MAX_BYTES"]),
        max_file_mb=_mb(MAX_PAPER_BYTES),
        max_unpacked_mb=_mb(bulk_registration.MAX_UNPACKED_BYTES),
    )


def _mb(size: int) -> int:
    return size // (1024 * 1024)


def _check_upload(form: BulkRegisterForm) -> bulk_registration.BulkCheck | None:
    """Check the uploaded files; a problem with a whole file becomes an error on its field."""
    try:
        return bulk_registration.check_upload(
            form.csv_file.data.read(MAX_BYTES + 1), form.zip_file.data.read(), current_user
        )
    except bulk_registration.ZipFileError as error:
        form.zip_file.errors.append(error.message)
    except ImportFileError as error:
        form.csv_file.errors.append(error.message)
    return None


@bp.get("/register/example.csv")
@login_required
def register_example():
    """Download an example CSV file of agreements to register."""
    require(can_register_agreements)
    return send_download(bulk_registration.example_csv().encode(), CSV_MEDIA_TYPE, "agreements-example.csv")


@bp.get("/<int:agreement_id>/signed.pdf")
@acts_on(Agreement, can_view_registration)
def registered_pdf(agreement: Agreement):
    """Download the signed PDF of an agreement signed outside the service."""
    filename = document_filename(agreement, agreement.latest_version, "pdf")
    return send_download(agreement.registration.signed_pdf, MEDIA_TYPES["pdf"], filename)


@bp.get("/<int:agreement_id>/signed.docx")
@acts_on(Agreement, can_view_registration)
def registered_docx(agreement: Agreement):
    """Download the Word document registered with an agreement signed outside the service."""
    if agreement.registration.docx_sha256 is None:
        abort(404)
    filename = document_filename(agreement, agreement.latest_version, "docx")
    return send_download(agreement.registration.docx, MEDIA_TYPES["docx"], filename)
