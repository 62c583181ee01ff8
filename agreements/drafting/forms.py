"""Forms for drafting: choosing a template, an agreement's own details and parties, list filters, cancelling.

The template's fields come from field_forms.py, generated from the manifest.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from agreements.core.forms import (
    DayField,
    FlaskForm,
    MultiCheckboxField,
    QueryFilterForm,
    TextAreaField,
    int_or_none,
    strip,
)
from agreements.core.once import SubmitOnceForm
from agreements.drafting.models import AgreementStatus
from agreements.drafting.operations import MAX_NOTICE_MONTHS
from agreements.drafting.queries import VALIDITY_CHOICES, AgreementFilters, VersionTitle
from agreements.organisations.models import Language, Organisation
from agreements.templates_lib.models import TemplateKind, TemplateVersion


def organisation_choice(organisation: Organisation) -> tuple[int, str]:
    """An organisation as a choice: its name and municipality, which tell namesakes apart."""
    return organisation.id, f"{organisation.name} ({organisation.municipality})"


class StartForm(FlaskForm):
    """Step one of a new agreement: the template, the document language and the drafting workshop.

    Sent with GET to open the full form, whose hidden fields then carry the same three values.
    """

    class Meta:
        csrf = False

    template_version_id = SelectField(
        _l("Template"), coerce=int_or_none, validators=[InputRequired(_l("Choose a template."))]
    )
    language = SelectField(_l("Document language"), validators=[InputRequired()])
    owner_id = SelectField(_l("Drafting workshop"), coerce=int_or_none, validators=[InputRequired()])

    def __init__(self, formdata, template_versions: list[TemplateVersion], workshops: list[Organisation]):
        super().__init__(formdata)
        self.versions = {version.id: version for version in template_versions}
        self.workshops = {workshop.id: workshop for workshop in workshops}
        self.template_version_id.choices = [("", _("Choose a template"))] + [
            (version.id, version.title) for version in template_versions
        ]
        self.language.choices = Language.choices()
        self.owner_id.choices = [organisation_choice(workshop) for workshop in workshops]

    def validate_template_version_id(self, field):
        if field.data not in self.versions:
            raise ValidationError(_("Choose a template."))

    def validate_owner_id(self, field):
        if field.data not in self.workshops:
            raise ValidationError(_("Choose the workshop from the list."))

    def chosen(self) -> tuple[TemplateVersion, Language, Organisation]:
        """The validated choices as objects."""
        return (
            self.versions[self.template_version_id.data],
            Language(self.language.data),
            self.workshops[self.owner_id.data],
        )


class AgreementForm(SubmitOnceForm, FlaskForm):
    """An agreement's own details: title, validity, parties and the note saved with the version."""

    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(_l("Give the agreement a title.")), Length(max=200)],
    )
    start_date = DayField(_l("Start date"), validators=[InputRequired(_l("Give the start date."))])
    end_date = DayField(_l("End date"), validators=[Optional()])
    open_ended = BooleanField(_l("Open-ended (no end date)"))
    notice_period_months = IntegerField(
        _l("Notice period in months"),
        default=3,
        validators=[
            InputRequired(_l("Give the notice period.")),
            NumberRange(0, MAX_NOTICE_MONTHS, _l("Enter a number of months from %(min)s to %(max)s.")),
        ],
        invalid_value_message=_l("Enter a whole number."),
    )
    auto_renew = BooleanField(_l("Renews automatically"))
    party_ids = SelectMultipleField(
        _l("Parties"), coerce=int_or_none, validate_choice=False, render_kw={"size": 8}
    )
    main_agreement_id = SelectField(
        _l("Main agreement"),
        coerce=int_or_none,
        validate_choice=False,
        description=_l("The agreement of your workshop that this annex belongs to."),
    )
    change_note = TextAreaField(
        _l("Change note"),
        filters=[strip],
        validators=[Length(max=500)],
        description=_l("Optional: what changed and why. Shown in the version history."),
    )
    answered_comment_ids = MultiCheckboxField(
        _l("Comments this version answers"),
        coerce=int_or_none,
        validate_choice=False,
        description=_l(
            "Optional: tick the comments from the comment rounds that this version answers. "
            "The comparison of versions shows them."
        ),
    )
    #: The version the edit started from; a save based on an older one is refused as a conflict.
    base_version = HiddenField()

    def __init__(
        self,
        *args,
        kind: TemplateKind,
        candidates: list[Organisation],
        answerable=(),
        main_agreements: list | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        #: The agreements a new annex may belong to; without them (not an annex, or editing), no such field.
        self.main_agreements = {agreement.id: agreement for agreement in main_agreements or ()}
        if main_agreements is None:
            del self.main_agreement_id
        else:
            self.main_agreement_id.choices = [("", _("Choose the main agreement"))] + [
                (agreement.id, f"{agreement.reference} {agreement.title} ({agreement.status.title})")
                for agreement in main_agreements
            ]
        self.candidates = {organisation.id: organisation for organisation in candidates}
        self.party_ids.choices = [organisation_choice(organisation) for organisation in candidates]
        #: Comments of the agreement's rounds the new version may answer; without any, no such field.
        self.answerable = {comment.id: comment for comment in answerable}
        if self.answerable:
            self.answered_comment_ids.choices = [(key, str(key)) for key in self.answerable]
        else:
            del self.answered_comment_ids
        if kind == TemplateKind.COMMITMENT:
            self.party_ids.label.text = _("Other organisations")
            self.party_ids.description = _(
                "Your workshop is always a party. Choose the other organisations that commit to the "
                "guidelines, if any. Hold Ctrl (Cmd on a Mac) to choose several."
            )
        else:
            self.party_ids.label.text = _("Education providers")
            self.party_ids.description = _(
                "Your workshop is always a party. Hold Ctrl (Cmd on a Mac) to choose several providers."
            )

    def validate_end_date(self, field):
        if self.open_ended.data:
            return
        if field.data is None and not field.errors:
            raise ValidationError(_("Give the end date, or mark the agreement open-ended."))
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_("The end date cannot be before the start date."))

    def validate_party_ids(self, field):
        if any(party_id not in self.candidates for party_id in field.data):
            raise ValidationError(_("Choose the parties from the list."))
        if self.kind != TemplateKind.COMMITMENT and not field.data:
            raise ValidationError(_("Choose at least one education provider."))

    def validate_main_agreement_id(self, field):
        if field.data not in self.main_agreements:
            raise ValidationError(_("Choose the main agreement from the list."))

    def main_agreement(self):
        """The chosen main agreement of a new annex, or None for any other agreement."""
        if "main_agreement_id" not in self:
            return None
        return self.main_agreements[self.main_agreement_id.data]

    def validate_answered_comment_ids(self, field):
        if any(comment_id not in self.answerable for comment_id in field.data):
            raise ValidationError(_("Choose the comments from the list."))

    def header(self) -> dict:
        """Title and validity as create_agreement and save_version take them."""
        return {
            "title": self.title.data,
            "start_date": self.start_date.data,
            "end_date": None if self.open_ended.data else self.end_date.data,
            "notice_period_months": self.notice_period_months.data,
            "auto_renew": self.auto_renew.data,
        }

    def parties(self) -> list[Organisation]:
        """The chosen parties besides the owner, in the order of the list."""
        return [self.candidates[party_id] for party_id in self.party_ids.data]

    def answered_comments(self) -> list:
        """The chosen comments that the new version answers, in the order of the list."""
        if "answered_comment_ids" not in self:
            return []
        return [self.answerable[comment_id] for comment_id in self.answered_comment_ids.data]

    def base_version_number(self) -> int | None:
        return int_or_none(self.base_version.data)


