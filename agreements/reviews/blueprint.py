"""The reviews blueprint; its routes live in views.py (rounds and comments) and summary_views.py (reports)."""

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/rounds")
