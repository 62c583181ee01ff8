"""The agreements blueprint; its routes live in views.py (drafting), approval_views.py
(approval before signing) and document_views.py (reading)."""

from flask import Blueprint

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