def header_data(version, owner_id: int) -> dict:
    """A version's details as form data for AgreementForm."""
    return {
        "title": version.title,
        "start_date": version.start_date,
        "end_date": version.end_date,
        "open_ended": version.end_date is None,
        "notice_period_months": version.notice_period_months,
        "auto_renew": version.auto_renew,
        "party_ids": [party_id for party_id in version.party_ids if party_id != owner_id],
        "base_version": str(version.number),
    }


class AgreementFilterForm(QueryFilterForm):
    """The search and filters above the agreements list. A party is found by a part of its name, typed:
    a list of every visible party to choose from would be read on every request (thousands at national
    scale). ``party`` (an organisation's id) is kept for addresses that name one."""

    q = StringField(_l("Search"), description=_l("Title, reference or party"))
    status = SelectField(_l("Status"), default="")
    organisation = SelectField(_l("Your organisation"), default="")
    party_name = StringField(_l("Party"), description=_l("Part of a party's name"))
    party = HiddenField()
    template = SelectField(_l("Template"), default="")
    validity = SelectField(_l("Validity"), default="")

    def __init__(self, formdata, organisations: tuple, templates: tuple):
        """``organisations`` and ``templates``: the choices of filter_choices."""
        super().__init__(formdata)
        # Translated once here, not once an option is written.
        self.status.choices = [("", _("All statuses")), *((v, str(t)) for v, t in AgreementStatus.choices())]
        self.template.choices = [("", _("All templates")), *templates]
        self.validity.choices = [("", _("Any validity")), *((k, str(v)) for k, v in VALIDITY_CHOICES.items())]
        if len(organisations) > 1:
            self.organisation.choices = [("", _("All your organisations")), *organisations]
        else:
            del self.organisation

    def filters(self) -> AgreementFilters:
        """The filters to apply; a value that is not one of the choices is ignored."""
        valid = self.valid_data()
        return AgreementFilters(
            search=(valid.get("q") or "").strip(),
            status=AgreementStatus(valid["status"]) if valid.get("status") else None,
            organisation_id=int_or_none(valid.get("organisation")),
            party_id=int_or_none(valid.get("party")),
            party_name=(valid.get("party_name") or "").strip(),
            template_id=int_or_none(valid.get("template")),
            validity=valid.get("validity") or None,
        )


