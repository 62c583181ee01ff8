"""Administration of users, memberships, coordinator assignments and invitations."""

from flask import Blueprint

bp = Blueprint("users_admin", __name__, url_prefix="/admin/users")


@bp.get("/")
def index():
    """List users."""
    return "users"


@bp.get("/invitations")
def invitations():
    """List pending invitations."""
    return "invitations"
