"""Template administration: the template library, version details and uploading a new version."""

from flask import Blueprint

bp = Blueprint("templates_admin", __name__, url_prefix="/admin/templates")
