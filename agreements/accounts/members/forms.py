"""Forms of an organisation's members page: the search, adding a person and a member's roles."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from agreements.accounts.models import MembershipRole, UILanguage
from agreements.core.forms import FlaskForm, MultiCheckboxField, QueryFilterForm, strip

ROLES_HELP = _l(
    "Editors draft and edit agreements, signatories sign them for the organisation, viewers read them, "
    "and organisation administrators manage its members. Giving someone the signatory role confirms that "
    "they may sign for the organisation."
)


class MemberSearchForm(QueryFilterForm):
    """The member list's search by name or e-mail, read from the query string."""

    q = SearchField(_l("Name or e-mail"), filters=[strip], validators=[Length(max=254)])

    def search(self) -> str:
        """The text to search for; too long a text searches for nothing rather than failing."""
        return self.valid_data().get("q") or ""


class _RolesForm(FlaskForm):
    """The roles a person has in the organisation, at least one."""

    roles = MultiCheckboxField(_l("Roles"), description=ROLES_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = MembershipRole.choices()  # here, so the titles are in the user's language

    def validate_roles(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one role."))


class AddMemberForm(_RolesForm):
    """Add a person by e-mail; a name and language are needed when the address has no account yet."""

    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[Length(max=120)],
        description=_l("Needed when the person has no account yet: they are then invited by e-mail."),
    )
    locale = SelectField(
        _l("Language of the service"),
        choices=UILanguage.choices(),
        default="fi",
        description=_l("For a new account: the invitation is written in this language."),
    )


class MemberRolesForm(_RolesForm):
    """Change a member's roles."""
