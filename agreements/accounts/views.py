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
