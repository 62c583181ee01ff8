"""Forms of the user administration: filters, invitation, editing, memberships and coordinator networks."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, EmailField, SearchField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from agreements.accounts.admin.operations import email_taken
from agreements.accounts.models import Membership, MembershipRole, UILanguage, User
from agreements.core.forms import FlaskForm, QueryFilterForm, int_or_none, strip
from agreements.core.models import TitledEnum
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation


class UserState(TitledEnum):
    """Where an account stands: in use, invited but no password yet, or switched off."""

    ACTIVE = "active"
    PENDING = "pending"
    DEACTIVATED = "deactivated"

    @classmethod
    def titles(cls):
        return {
            cls.ACTIVE: _l("Active"),
            cls.PENDING: _l("Invitation pending"),
            cls.DEACTIVATED: _l("Deactivated"),
        }

    @classmethod
    def of(cls, user: User) -> "UserState":
        if not user.active:
            return cls.DEACTIVATED
        return cls.ACTIVE if user.password_hash else cls.PENDING


#: Values of the list's role filter besides the membership roles (whose "admin" is an organisation's).
ADMIN_ROLE, COORDINATOR_ROLE = "national_admin", "coordinator"


def _organisation_choices(active_only: bool) -> list[tuple[int, str]]:
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name, Organisation.id)
    if active_only:
        query = query.where(Organisation.active)
    return [(row.id, row.name) for row in db.session.execute(query)]


class UserFilterForm(QueryFilterForm):
    """Search and filters of the user list, read from the query string."""

    q = SearchField(_l("Name or e-mail"))
    organisation = SelectField(_l("Organisation"), coerce=int_or_none, default=0)
    role = SelectField(_l("Role"), default="")
    state = SelectField(_l("State"), default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [(0, _l("All organisations")), *_organisation_choices(active_only=False)]
        self.role.choices = [
            ("", _l("All roles")),
            (ADMIN_ROLE, _l("National administrator")),
            (COORDINATOR_ROLE, _l("Network coordinator")),
            *MembershipRole.choices(),
        ]
        self.state.choices = [("", _l("All states")), *UserState.choices()]

    def values(self) -> dict:
        """The filters to apply; an unknown value in the address is ignored rather than an error."""
        values = {field.name: field.default for field in self} | self.valid_data()
        values["q"] = (values["q"] or "").strip()
        return values


class _AccountForm(FlaskForm):
    """Name, e-mail and language, shared by the invitation and the edit form."""

    #: The account being edited, whose own e-mail does not count as taken.
    _user: User | None = None

    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    locale = SelectField(_l("Language of the service"), choices=UILanguage.choices(), default="fi")

    def validate_email(self, field) -> None:
        if email_taken(field.data, except_user=self._user):
            raise ValidationError(_l("Another user already has this e-mail address."))


class InviteForm(_AccountForm):
    """Invite a new user, optionally straight into an organisation."""

    organisation = SelectField(_l("Organisation (optional)"), coerce=int_or_none, default=0)
    role = SelectField(_l("Role in the organisation"), default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [(0, _l("No organisation")), *_organisation_choices(active_only=True)]
        self.role.choices = [("", _l("No role")), *MembershipRole.choices()]

    def validate_role(self, field) -> None:
        if self.organisation.data and not field.data:
            raise ValidationError(_l("Choose the user's role in the organisation."))
        if field.data and not self.organisation.data:
            raise ValidationError(_l("Choose the organisation for this role, or no role."))


class UserEditForm(_AccountForm):
    """Edit a user's account; ``actor`` is the administrator doing it."""

    is_admin = BooleanField(_l("National administrator"))

    def __init__(self, *args, user: User, actor: User, **kwargs):
        super().__init__(*args, obj=user, **kwargs)
        self._user, self._actor = user, actor

    def validate_is_admin(self, field) -> None:
        if self._user.id == self._actor.id and not field.data:
            raise ValidationError(_l("You cannot remove your own administrator rights."))


class MembershipForm(FlaskForm):
    """Add a role in an organisation to a user."""

    organisation = SelectField(
        _l("Organisation"),
        coerce=int_or_none,
        validators=[DataRequired(message=_l("Choose an organisation."))],
    )
    role = SelectField(_l("Role"), validators=[InputRequired()])

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user
        self.organisation.choices = [
            (0, _l("Choose an organisation")),
            *_organisation_choices(active_only=True),
        ]
        self.role.choices = MembershipRole.choices()  # here, so the titles are in the user's language

    def validate_role(self, field) -> None:
        if field.errors or self.organisation.errors:
            return  # an unknown role or organisation cannot be looked up
        duplicate = db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == self._user.id,
                Membership.organisation_id == self.organisation.data,
                Membership.role == field.data,
            )
        )
        if duplicate is not None:
            raise ValidationError(_l("The user already has this role in this organisation."))


class NetworksForm(FlaskForm):
    """The networks a user coordinates."""

    networks = SelectMultipleField(_l("Coordinated networks"), coerce=int_or_none)

    def __init__(self, *args, user: User, **kwargs):
        assigned = {network.id for network in user.coordinated_networks}
        super().__init__(*args, networks=sorted(assigned), **kwargs)
        query = select(Network).order_by(Network.name)
        self.networks.choices = [
            (network.id, network.name)
            for network in db.session.scalars(query)
            if network.active or network.id in assigned
        ]
