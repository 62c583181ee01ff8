"""Views of a commitment's joining: invite more organisations, withdraw an invitation, close the joining."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from agreements.accounts.operations import find_user_by_email, invite_user
from agreements.core.actions import acts_on, refusal_shown
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation
from agreements.organisations.queries import active_organisations_in, all_regions
from agreements.signatures import accession
from agreements.signatures.blueprint import bp
from agreements.signatures.eligibility import PartyChoice
from agreements.signatures.forms import InviteForm, ReasonForm
from agreements.signatures.models import SignatureRequest, SigningParty
from agreements.signatures.policy import can_manage_signature_request, can_manage_signing_party


def _uninvited(signature_request: SignatureRequest) -> list[Organisation]:
    """Active organisations the request has not invited yet, by name."""
    asked = [party.organisation_id for party in signature_request.parties]
    query = select(Organisation).where(Organisation.active, Organisation.id.not_in(asked))
    return list(db.session.scalars(query.order_by(Organisation.name, Organisation.municipality)))


def _invite_form(signature_request: SignatureRequest) -> InviteForm:
    networks = db.session.scalars(select(Network).where(Network.active).order_by(Network.name)).all()
    return InviteForm(_uninvited(signature_request), networks, all_regions(), accession.candidate_signers)


@bp.route("/requests/<int:request_id>/invite", methods=["GET", "POST"])
@acts_on(SignatureRequest, can_manage_signature_request)
def invite(signature_request: SignatureRequest):
    """Invite more organisations to join an open commitment: chosen ones, or all of networks or regions."""
    accession.ensure_open(signature_request)
    form = _invite_form(signature_request)
    if form.validate_on_submit():
        with refusal_shown(form):
            _invite_chosen(signature_request, form)
            return redirect(url_for(".request_detail", request_id=signature_request.id))
    return render_template("signatures/invite.html", signature_request=signature_request, form=form)


def invite_and_tell(signature_request: SignatureRequest, choices: list, respond_by=None) -> None:
    """Invite the chosen organisations to the joining and tell the user how many were invited."""
    accession.invite(signature_request, current_user, choices, respond_by)
    count = len(choices)
    flash(
        ngettext("%(num)d organisation was invited.", "%(num)d organisations were invited.", count), "success"
    )


def _invite_chosen(signature_request: SignatureRequest, form: InviteForm) -> None:
    """Invite the organisations the form names, each with all its signers; say who could not be invited."""
    picked = [
        *form.chosen("organisations"),
        *active_organisations_in(form.chosen("networks"), form.chosen("regions")),
    ]
    organisations = accession.not_yet_invited(signature_request, list({o.id: o for o in picked}.values()))
    choices, without = accession.choices_for(organisations)
    named = form.named_organisation()
    if named is not None:
        person = find_user_by_email(form.email.data) or invite_user(
            form.email.data, form.name.data, named.language.value, current_user
        )
        choices = [c for c in choices if c.organisation.id != named.id] + [PartyChoice(named, (person,))]
        without = [o for o in without if o.id != named.id]
    if choices:
        invite_and_tell(signature_request, choices, form.respond_by.data)
    if without:
        names = ", ".join(organisation.name for organisation in without)
        flash(
            _(
                "These organisations have no signatory in Sopimuspolku and were not invited: %(names)s. "
                "Invite each of them alone, naming the person who signs for it.",
                names=names,
            ),
            "warning",
        )
    if not choices and not without:
        flash(_("Every organisation chosen has been invited already."), "info")


@bp.route("/parties/<int:party_id>/withdraw", methods=["GET", "POST"])
@acts_on(SigningParty, can_manage_signing_party)
def withdraw_invitation(party: SigningParty):
    """Confirm and withdraw an organisation's unanswered invitation to join."""
    form = ReasonForm()
    if not form.is_submitted():
        accession.ensure_withdrawable(party)
    if form.validate_on_submit():
        with refusal_shown(form):
            accession.withdraw_invitation(party, current_user, form.reason.data)
            flash(_("The invitation of %(name)s was withdrawn.", name=party.organisation.name), "success")
            return redirect(url_for(".request_detail", request_id=party.request_id))
    return render_template("signatures/withdraw_invitation.html", party=party, form=form)


@bp.route("/requests/<int:request_id>/close", methods=["GET", "POST"])
@acts_on(SignatureRequest, can_manage_signature_request)
def close(signature_request: SignatureRequest):
    """Confirm and close a commitment's joining: nobody new may sign, the signatures given stand."""
    form = ReasonForm()
    if not form.is_submitted():  # a POST is checked by the operation, which keeps the reason typed
        accession.ensure_open(signature_request)
    if form.validate_on_submit():
        with refusal_shown(form):
            accession.close_accession(signature_request, current_user, form.reason.data)
            flash(_("The joining is closed. The organisations that joined stay committed."), "success")
            return redirect(url_for(".request_detail", request_id=signature_request.id))
    return render_template("signatures/close.html", signature_request=signature_request, form=form)
