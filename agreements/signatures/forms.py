"""Forms of signing: sending a version for signature (or opening a commitment for joining), inviting more
organisations, replacing a signer, signing, declining, a paper copy, withdrawing and closing."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    FormField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from agreements.accounts.models import User
from agreements.accounts.operations import find_user_by_email
from agreements.core.forms import DayField, FlaskForm, MultiCheckboxField, TextAreaField, int_or_none, strip
from agreements.core.once import SubmitOnceForm
from agreements.drafting.models import Agreement
from agreements.organisations.models import Organisation
from agreements.signatures.models import SignerRule, SigningOrder

#: The signatory choice that invites a new person by e-mail instead of choosing a member.
INVITE = "invite"
#: The signatory choice of an organisation not invited to join a commitment now.
SKIP = "skip"
#: Longest message, decline reason and withdrawal reason, in characters.
MAX_TEXT = 5_000


class NewSignerFields:
    """The name and e-mail address of a person invited to sign, required only when inviting."""

    name = StringField(_l("Name of the new signatory"), filters=[strip], validators=[Length(max=120)])
    email = EmailField(
        _l("E-mail address of the new signatory"),
        filters=[strip],
        validators=[Length(max=254)],
        description=_l("Only when inviting a new signatory. They get an invitation to set a password."),
    )


class PartySignatoryForm(Form):
    """Who signs for one party: a member signatory, or a new person invited by e-mail; and when."""

    signatory = SelectField(_l("Signatory"), validators=[InputRequired(_l("Choose who signs."))])
    name = NewSignerFields.name
    email = NewSignerFields.email
    more_signers = MultiCheckboxField(
        _l("Other named signers"),
        description=_l(
            "For a party whose signature needs several people, e.g. the rector and the finance director."
        ),
    )
    rule = RadioField(
        _l("The party has signed when"), choices=SignerRule.choices(), default=SignerRule.ONE.value
    )
    in_order = BooleanField(
        _l("They sign one after another: the signer chosen first, then the others as listed")
    )
    position = SelectField(_l("Turn to sign"), coerce=int_or_none, validators=[Optional()])

    @property
    def inviting(self) -> bool:
        return self.signatory.data == INVITE

    @property
    def skipping(self) -> bool:
        return self.signatory.data == SKIP

    def validate_name(self, field) -> None:
        if self.inviting and not field.data:
            raise ValidationError(_("Give the new signatory's name."))

    def validate_email(self, field) -> None:
        if not self.inviting:
            return
        if not field.data:
            raise ValidationError(_("Give the new signatory's e-mail address."))
        Email(_("Give a valid e-mail address."), check_deliverability=False)(self, field)
        if find_user_by_email(field.data) is not None:
            raise ValidationError(
                _(
                    "%(email)s already has an account. Choose the person from the list if they are a "
                    "signatory of this organisation, or ask an administrator to give them the signatory "
                    "role.",
                    email=field.data,
                )
            )


class SendForm(SubmitOnceForm, FlaskForm):
    """The signatories of the parties, the signing order and a message; built by ``send_form``."""

    order = RadioField(
        _l("Signing order"), choices=SigningOrder.choices(), default=SigningOrder.PARALLEL.value
    )
    message = TextAreaField(
        _l("Message to the signatories"), filters=[strip], validators=[Length(max=MAX_TEXT)]
    )
    respond_by = DayField(
        _l("Last day to answer"),
        validators=[Optional()],
        description=_l("Optional. An invitation not answered by then expires; the others can still join."),
    )

    def __init__(
        self,
        parties: list[Organisation],
        candidates: dict[int, list[User]],
        accession: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.parties = parties
        self.candidates = candidates
        self.accession = accession
        positions = [(number, str(number)) for number in range(1, len(parties) + 1)]
        for number, party in enumerate(parties, start=1):
            block = self.party_block(party)
            members = [(str(user.id), user.name) for user in candidates[party.id]]
            block.signatory.choices = [
                ("", _("Choose the signatory")),
                *members,
                (INVITE, _("Invite a new signatory by e-mail")),
                *([(SKIP, _("Do not invite this organisation now"))] if accession else []),
            ]
            block.more_signers.choices = members
            block.position.choices = positions
            if block.position.data is None:
                block.position.data = number
            if not block.signatory.data and not self.is_submitted() and len(members) == 1:
                block.signatory.data = members[0][0]

    def party_block(self, party: Organisation) -> PartySignatoryForm:
        """The signatory fields of one party."""
        return self[f"party_{party.id}"].form

    @property
    def sequential(self) -> bool:
        return self.order.data == SigningOrder.SEQUENTIAL.value

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.sequential:
            return valid
        taken = [self.party_block(party).position.data for party in self.parties]
        for party in self.parties:
            field = self.party_block(party).position
            if taken.count(field.data) > 1:
                field.errors = [*field.errors, _("Give each party a different turn.")]
                valid = False
        return valid

    def ordered_parties(self) -> list[Organisation]:
        """The parties in signing order: by their turns when sequential, as shown when in parallel."""
        if not self.sequential:
            return list(self.parties)
        return sorted(self.parties, key=lambda party: self.party_block(party).position.data)

    def chosen_member(self, party: Organisation) -> User | None:
        """The member signatory chosen for a party, or None when a new person is invited."""
        block = self.party_block(party)
        if block.inviting:
            return None
        return next(user for user in self.candidates[party.id] if str(user.id) == block.signatory.data)

    def invited_parties(self) -> list[Organisation]:
        """The parties in signing order, without those a commitment does not invite now."""
        return [party for party in self.ordered_parties() if not self.party_block(party).skipping]

    def other_signers(self, party: Organisation, first: User) -> list[User]:
        """The party's other named signers besides ``first``, in the list's order."""
        chosen = set(self.party_block(party).more_signers.data or [])
        return [user for user in self.candidates[party.id] if str(user.id) in chosen and user.id != first.id]


def send_form(
    agreement: Agreement, candidates: dict[int, list[User]], accession: bool = False, **kwargs
) -> SendForm:
    """A send form with a block of signatory fields for each party of the agreement."""
    blocks = {
        f"party_{party.id}": FormField(PartySignatoryForm, label=party.name) for party in agreement.parties
    }
    form_class = type("AgreementSendForm", (SendForm,), blocks)
    return form_class(list(agreement.parties), candidates, accession, **kwargs)


class InviteForm(FlaskForm):
    """More organisations to invite to join a commitment: chosen ones, by network or region, or one named."""

    organisation_ids = MultiCheckboxField(_l("Organisations"), coerce=int_or_none)
    network_ids = MultiCheckboxField(
        _l("Every active organisation in these networks"),
        coerce=int_or_none,
        description=_l("Organisations already invited are skipped."),
    )
    region_ids = MultiCheckboxField(
        _l("Every active organisation of these regions"),
        coerce=int_or_none,
        description=_l("Organisations already invited are skipped."),
    )
    named_id = SelectField(
        _l("Organisation"),
        coerce=int_or_none,
        validators=[Optional()],
        description=_l("Invite one organisation alone, naming the person who signs for it."),
    )
    name = NewSignerFields.name
    email = EmailField(
        _l("E-mail address of the signatory"),
        filters=[strip],
        validators=[Length(max=254)],
        description=_l("A person without an account gets an invitation to set a password."),
    )
    respond_by = DayField(
        _l("Last day to answer"),
        validators=[Optional()],
        description=_l("Optional. An invitation not answered by then expires."),
    )

    def __init__(
        self, organisations: list[Organisation], networks: list, regions: list, signers_of, **kwargs
    ):
        super().__init__(**kwargs)
        #: The people who may be asked to sign for an organisation (a function of it).
        self.signers_of = signers_of
        self.organisation_ids.choices = [(o.id, f"{o.name} ({o.municipality})") for o in organisations]
        self.named_id.choices = [(None, _("No organisation")), *self.organisation_ids.choices]
        self.network_ids.choices = [(network.id, network.name) for network in networks]
        self.region_ids.choices = [(region.id, region.name) for region in regions]
        self.by_id = {
            "organisations": {o.id: o for o in organisations},
            "networks": {n.id: n for n in networks},
            "regions": {r.id: r for r in regions},
        }

    def chosen(self, name: str) -> list:
        """The chosen organisations, networks or regions."""
        ids = getattr(self, f"{name[:-1]}_ids").data or []
        return [self.by_id[name][i] for i in ids if i in self.by_id[name]]

    def named_organisation(self) -> Organisation | None:
        """The organisation invited alone with a named signer, if any."""
        return self.by_id["organisations"].get(self.named_id.data)

    def validate_name(self, field) -> None:
        if self.named_id.data and not field.data:
            raise ValidationError(_("Give the name of the person who signs."))

    def validate_email(self, field) -> None:
        if not self.named_id.data:
            return
        if not field.data:
            raise ValidationError(_("Give the e-mail address of the person who signs."))
        Email(_("Give a valid e-mail address."), check_deliverability=False)(self, field)
        existing = find_user_by_email(field.data)
        if existing is not None and existing not in self.signers_of(self.named_organisation()):
            raise ValidationError(
                _(
                    "%(email)s already has an account that cannot sign for this organisation. Ask the "
                    "organisation's administrator to give the person the signatory role.",
                    email=field.data,
                )
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        chosen = (
            self.organisation_ids.data or self.network_ids.data or self.region_ids.data or self.named_id.data
        )
        if valid and not chosen:
            self.organisation_ids.errors = [_("Choose at least one organisation, network or region.")]
            return False
        return valid


class ReplaceSignerForm(FlaskForm):
    """Who signs in place of a signer who has not signed: one of the party's signers, or a new person."""

    signatory = SelectField(_l("New signer"), validators=[InputRequired(_l("Choose who signs."))])
    name = NewSignerFields.name
    email = NewSignerFields.email

    def __init__(self, candidates: list[User], **kwargs):
        super().__init__(**kwargs)
        self.candidates = candidates
        self.signatory.choices = [
            ("", _("Choose the new signer")),
            *((str(user.id), user.name) for user in candidates),
            (INVITE, _("Invite a new signatory by e-mail")),
        ]

    inviting = PartySignatoryForm.inviting
    validate_name = PartySignatoryForm.validate_name
    validate_email = PartySignatoryForm.validate_email

    def chosen_member(self) -> User | None:
        """The chosen signer, or None when a new person is invited."""
        if self.inviting:
            return None
        return next((user for user in self.candidates if str(user.id) == self.signatory.data), None)


