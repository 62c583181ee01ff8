"""Organisations and networks: lists, detail pages, administration and CSV import."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)


@bp.get("/organisations/")
def index():
    """List organisations."""
    return "organisations"


@bp.get("/organisations/<int:organisation_id>")
def detail(organisation_id: int):
    """Show one organisation."""
    return "organisation"


@bp.get("/networks/")
def networks():
    """List networks."""
    return "networks"
