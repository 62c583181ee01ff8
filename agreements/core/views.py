"""The home page for each role and the language switcher."""

from flask import Blueprint, redirect, render_template, request, session
from flask_login import current_user, login_required
from sqlalchemy import func, select

from agreements.accounts.models import UILanguage, User
from agreements.core.timeutil import utcnow
from agreements.core.urls import next_url
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation, OrganisationKind
from agreements.organisations.queries import organisation_counts_by_network
from agreements.reviews.queries import open_requests
from agreements.signatures.operations import signatures_awaiting

bp = Blueprint("core", __name__)


@bp.get("/")
@login_required
def home():
    """Show the home page that fits the user's role."""
    return render_template(
        "core/home.html",
        admin_counts=_admin_counts() if current_user.is_admin else None,
        coordinator_networks=_coordinator_networks() if current_user.is_coordinator else None,
        memberships=sorted(current_user.memberships, key=lambda m: m.organisation.name),
        comment_requests=open_requests(current_user, utcnow()),
        signatures_awaiting=signatures_awaiting(current_user),
    )


@bp.post("/language")
def set_language():
    """Switch the interface language; remembered on the account, or in the session before login."""
    locale = request.form.get("locale", "")
    if locale in {language.value for language in UILanguage}:  # `str in Enum` raises on Python 3.11
        if current_user.is_authenticated:
            current_user.locale = UILanguage(locale)
            db.session.commit()
        else:
            session["locale"] = locale
    return redirect(next_url())


def _admin_counts() -> dict:
    kind_counts = dict(
        db.session.execute(
            select(Organisation.kind, func.count()).where(Organisation.active).group_by(Organisation.kind)
        ).all()
    )
    return {
        "workshops": kind_counts.get(OrganisationKind.WORKSHOP, 0),
        "providers": kind_counts.get(OrganisationKind.PROVIDER, 0),
        "networks": db.session.scalar(select(func.count()).select_from(Network)),
        "users": db.session.scalar(select(func.count()).select_from(User).where(User.active)),
        "pending_invitations": db.session.scalar(
            select(func.count()).select_from(User).where(User.password_hash.is_(None), User.active)
        ),
    }


def _coordinator_networks() -> list[dict]:
    """The user's networks with their count of active organisations by kind."""
    networks = sorted(current_user.coordinated_networks, key=lambda n: n.name)
    counts = organisation_counts_by_network([network.id for network in networks])
    return [{"network": network, "counts": counts[network.id]} for network in networks]
