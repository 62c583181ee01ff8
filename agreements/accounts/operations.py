"""State changes of accounts: login bookkeeping, invitations, passwords and the user's own profile."""

import contextlib
import functools

from argon2.exceptions import VerificationError
from flask_babel import gettext as _
from sqlalchemy import func, select

from agreements.accounts.models import Membership, MembershipRole, UILanguage, User, password_hasher
from agreements.accounts.tokens import TokenPurpose, external_url, make_token, max_age
from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.core.mail import queue_user_mail
from agreements.core.timeutil import utcnow
from agreements.extensions import db

#: The page each kind of link opens, and the mail template that carries it.
_LINK_MAILS = {
    TokenPurpose.INVITATION: ("accounts.accept_invitation", "invitation"),
    TokenPurpose.PASSWORD_RESET: ("accounts.reset_password", "password_reset"),
}


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail address, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == User.normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; a failure is audited without the password."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        _check_probe_password(password)
    if user is None or not user.check_password(password) or not user.active:
        record("account.login_failed", user, {"email": email.strip()[:254]})
        return None
    return user


@functools.cache
def _probe_hash() -> str:
    """Verified against when the e-mail is unknown, so a wrong address takes as long as a wrong password."""
    return password_hasher().hash("timing-probe-password")


def _check_probe_password(password: str) -> None:
    with contextlib.suppress(VerificationError):
        password_hasher().verify(_probe_hash(), password)


def record_login(user: User) -> None:
    """Note a successful login."""
    user.last_login_at = utcnow()
    record("account.login", user, actor=user)


def record_logout(user: User) -> None:
    """Note a logout."""
    record("account.logout", user, actor=user)


def invite_user(
    email: str,
    name: str,
    locale,
    invited_by: User | None,
    organisation=None,
    role: MembershipRole | None = None,
) -> User:
    """Create a user without a password, optionally with a membership, and queue the invitation mail."""
    email = User.normalise_email(email)
    if find_user_by_email(email) is not None:
        message = _("An account with the e-mail address %(email)s already exists.", email=email)
        raise OperationRefused(message, "email")
    user = User(email=email, name=name.strip(), locale=UILanguage(locale))
    if organisation is not None and role is not None:
        user.memberships.append(Membership(organisation=organisation, role=MembershipRole(role)))
    db.session.add(user)
    db.session.flush()
    details = {"email": email, "organisation_id": organisation.id if organisation else None}
    record("user.invite", user, dict(details, role=str(role) if role else None), actor=invited_by)
    _queue_invitation(user, invited_by)
    return user


def send_invitation(user: User, invited_by: User | None) -> None:
    """Send the invitation again, with a fresh link; refused once the user has set a password."""
    if user.password_hash:
        raise OperationRefused(_("%(name)s has already set a password.", name=user.name))
    if not user.active:
        raise OperationRefused(_("%(name)s is deactivated.", name=user.name))
    _queue_invitation(user, invited_by)
    record("user.invitation_resent", user, {"email": user.email}, actor=invited_by)


def _queue_invitation(user: User, invited_by: User | None) -> None:
    user.invited_at = utcnow()
    user.invited_by_id = invited_by.id if invited_by is not None else None
    _queue_link_mail(user, TokenPurpose.INVITATION, caused_by=invited_by, invited_by=invited_by)


def _queue_link_mail(user: User, purpose: TokenPurpose, caused_by: User | None, **context) -> None:
    """Queue the mail that carries a fresh single-use link for ``purpose``."""
    endpoint, template = _LINK_MAILS[purpose]
    link = external_url(endpoint, token=make_token(user, purpose))
    queue_user_mail(
        user,
        template,
        caused_by,
        link=link,
        max_age=max_age(purpose),
        **context,
    )


def accept_invitation(user: User, password: str) -> None:
    """Set the invited user's first password."""
    user.set_password(password)
    record("account.invitation_accepted", user, actor=user)


def request_password_reset(email: str) -> None:
    """Queue a reset link when the address belongs to an active user with a password; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.active or not user.password_hash:
        record("account.password_reset_unknown", None, {"email": email.strip()[:254]})
        return
    _queue_link_mail(user, TokenPurpose.PASSWORD_RESET, caused_by=user)
    record("account.password_reset_requested", user, actor=user)


def reset_password(user: User, password: str) -> None:
    """Set a new password through a reset link."""
    user.set_password(password)
    record("account.password_reset", user, actor=user)


def change_password(user: User, password: str) -> None:
    """Set a new password from the profile page (the current one was checked by the form)."""
    user.set_password(password)
    record("account.password_change", user, actor=user)


def update_profile(user: User, name: str, locale) -> None:
    """Change the user's name and interface language; audits what changed."""
    changes = {}
    name, locale = name.strip(), UILanguage(locale)
    if name != user.name:
        changes["name"] = [user.name, name]
        user.name = name
    if locale != user.locale:
        changes["locale"] = [user.locale.value, locale.value]
        user.locale = locale
    if changes:
        record("account.profile_update", user, changes, actor=user)
