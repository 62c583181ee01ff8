"""Login, logout, invitations, password reset and the user's own account page."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password."""
    return "login"


@bp.post("/logout")
def logout():
    """Log out."""
    return "logout"


@bp.get("/account")
def profile():
    """The user's own account."""
    return "profile"


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    """Accept an invitation by choosing a password."""
    return "invitation"


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Choose a new password through a reset link."""
    return "reset"
