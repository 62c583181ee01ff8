"""Views of an organisation's signing contacts: the list its administrators see, and removing a name."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from agreements.accounts.policy import can_administer_organisation
from agreements.core.actions import acts_on, refusal_shown
from agreements.core.forms import ConfirmForm
from agreements.core.web import paginate
from agreements.organisations.models import Organisation
from agreements.organisations.signals import organisation_pages
from agreements.signatures.blueprint import bp
from agreements.signatures.contacts import can_manage_contact, contacts_query, remove_contact
from agreements.signatures.models import SigningContact


@organisation_pages.connect
def contacts_page(organisation: Organisation, user) -> list[tuple[str, str]]:
    """The signing contacts among the organisation's pages, for those who manage its members."""
    if not can_administer_organisation(user, organisation):
        return []
    return [(_("Signing contacts"), url_for("signatures.contacts", organisation_id=organisation.id))]


@bp.get("/contacts/<int:organisation_id>")
@acts_on(Organisation, can_administer_organisation)
def contacts(organisation: Organisation):
    """List the people outside the organisation who have signed for it and may be asked again."""
    return render_template(
        "signatures/contacts.html",
        organisation=organisation,
        pagination=paginate(contacts_query(organisation)),
    )


@bp.route("/contacts/remove/<int:contact_id>", methods=["GET", "POST"])
@acts_on(SigningContact, can_manage_contact)
def remove_signing_contact(contact: SigningContact):
    """Confirm and remove a person from the organisation's signing contacts."""
    form = ConfirmForm()
    if form.validate_on_submit():
        with refusal_shown(form):
            organisation, name = contact.organisation, contact.user.name
            remove_contact(contact, current_user)
            flash(
                _(
                    "%(name)s is no longer a signing contact of %(organisation)s.",
                    name=name,
                    organisation=organisation.name,
                ),
                "success",
            )
            return redirect(url_for(".contacts", organisation_id=organisation.id))
    return render_template("signatures/contact_remove.html", contact=contact, form=form)
