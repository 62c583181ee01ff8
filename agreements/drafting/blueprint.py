"""The agreements blueprint; its routes live in views.py (drafting), approval_views.py
(approval before signing), document_views.py (reading) and registration_views.py (agreements signed
outside the service)."""

from flask import Blueprint

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
