"""Forms for login, invitations, password reset and the user's own account."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from agreements.accounts.models import UILanguage
from agreements.core.forms import FlaskForm

MIN_PASSWORD_LENGTH = 12


def password_problems(password: str, email: str) -> list[str]:
    """The password policy: what is wrong with ``password`` for the account ``email`` (empty when fine)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH))
    if password.isdigit():
        problems.append(_("Do not use only digits."))
    if email and password.strip().lower() == email.strip().lower():
        problems.append(_("Do not use your e-mail address as the password."))
    return problems


class LoginForm(FlaskForm):
    """E-mail and password; ``next`` travels along as a hidden field."""

    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    """The address to send a reset link to."""

    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)],
        render_kw={"autocomplete": "username"},
    )


class NewPasswordForm(FlaskForm):
    """A new password, entered twice and checked against the password policy."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired()],
        description=_l(
            "At least %(count)s characters, not only digits and not your e-mail address.",
            count=MIN_PASSWORD_LENGTH,
        ),
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def validate_password(self, field) -> None:
        problems = password_problems(field.data or "", self.email)
        if problems:
            raise ValidationError(" ".join(problems))


class ChangePasswordForm(NewPasswordForm):
    """Change one's password on the account page; the current password is asked first."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, email=user.email, **kwargs)
        self.user = user

    def validate_current_password(self, field) -> None:
        if not self.user.check_password(field.data or ""):
            raise ValidationError(_l("The current password is not correct."))


class ProfileForm(FlaskForm):
    """The user's name and interface language."""

    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=120)], render_kw={"autocomplete": "name"}
    )
    locale = SelectField(_l("Language of the service"), choices=UILanguage.choices())
