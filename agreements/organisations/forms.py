"""Forms for organisations, networks, the organisation list's filters and the CSV import."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from agreements.core.forms import (
    ONE_LINE,
    FlaskForm,
    MultiCheckboxField,
    QueryFilterForm,
    TextAreaField,
    int_or_none,
    strip,
)
from agreements.organisations import business_id
from agreements.organisations.models import Language, Network, NetworkKind, OrganisationKind, Region
from agreements.organisations.queries import STATUSES, OrganisationFilters, existing_name_keys, name_key


def _normalise_business_id(value):
    return business_id.normalise(value) if isinstance(value, str) else value


def _region_choices(regions: list[Region]) -> list[tuple[int, str]]:
    """Regions by id, named in the user's language."""
    return [(region.id, region.name) for region in regions]


class OrganisationForm(FlaskForm):
    """Create or edit an organisation."""

    kind = SelectField(_l("Kind"))
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200), ONE_LINE])
    business_id = StringField(
        _l("Business ID (Y-tunnus)"),
        filters=[_normalise_business_id],
        validators=[DataRequired(), Length(max=20)],
        description=_l("Seven digits, a hyphen and a check digit, e.g. 0737546-2."),
    )
    region_id = SelectField(
        _l("Region"),
        coerce=int_or_none,
        validate_choice=False,
        validators=[InputRequired(_l("Choose a region."))],
    )
    municipality = StringField(
        _l("Municipality"), filters=[strip], validators=[DataRequired(), Length(max=80)]
    )
    language = SelectField(_l("Language"))

    def __init__(self, *args, regions: list[Region], organisation=None, **kwargs):
        super().__init__(*args, obj=organisation, **kwargs)
        self.organisation = organisation
        self.kind.choices = OrganisationKind.choices()
        self.language.choices = Language.choices()
        self.region_id.choices = [("", _("Choose a region")), *_region_choices(regions)]

    def validate_business_id(self, field):
        if not business_id.is_valid(field.data):
            raise ValidationError(
                _("This is not a valid business ID. Check the format 1234567-8 and the last digit.")
            )

    def validate_region_id(self, field):
        if field.data not in {value for value, _label in self.region_id.choices}:
            raise ValidationError(_("Choose a region."))

    def validate_name(self, field):
        if not self.municipality.data:
            return
        exclude_id = self.organisation.id if self.organisation is not None else None
        if name_key(field.data, self.municipality.data) in existing_name_keys(exclude_id):
            raise ValidationError(
                _(
                    "An organisation with this name already exists in %(municipality)s.",
                    municipality=self.municipality.data,
                )
            )

    def organisation_data(self) -> dict:
        """The validated values, as the operations expect them."""
        return {
            "kind": OrganisationKind(self.kind.data),
            "name": self.name.data,
            "business_id": self.business_id.data,
            "region_id": self.region_id.data,
            "municipality": self.municipality.data,
            "language": Language(self.language.data),
        }


class NetworkForm(FlaskForm):
    """Create or edit a network: a regional one with its regions, or a membership one."""

    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120), ONE_LINE])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Length(max=500)])
    kind = RadioField(
        _l("Kind"),
        choices=NetworkKind.choices(),
        default=NetworkKind.REGIONAL.value,
        description=_l(
            "A regional network covers every organisation of its regions; a membership network the "
            "organisations an administrator adds to it as members, wherever they are."
        ),
    )
    region_ids = MultiCheckboxField(
        _l("Regions"),
        coerce=int_or_none,
        description=_l("Only for a regional network; a membership network has none."),
    )
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, regions: list[Region], networks: list[Network], network=None, **kwargs):
        if network is not None:
            kwargs.setdefault("region_ids", [region.id for region in network.regions])
            kwargs.setdefault("kind", network.kind.value)
        super().__init__(*args, obj=network, **kwargs)
        self.region_ids.choices = _region_choices(regions)
        self.regions_by_id = {region.id: region for region in regions}
        self.other_names = {other.name.casefold() for other in networks if other is not network}

    def validate_name(self, field):
        if field.data.casefold() in self.other_names:
            raise ValidationError(_("Another network already has this name."))

    def _membership(self) -> bool:
        return self.kind.data == NetworkKind.MEMBERSHIP.value

    def validate_region_ids(self, field):
        if not field.data and not self._membership():
            raise ValidationError(_("Choose at least one region."))

    def network_data(self) -> dict:
        """The validated values, as the operations expect them; a membership network's regions are none."""
        regions = [] if self._membership() else [self.regions_by_id[i] for i in self.region_ids.data]
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "active": self.active.data,
            "kind": NetworkKind(self.kind.data),
            "regions": regions,
        }


class MemberSearchForm(QueryFilterForm):
    """The search above the organisations that may be added to a membership network."""

    q = SearchField(_l("Search"), filters=[strip], description=_l("Name, municipality or business ID"))

    def term(self) -> str:
        """The search term; empty when there is none."""
        return self.valid_data().get("q") or ""


class AddMembersForm(FlaskForm):
    """The organisations chosen on the search page to become members of a membership network."""

    #: The choices are the page's organisations; the operation adds only active organisations.
    organisation_ids = MultiCheckboxField(
        _l("Organisations to add"), coerce=int_or_none, validate_choice=False
    )

    def validate_organisation_ids(self, field):
        if not field.data:
            raise ValidationError(_("Choose at least one organisation."))
        if None in field.data:
            raise ValidationError(_("Choose the organisations from the list."))


class OrganisationFilterForm(QueryFilterForm):
    """The search and filters above the organisation list."""

    q = StringField(_l("Search"), description=_l("Name, municipality or business ID"))
    kind = SelectField(_l("Kind"), default="")
    region = SelectField(_l("Region"), default="")
    network = SelectField(_l("Network"), default="")
    status = SelectField(_l("Status"), default="active")
    sort = SelectField(_l("Sort"), default="name")

    def __init__(self, formdata, regions: list[Region], networks: list[Network]):
        super().__init__(formdata)
        self.kind.choices = [("", _("All kinds")), *OrganisationKind.choices()]
        self.region.choices = [("", _("All regions")), *((str(r.id), r.name) for r in regions)]
        self.network.choices = [("", _("All networks")), *((str(n.id), n.name) for n in networks)]
        self.status.choices = list(zip(STATUSES, (_("Active"), _("Inactive"), _("All")), strict=True))
        self.sort.choices = [("name", _("Name A–Z")), ("-name", _("Name Z–A"))]

    def filters(self) -> OrganisationFilters:
        """The filters to apply; a value that is not one of the choices is ignored."""
        valid = self.valid_data()
        return OrganisationFilters(
            search=valid.get("q") or "",
            kind=OrganisationKind(valid["kind"]) if valid.get("kind") else None,
            region_id=int_or_none(valid.get("region")),
            network_id=int_or_none(valid.get("network")),
            status=valid.get("status") or "active",
            descending=valid.get("sort") == "-name",
        )


class ImportForm(FlaskForm):
    """Upload a CSV file of organisations."""

    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file to upload."))])
