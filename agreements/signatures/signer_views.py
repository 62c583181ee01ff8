"""Views of a party's named signers while a request is open: replace one who has not signed, remind one."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from agreements.accounts.operations import invite_user
from agreements.core.actions import acts_on, refusal_shown
from agreements.core.forms import ConfirmForm
from agreements.signatures import signers
from agreements.signatures.accession import candidate_signers
from agreements.signatures.blueprint import bp
from agreements.signatures.forms import ReplaceSignerForm
from agreements.signatures.models import Signature
from agreements.signatures.policy import can_manage_signature
from agreements.signatures.views import request_page


@bp.route("/<int:signature_id>/replace", methods=["GET", "POST"])
@acts_on(Signature, can_manage_signature)
def replace_signer(signature: Signature):
    """Ask another person to sign for the party in place of a signer who has not signed."""
    form = ReplaceSignerForm(
        [u for u in candidate_signers(signature.organisation) if u.id != signature.signatory_id]
    )
    if not form.is_submitted():
        signers.ensure_replaceable(signature)
    if form.validate_on_submit():
        with refusal_shown(form):
            new_signer = form.chosen_member() or invite_user(
                form.email.data, form.name.data, signature.organisation.language.value, current_user
            )
            signers.replace_signer(signature, current_user, new_signer)
            flash(
                _(
                    "%(name)s now signs for %(organisation)s.",
                    name=new_signer.name,
                    organisation=signature.organisation.name,
                ),
                "success",
            )
            return redirect(url_for(".request_detail", request_id=signature.request_id))
    return render_template("signatures/replace.html", signature=signature, form=form)


@bp.post("/<int:signature_id>/remind")
@acts_on(Signature, can_manage_signature)
def remind(signature: Signature):
    """Remind a signer whose turn it is, at once (at most once a day)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        with refusal_shown(form):
            signers.remind_now(signature, current_user)
            flash(_("%(name)s was reminded.", name=signature.signatory.name), "success")
            return redirect(url_for(".request_detail", request_id=signature.request_id))
    return request_page(signature.request)  # refused: the request again, with the reason
