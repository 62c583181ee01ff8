"""Signing contacts: people who are not members of an organisation but signed for it when invited by
e-mail, so that the next drafter sending anything to the organisation can ask them again. The organisation's
administrators (and national administrators) see the list and remove a name; a removed person keeps only
what was already sent to them."""

from flask_babel import gettext as _
from sqlalchemy import Select, select

from agreements.accounts.models import User
from agreements.accounts.policy import can_administer_organisation
from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.signatures.models import SigningContact


def can_manage_contact(user, contact: SigningContact) -> bool:
    """The organisation's administrators and national administrators manage its signing contacts."""
    return can_administer_organisation(user, contact.organisation)


def contacts_query(organisation: Organisation) -> Select:
    """The organisation's signing contacts, by name."""
    return (
        select(SigningContact)
        .join(User, User.id == SigningContact.user_id)
        .where(SigningContact.organisation_id == organisation.id)
        .order_by(User.name, SigningContact.id)
    )


def remove_contact(contact: SigningContact, by: User) -> None:
    """Remove a person from the organisation's signing contacts: they are no longer offered as its signer."""
    if not can_manage_contact(by, contact):
        raise OperationRefused(_("Only the organisation's administrators can remove its signing contacts."))
    details = {"organisation": contact.organisation_id, "user": contact.user_id}
    db.session.delete(contact)
    db.session.flush()
    record("signing_contact.remove", contact, details, actor=by)