def filter_choices(
    own_organisations: list[Organisation], templates: list[VersionTitle]
) -> tuple[tuple, tuple]:
    """The choices of AgreementFilterForm as tuples (a key of shown_filters): the user's
    ``own_organisations`` and the ``templates`` to choose from."""
    organisations = tuple((str(value), text) for value, text in map(organisation_choice, own_organisations))
    return organisations, tuple((str(version.template_id), version.title) for version in templates)


def offer_annexes(field: MultiCheckboxField, annexes: list) -> None:
    """Make ``field`` a checkbox per annex, labelled with its reference, title and status."""
    field.annexes = annexes
    field.choices = [
        (annex.id, f"{annex.reference} {annex.title} ({annex.status.title})") for annex in annexes
    ]


def keep_annexes_field() -> MultiCheckboxField:
    """The confirmation's "keep in force" box per annex: unticked, an annex ends with its main agreement."""
    return MultiCheckboxField(
        _l("Annexes kept in force"),
        coerce=int_or_none,
        description=_l("Annexes end with the main agreement unless you tick them here."),
    )


class CancelForm(FlaskForm):
    """Confirm cancelling a draft, with an optional reason kept in the audit log, and the annexes kept."""

    reason = StringField(_l("Reason (optional)"), filters=[strip], validators=[Length(max=500)])
    keep_annex_ids = keep_annexes_field()

    def __init__(self, annexes: list = (), *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_annexes(self.keep_annex_ids, list(annexes))


class ApprovalForm(FlaskForm):
    """The approval decision of the latest version: the deciding body, date, minutes and an optional PDF."""

    version = HiddenField()
    body = StringField(
        _l("Deciding body"),
        filters=[strip],
        validators=[DataRequired(_l("Name the body that made the decision.")), Length(max=200)],
        description=_l("E.g. TPY:n hallitus."),
    )
    decided_on = DayField(
        _l("Date of the decision"), validators=[InputRequired(_l("Give the date of the decision."))]
    )
    minutes_reference = StringField(
        _l("Minutes reference"),
        filters=[strip],
        validators=[DataRequired(_l("Give the minutes reference.")), Length(max=200)],
        description=_l("Where the decision is written down, e.g. Minutes 7/2019, § 5."),
    )
    attachment = FileField(
        _l("Minutes or decision (PDF, optional)"), render_kw={"accept": "application/pdf,.pdf"}
    )

    def version_number(self) -> int | None:
        """The version shown when the page was opened; the operation refuses if another was saved since."""
        return int_or_none(self.version.data)


#: The kind chosen for a registered agreement that is none of the templates' kinds.
OTHER_KIND = "other"


class RegisterForm(AgreementForm):
    """An agreement signed outside the service: its kind, workshop, details, parties and signed documents."""

    owner_id = SelectField(_l("Workshop"), coerce=int_or_none, validators=[InputRequired()])
    agreement_kind = SelectField(_l("Kind of agreement"), validators=[InputRequired()])
    language = SelectField(_l("Language of the agreement"), validators=[InputRequired()])
    notice_given_on = DayField(
        _l("Notice given on (optional)"),
        validators=[Optional()],
        description=_l(
            "Only when a party has already given notice: the agreement is then recorded as terminated."
        ),
    )
    signed_pdf = FileField(
        _l("Signed agreement (PDF)"),
        validators=[FileRequired(_l("Choose the PDF file of the signed agreement."))],
        render_kw={"accept": "application/pdf,.pdf"},
    )
    docx = FileField(
        _l("The agreement as a Word document (.docx, optional)"),
        render_kw={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    )

    def __init__(
        self,
        *args,
        workshops: list[Organisation],
        candidates: list[Organisation],
        main_agreements: list,
        **kwargs,
    ):
        super().__init__(
            *args,
            kind=TemplateKind.COMMITMENT,
            candidates=candidates,
            main_agreements=main_agreements,
            **kwargs,
        )
        del self.change_note
        self._offer_main_agreements(main_agreements, named=len(workshops) > 1)
        self.workshops = {workshop.id: workshop for workshop in workshops}
        self.owner_id.choices = [organisation_choice(workshop) for workshop in workshops]
        self.agreement_kind.choices = [*TemplateKind.choices(), (OTHER_KIND, _("Other"))]
        self.language.choices = Language.choices()
        self.party_ids.label.text = _("Other parties")
        self.party_ids.description = _(
            "The workshop is always a party. Choose at least one other organisation that signed the "
            "agreement. Hold Ctrl (Cmd on a Mac) to choose several."
        )

    def validate_owner_id(self, field):
        if field.data not in self.workshops:
            raise ValidationError(_("Choose the workshop from the list."))

    def _offer_main_agreements(self, main_agreements: list, named: bool) -> None:
        """Offer the main agreements, with their workshop when there are several, or none for no annex."""
        self.main_agreement_id.description = _(
            "Only for an annex: the agreement of the same workshop that it belongs to, neither an annex nor "
            "ended. The annex ends with it."
        )
        self.main_agreement_id.choices = [("", _("None: not an annex"))] + [
            (agreement.id, _main_agreement_label(agreement, named)) for agreement in main_agreements
        ]

    def validate_main_agreement_id(self, field):
        if field.data is not None and field.data not in self.main_agreements:
            raise ValidationError(_("Choose the main agreement from the list."))

    def main_agreement(self):
        """The main agreement chosen, or None."""
        return self.main_agreements.get(self.main_agreement_id.data)

    def chosen_kind(self) -> TemplateKind | None:
        """The kind chosen; None for "other"."""
        return None if self.agreement_kind.data == OTHER_KIND else TemplateKind(self.agreement_kind.data)


def _main_agreement_label(agreement, named: bool) -> str:
    label = f"{agreement.reference} {agreement.title} ({agreement.status.title})"
    return f"{label} – {agreement.owner.name}" if named else label


class BulkRegisterForm(FlaskForm):
    """A CSV file of agreements signed outside the service and a ZIP file of their documents."""

    csv_file = FileField(
        _l("CSV file of the agreements"),
        validators=[FileRequired(_l("Choose the CSV file to upload."))],
        render_kw={"accept": ".csv,text/csv"},
    )
    zip_file = FileField(
        _l("ZIP file of the documents"),
        validators=[FileRequired(_l("Choose the ZIP file of the PDF documents."))],
        render_kw={"accept": ".zip,application/zip"},
    )
