"""Login, logout, invitations, password reset and the user's own account page."""

import math

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user

from agreements.accounts import operations, queries
from agreements.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
)
from agreements.accounts.models import UILanguage, User
from agreements.accounts.tokens import TokenError, TokenPurpose, user_for_token
from agreements.core.actions import in_transaction
from agreements.core.urls import next_url
from agreements.core.web import render_error
from agreements.extensions import limiter, login_manager

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user whose id and password fingerprint match the session's; otherwise nobody."""
    user_id, _sep, fingerprint = session_id.partition(":")
    user = queries.user_with_roles(int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.password_fingerprint() == fingerprint else None


@bp.post("/language")
@in_transaction
def set_language():
    """Switch the interface language; remembered on the account, or in the session before login."""
    locale = request.form.get("locale", "")
    if locale in {language.value for language in UILanguage}:  # `str in Enum` raises on Python 3.11
        if current_user.is_authenticated:
            current_user.locale = UILanguage(locale)
        else:
            session["locale"] = locale
    return redirect(next_url())


def _ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_IP"]


def _account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def _submitted_email() -> str:
    """Rate-limit key: the e-mail address the form was sent for, whatever its case."""
    return "email:" + User.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    """A failed attempt re-renders its form (200); a success redirects."""
    return response.status_code == 200


def _accepted(response) -> bool:
    """An accepted request redirects; a form with errors does not count against the limit."""
    return response.status_code == 302


def _throttled(count_when):
    """Limit POSTs of a form per client IP and per submitted e-mail address."""

    def decorate(view):
        view = limiter.limit(
            _account_limit, key_func=_submitted_email, methods=["POST"], deduct_when=count_when
        )(view)
        return limiter.limit(_ip_limit, methods=["POST"], deduct_when=count_when)(view)

    return decorate


@bp.errorhandler(429)
def too_many_attempts(error):
    """Explain the pause after too many attempts and how long it lasts at most."""
    seconds = error.limit.limit.get_expiry() if isinstance(error, RateLimitExceeded) else 15 * 60
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "Too many attempts. For your security, wait %(num)s minute before you try again.",
        "Too many attempts. For your security, wait %(num)s minutes before you try again.",
        minutes,
    )
    return render_error(error, message)


@bp.errorhandler(TokenError)
def unusable_link(error: TokenError):
    """Explain why a mailed link cannot be used and what to do instead."""
    return render_template(
        "accounts/link_invalid.html", purpose=error.purpose.value, problem=error.problem.value
    ), 400


@bp.route("/login", methods=["GET", "POST"])
@_throttled(count_when=_failed)
@in_transaction
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next"))
    error = None
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            operations.record_login(user)
            return redirect(next_url())
        # The page answers 200, so the audit event of the failed attempt is committed with it.
        error = _("The e-mail address or password is not correct, or the account is not in use.")
    return render_template("accounts/login.html", form=form, error=error)


@bp.post("/logout")
@login_required
@in_transaction
def logout():
    """Log out and return to the login page."""
    operations.record_logout(current_user)
    logout_user()
    flash(_("You have logged out."), "success")
    return redirect(url_for(".login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@in_transaction
def accept_invitation(token):
    """Accept an invitation by choosing a password."""
    user = user_for_token(token, TokenPurpose.INVITATION)
    return _set_password_page(
        user,
        operations.accept_invitation,
        heading=_("Welcome to Sopimuspolku"),
        intro=_("You have been invited to Sopimuspolku. Choose a password to start using the service."),
        done=_("Your password is set. Welcome, %(name)s!", name=user.name),
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@_throttled(count_when=_accepted)
@in_transaction
def forgot_password():
    """Ask for a password reset link by e-mail."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        operations.request_password_reset(form.email.data)
        flash(
            _(
                "If the address is registered in the service, a link for choosing a new password has been "
                "sent to it. Check your e-mail."
            ),
            "info",
        )
        return redirect(url_for(".login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@in_transaction
def reset_password(token):
    """Choose a new password through a reset link."""
    user = user_for_token(token, TokenPurpose.PASSWORD_RESET)
    return _set_password_page(
        user,
        operations.reset_password,
        heading=_("Choose a new password"),
        intro=_("Choose a new password for your account."),
        done=_("Your password has been changed."),
    )


def _set_password_page(user: User, set_password, heading: str, intro: str, done: str):
    """The shared page of a mailed link: choose a password, then be logged in."""
    form = NewPasswordForm(email=user.email)
    if form.validate_on_submit():
        set_password(user, form.password.data)
        login_user(user)
        operations.record_login(user)
        flash(done, "success")
        return redirect(url_for("home.index"))
    return render_template("accounts/set_password.html", form=form, user=user, heading=heading, intro=intro)


@bp.route("/account", methods=["GET", "POST"])
@login_required
@in_transaction
def profile():
    """Show and change the user's own name and language."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        operations.update_profile(current_user, form.name.data, form.locale.data)
        flash(_("Your details have been saved."), "success")
        return redirect(url_for(".profile"))
    return _profile_page(profile_form=form)


@bp.post("/account/password")
@login_required
@limiter.limit(_ip_limit, deduct_when=_failed)
@in_transaction
def change_password():
    """Change the user's password; the current one is asked first."""
    form = ChangePasswordForm(user=current_user)
    if form.validate_on_submit():
        operations.change_password(current_user, form.password.data)
        login_user(current_user._get_current_object())  # the session follows the new password; others end
        flash(_("Your password has been changed."), "success")
        return redirect(url_for(".profile"))
    return _profile_page(password_form=form)


def _profile_page(profile_form=None, password_form=None):
    """The account page with both of its forms; the one not submitted starts fresh."""
    return render_template(
        "accounts/profile.html",
        profile_form=profile_form or ProfileForm(formdata=None, obj=current_user),
        password_form=password_form or ChangePasswordForm(formdata=None, user=current_user),
        memberships=sorted(current_user.memberships, key=lambda m: (m.organisation.name, m.role.value)),
    )