class ReasonForm(FlaskForm):
    """Confirming an action that ends something, with an optional reason the people concerned get."""

    reason = TextAreaField(_l("Reason (optional)"), filters=[strip], validators=[Length(max=MAX_TEXT)])


class SignForm(FlaskForm):
    """A signature: a fresh password entry, the signer's typed name and the accepted consent text."""

    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password to sign."))],
        render_kw={"autocomplete": "current-password"},
    )
    typed_name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[DataRequired(_l("Type your name to sign.")), Length(max=120)],
        description=_l("Type your name as it is on your account."),
        render_kw={"autocomplete": "name"},
    )
    consent = BooleanField(validators=[DataRequired(_l("Accept the terms of electronic signing to sign."))])

    def __init__(self, consent_text: str, **kwargs):
        super().__init__(**kwargs)
        self.consent.label.text = consent_text


class DeclineForm(FlaskForm):
    """Declining to sign, with the reason the drafter gets."""

    reason = TextAreaField(
        _l("Why do you decline?"),
        filters=[strip],
        validators=[DataRequired(_l("Tell the drafter why you decline.")), Length(max=MAX_TEXT)],
        description=_l("The drafting workshop gets your reason and can prepare a new version."),
    )


class PaperCopyForm(FlaskForm):
    """A scan of the agreement signed on paper by one party."""

    scan = FileField(
        _l("Scanned signed copy (PDF)"),
        validators=[FileRequired(_l("Choose the PDF file of the signed copy."))],
        render_kw={"accept": "application/pdf,.pdf"},
    )


class WithdrawForm(FlaskForm):
    """Withdrawing a request, with the reason the signatories get."""

    reason = TextAreaField(
        _l("Reason for withdrawing"),
        filters=[strip],
        validators=[DataRequired(_l("Give the reason for withdrawing the request.")), Length(max=MAX_TEXT)],
        description=_l("The signatories are told that nothing is to be signed, and why."),
    )
