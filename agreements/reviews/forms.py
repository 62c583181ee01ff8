"""Forms of comment rounds: opening a round, commenting, editing, resolving, and the confirmation steps."""

from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import BooleanField, RadioField, SelectField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from agreements.accounts.models import User
from agreements.core.forms import DayField, FlaskForm, MultiCheckboxField, TextAreaField, int_or_none, strip
from agreements.core.once import SubmitOnceForm
from agreements.core.timeutil import HELSINKI
from agreements.drafting.forms import organisation_choice
from agreements.drafting.models import Agreement
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation
from agreements.reviews.models import Resolution, RoundVisibility
from agreements.templates_lib.fields import label

#: Longest comment and resolution reasoning, in characters.
MAX_TEXT = 10_000
#: The time of day a deadline falls on unless chosen otherwise (Helsinki).
DEFAULT_DEADLINE_TIME = time(16, 0)


class OpenRoundForm(SubmitOnceForm, FlaskForm):
    """Who is asked, until when, about what, and who sees the comments."""

    version_number = SelectField(
        _l("Version under comment"), coerce=int_or_none, validators=[InputRequired()]
    )
    deadline_date = DayField(
        _l("Deadline date"),
        validators=[InputRequired(_l("Give the deadline date."))],
        description=_l("The deadline is in Finnish time."),
    )
    deadline_time = TimeField(
        _l("Deadline time"), default=DEFAULT_DEADLINE_TIME, validators=[InputRequired(_l("Give the time."))]
    )
    contact_person_id = SelectField(_l("Contact person"), coerce=int_or_none, validators=[InputRequired()])
    background = TextAreaField(
        _l("Background"),
        filters=[strip],
        validators=[Length(max=MAX_TEXT)],
        description=_l("Why the agreement is being drafted and what has changed."),
    )
    questions = TextAreaField(
        _l("Questions on which views are wanted"), filters=[strip], validators=[Length(max=MAX_TEXT)]
    )
    sections = MultiCheckboxField(
        _l("Sections on which views are wanted"),
        description=_l(
            "Leave all unticked to ask about every section. Comments on the whole are always welcome."
        ),
    )
    visibility = RadioField(
        _l("Who sees the comments"),
        choices=RoundVisibility.choices(),
        default=RoundVisibility.ALL_INVITEES.value,
    )
    everyone = BooleanField(
        _l("Every active organisation"),
        description=_l("A national round: every active workshop and education provider is invited."),
    )
    organisation_ids = MultiCheckboxField(_l("Organisations"), coerce=int_or_none)
    network_ids = MultiCheckboxField(
        _l("Every organisation in these networks"),
        coerce=int_or_none,
        description=_l(
            "Active organisations the networks cover are invited: a regional network's by region, "
            "a membership network's members."
        ),
    )
    user_emails = TextAreaField(
        _l("People invited personally"),
        filters=[strip],
        validators=[Length(max=5000)],
        description=_l("E-mail addresses of Sopimuspolku users, one per line."),
    )
    invite_again = MultiCheckboxField(
        _l("Invited to an earlier phase: invite again"),
        description=_l(
            "Those invited to an earlier phase are left out of this one, also from every organisation "
            "and the networks, unless you tick them here."
        ),
    )

    def __init__(
        self,
        agreement: Agreement,
        contacts: list[User],
        organisations: list[Organisation],
        networks: list[Network],
        language: str,
        earlier: dict[Organisation | User, int] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.earlier = {_invitee_key(invitee): invitee for invitee in earlier or {}}
        self.invite_again.choices = [
            (key, _earlier_label(invitee, earlier[invitee])) for key, invitee in self.earlier.items()
        ]
        self.users_by_email: dict[str, User] = {}
        self.version_number.choices = [
            (v.number, _("Version %(number)s", number=v.number)) for v in reversed(agreement.versions)
        ]
        self.contact_person_id.choices = [(user.id, user.name) for user in contacts]
        self.sections.choices = [
            (section["key"], label(section["title"], language))
            for section in agreement.template_version.sections
        ]
        self.organisation_ids.choices = [
            organisation_choice(o) for o in organisations if _invitee_key(o) not in self.earlier
        ]
        self.network_ids.choices = [(network.id, network.name) for network in networks]
        self.networks = {network.id: network for network in networks}
        self.organisations = {organisation.id: organisation for organisation in organisations}

    def validate_user_emails(self, field) -> None:
        self.users_by_email = active_users_by_email(self.emails())
        unknown = [email for email in self.emails() if email not in self.users_by_email]
        if unknown:
            raise ValidationError(_("No active user has the address %(emails)s.", emails=", ".join(unknown)))

    def emails(self) -> list[str]:
        """The personal invitees' addresses as given, normalised, without repeats."""
        lines = (
            line.strip().lower() for line in (self.user_emails.data or "").replace(",", "\n").splitlines()
        )
        return list(dict.fromkeys(line for line in lines if line))

    def deadline(self) -> datetime:
        """The deadline entered in Finnish time, as an aware datetime."""
        return datetime.combine(self.deadline_date.data, self.deadline_time.data, tzinfo=HELSINKI)

    def invitees(self) -> dict:
        """The chosen organisations, networks and people, as open_round takes them."""
        chosen = self.organisations if self.everyone.data else self.organisation_ids.data
        return {
            "organisations": [self.organisations[i] for i in chosen],
            "networks": [self.networks[i] for i in self.network_ids.data],
            "users": [self.users_by_email[email] for email in self.emails()],
            "invite_again": [self.earlier[key] for key in self.invite_again.data or []],
        }


def _invitee_key(invitee: Organisation | User) -> str:
    """An organisation or a person as a choice's value, e.g. ``organisations:7``."""
    return f"{invitee.__tablename__}:{invitee.id}"


def _earlier_label(invitee: Organisation | User, phase: int) -> str:
    """An earlier invitee as a choice: the name, whether invited personally, and the phase."""
    if isinstance(invitee, Organisation):
        return _("%(name)s (phase %(phase)s)", name=organisation_choice(invitee)[1], phase=phase)
    return _("%(name)s, invited personally (phase %(phase)s)", name=invitee.name, phase=phase)


def active_users_by_email(emails: list[str]) -> dict[str, User]:
    """The active users with these (lower-case) addresses, by address."""
    if not emails:
        return {}
    query = select(User).where(func.lower(User.email).in_(emails), User.active)
    return {user.email.lower(): user for user in db.session.scalars(query)}


class CommentForm(FlaskForm):
    """A comment on a section or on the whole, or a reply in a thread."""

    body = TextAreaField(
        _l("Comment"),
        filters=[strip],
        validators=[DataRequired(_l("Write a comment.")), Length(max=MAX_TEXT)],
    )


class ResolveForm(FlaskForm):
    """The drafter's resolution of a comment, with its reasoning."""

    resolution = RadioField(
        _l("Resolution"), choices=Resolution.choices(), validators=[InputRequired(_l("Choose a resolution."))]
    )
    reasoning = TextAreaField(
        _l("Reasoning"),
        filters=[strip],
        validators=[DataRequired(_l("Give the reasoning for the resolution.")), Length(max=MAX_TEXT)],
    )
