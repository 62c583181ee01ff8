"""Approval views: recording the decision that approves the latest version, and its attached minutes."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from agreements.core.actions import acts_on, refusal_shown
from agreements.core.uploads import MAX_PAPER_BYTES
from agreements.core.web import send_download
from agreements.drafting import approval
from agreements.drafting.blueprint import bp
from agreements.drafting.documents import MEDIA_TYPES
from agreements.drafting.forms import ApprovalForm
from agreements.drafting.models import Agreement
from agreements.drafting.policy import can_manage_agreement, can_view_agreement


@bp.route("/<int:agreement_id>/approve", methods=["GET", "POST"])
@acts_on(Agreement, can_manage_agreement)
def approve(agreement: Agreement):
    """Record the approval decision (body, date, minutes, optional PDF) of the agreement's latest version."""
    form = ApprovalForm()
    if not form.is_submitted():
        approval.ensure_approvable(agreement)
        form.version.data = str(agreement.latest_version.number)
    if form.validate_on_submit():
        with refusal_shown(form):
            upload = form.attachment.data
            data = upload.read(MAX_PAPER_BYTES + 1) if upload else None
            decision = approval.record_approval(
                agreement,
                current_user,
                version_number=form.version_number(),
                body=form.body.data,
                decided_on=form.decided_on.data,
                minutes_reference=form.minutes_reference.data,
                attachment=data,
            )
            flash(
                _("The approval of version %(number)s was recorded.", number=decision.version.number),
                "success",
            )
            return redirect(url_for(".detail", agreement_id=agreement.id))
    return render_template(
        "drafting/approve.html", agreement=agreement, form=form, max_mb=MAX_PAPER_BYTES // (1024 * 1024)
    )


@bp.get("/<int:agreement_id>/approvals/<int:decision>.pdf")
@acts_on(Agreement, can_view_agreement, arg="agreement_id")
def approval_attachment(agreement: Agreement, decision: int):
    """Download the minutes or decision attached to an approval of the agreement."""
    found = next((d for d in agreement.approvals if d.id == decision), None)
    if found is None or found.attachment_sha256 is None:
        abort(404)
    return send_download(
        found.attachment, MEDIA_TYPES["pdf"], f"{agreement.reference}_approval_{found.id}.pdf"
    )
