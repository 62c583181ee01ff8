"""Who may be asked to sign for an organisation, and the parties a sender names.

A person may sign for an organisation when they are an active member signatory of it, one of its signing
contacts (someone outside it who signed for it before), a person invited by e-mail to sign for it who has
not set a password yet, or someone an earlier request of the same agreement asked to sign for it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from agreements.accounts.models import MembershipRole, User
from agreements.core.errors import OperationRefused
from agreements.drafting.models import Agreement
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.signatures.models import Signature, SignatureRequest, SignerRule, SigningContact


@dataclass(frozen=True)
class PartyChoice:
    """Who signs for one organisation: its named signers and the rule that makes the party signed."""

    organisation: Organisation
    signers: tuple[User, ...]
    rule: SignerRule = SignerRule.ONE
    in_order: bool = False


def party_choices(signatories: Iterable) -> list[PartyChoice]:
    """PartyChoice items, accepting (organisation, user) pairs for a party with one signer."""
    return [
        choice if isinstance(choice, PartyChoice) else PartyChoice(choice[0], (choice[1],))
        for choice in signatories
    ]


def is_member_signatory(user: User, organisation: Organisation) -> bool:
    """True for an active user with the signatory role in the organisation."""
    return user.active and organisation.id in user.organisation_ids(MembershipRole.SIGNATORY)


def is_signing_contact(user: User, organisation: Organisation) -> bool:
    """True when the person signed for the organisation before, as an invited signer, and was not removed."""
    query = db.select(SigningContact.id).where(
        SigningContact.organisation_id == organisation.id, SigningContact.user_id == user.id
    )
    return db.session.scalar(query) is not None


def check_choice(agreement: Agreement, choice: PartyChoice) -> None:
    """One or more different signers for the party, each an eligible signer of it."""
    organisation = choice.organisation
    if not choice.signers:
        raise OperationRefused(_("Choose who signs for %(name)s.", name=organisation.name))
    if len({user.id for user in choice.signers}) != len(choice.signers):
        raise OperationRefused(_("Name each signer of %(name)s once.", name=organisation.name))
    for user in choice.signers:
        check_signer(agreement, organisation, user)


def check_signer(agreement: Agreement, organisation: Organisation, user: User) -> None:
    """Refuse unless the person may be asked to sign for the organisation."""
    if not user.active:
        raise OperationRefused(_("%(name)s cannot sign: the account is deactivated.", name=user.name))
    if not (
        is_member_signatory(user, organisation)
        or is_signing_contact(user, organisation)
        or invited_for_signing(user, organisation)
        or asked_before(user, organisation, agreement)
    ):
        raise OperationRefused(
            _(
                "%(name)s is not a signatory of %(organisation)s.",
                name=user.name,
                organisation=organisation.name,
            )
        )


def check_joint_parties(agreement: Agreement, choices: list[PartyChoice]) -> None:
    chosen = [choice.organisation.id for choice in choices]
    if sorted(chosen) != sorted(party.id for party in agreement.parties):
        raise OperationRefused(_("Choose one signatory for each party."))


def invited_for_signing(user: User, organisation: Organisation) -> bool:
    """A person invited by e-mail to sign for the organisation: an account without memberships, whose
    password is not set yet, never asked to sign for another organisation."""
    if user.memberships or user.password_hash or user.invited_at is None:
        return False
    elsewhere = db.select(Signature.id).where(
        Signature.signatory_id == user.id, Signature.organisation_id != organisation.id
    )
    return db.session.scalar(elsewhere.limit(1)) is None


def asked_before(user: User, organisation: Organisation, agreement: Agreement) -> bool:
    """True when an earlier request of this agreement asked the person to sign for this organisation."""
    query = (
        db.select(Signature.id)
        .join(SignatureRequest, SignatureRequest.id == Signature.request_id)
        .where(
            SignatureRequest.agreement_id == agreement.id,
            Signature.organisation_id == organisation.id,
            Signature.signatory_id == user.id,
        )
        .limit(1)
    )
    return db.session.scalar(query) is not None
