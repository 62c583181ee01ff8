"""Template administration: the template library, version details and uploading a new version."""

import io
import json

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from agreements.core.access import can_administer, require
from agreements.core.actions import acts_on, in_transaction
from agreements.core.forms import ConfirmForm
from agreements.core.i18n import ui_language
from agreements.extensions import db
from agreements.templates_lib import queries
from agreements.templates_lib.errors import TemplateRejected
from agreements.templates_lib.fields import format_date, format_money
from agreements.templates_lib.forms import TemplateUploadForm
from agreements.templates_lib.models import AgreementTemplate, TemplateSource, TemplateVersion
from agreements.templates_lib.operations import add_template_version, set_template_active
from agreements.templates_lib.policy import can_manage_template

bp = Blueprint("templates_admin", __name__, url_prefix="/admin/templates")

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIELD_TYPE_TITLES = {
    "text": _l("Text"),
    "long_text": _l("Long text"),
    "date": _l("Date"),
    "integer": _l("Whole number"),
    "money": _l("Amount of money"),
    "choice": _l("Choice"),
    "boolean": _l("Yes/no"),
    "rows": _l("List of rows"),
}


def shown_default(version: TemplateVersion, field: dict) -> str:
    """A field's default value as the administrator reads it; empty when it has none."""
    if "default" not in field:
        return ""
    value, kind = field["default"], field["type"]
    if kind == "boolean":
        return _("Yes") if value else _("No")
    if kind == "choice":
        return next((version.text(c["label"]) for c in field["choices"] if c["value"] == value), value)
    if kind == "date":
        return format_date(value)
    if kind == "money":
        return format_money(str(value), ui_language())
    return str(value)


@bp.get("/")
@login_required
def index():
    """List every template with its latest version, status and the number of agreements using it."""
    require(can_administer)
    return render_template("templates_lib/index.html", rows=queries.template_rows())


@bp.get("/<int:template_id>")
@acts_on(AgreementTemplate, can_manage_template)
def detail(template: AgreementTemplate):
    """Show a template's versions and the sections and fields of its latest (or a chosen) version."""
    versions = queries.version_rows(template)
    number = request.args.get("version", type=int)
    shown = next((row.version for row in versions if number in (None, row.version.number)), None)
    if shown is None:
        abort(404)
    return render_template(
        "templates_lib/detail.html",
        template=template,
        versions=versions,
        shown=shown,
        latest_number=versions[0].version.number,
        field_type_titles=FIELD_TYPE_TITLES,
        shown_default=shown_default,
    )


def _confirm_active(template: AgreementTemplate, active: bool):
    """The confirmation page (GET) and the change itself (POST) of activating and deactivating."""
    form = ConfirmForm()
    if form.validate_on_submit():
        set_template_active(template, active)
        title = str(template)
        if active:
            flash(_("%(title)s can again be chosen for new agreements.", title=title), "success")
        else:
            flash(_("%(title)s can no longer be chosen for new agreements.", title=title), "success")
        return redirect(url_for(".detail", template_id=template.id))
    return render_template("templates_lib/confirm_status.html", form=form, template=template, active=active)


@bp.route("/<int:template_id>/deactivate", methods=["GET", "POST"])
@acts_on(AgreementTemplate, can_manage_template)
def deactivate(template: AgreementTemplate):
    """Confirm and stop offering a template for new agreements (administrators)."""
    return _confirm_active(template, active=False)


@bp.route("/<int:template_id>/activate", methods=["GET", "POST"])
@acts_on(AgreementTemplate, can_manage_template)
def activate(template: AgreementTemplate):
    """Confirm and offer an inactive template for new agreements again (administrators)."""
    return _confirm_active(template, active=True)


@bp.get("/versions/<int:version_id>/<any(fi, sv):language>.docx")
@acts_on(TemplateVersion, can_manage_template)
def download_docx(version: TemplateVersion, language: str):
    """Download the Finnish or Swedish .docx template of a version, as uploaded."""
    return send_file(
        io.BytesIO(version.docx(language)),
        mimetype=DOCX_MIMETYPE,
        as_attachment=True,
        download_name=f"{version.template.key}-v{version.number}-{language}.docx",
    )


@bp.get("/versions/<int:version_id>/manifest.json")
@acts_on(TemplateVersion, can_manage_template)
def download_manifest(version: TemplateVersion):
    """Download the manifest of a version."""
    content = json.dumps(version.manifest, ensure_ascii=False, indent=2).encode()
    return send_file(
        io.BytesIO(content),
        mimetype="application/json",
        as_attachment=True,
        download_name=f"{version.template.key}-v{version.number}-manifest.json",
    )


@bp.route("/upload", methods=["GET", "POST"])
@login_required
@in_transaction
def upload():
    """Upload a template package; it is checked and stored as a new version only when it is accepted."""
    require(can_administer)
    form = TemplateUploadForm()
    if form.validate_on_submit():
        try:
            version, created = add_template_version(
                form.manifest_bytes, form.documents(), TemplateSource.UPLOADED, created_by=current_user
            )
        except TemplateRejected as rejected:
            db.session.rollback()
            form.show_rejection(rejected)
        else:
            return _uploaded(version, created)
    return render_template("templates_lib/upload.html", form=form)


def _uploaded(version: TemplateVersion, created: bool):
    """Say that the new version was stored, or that the package already was."""
    if created:
        flash(
            _("Version %(number)s of %(title)s was added.", number=version.number, title=version.title),
            "success",
        )
    else:
        flash(
            _(
                "This package is identical to version %(number)s of %(title)s; nothing was stored.",
                number=version.number,
                title=version.title,
            ),
            "info",
        )
    return redirect(url_for(".detail", template_id=version.template_id, version=version.number))
