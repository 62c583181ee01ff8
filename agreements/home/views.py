"""The home page for each role, and the navigation that leads from it to every domain."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from agreements.accounts.models import User
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation, OrganisationKind
from agreements.organisations.queries import organisation_counts_by_network
from agreements.reviews.queries import open_requests
from agreements.signatures.queries import signatures_awaiting

bp = Blueprint("home", __name__)


@bp.app_template_global()
def nav_items() -> list[tuple[str, str]]:
    """Navigation links (endpoint, label) for the current user's roles."""
    items = [
        ("home.index", _l("Home")),
        ("agreements.index", _l("Agreements")),
        ("reviews.index", _l("Comment rounds")),
        ("signatures.verify", _l("Verify a document")),
    ]
    if current_user.is_admin or current_user.is_coordinator:
        items.insert(1, ("dashboard.index", _l("Dashboard")))
        items.append(("organisations.index", _l("Organisations")))
        items.append(("organisations.networks", _l("Networks")))
    if current_user.is_admin:
        items.append(("users_admin.index", _l("Users")))
        items.append(("users_admin.invitations", _l("Invitations")))
        items.append(("templates_admin.index", _l("Templates")))
        items.append(("mail.outbox", _l("Mail")))
    return items


@bp.get("/")
@login_required
def index():
    """Show the home page that fits the user's role."""
    return render_template(
        "home/index.html",
        admin_counts=_admin_counts() if current_user.is_admin else None,
        coordinator_networks=_coordinator_networks() if current_user.is_coordinator else None,
        memberships=sorted(current_user.memberships, key=lambda m: m.organisation.name),
        comment_requests=open_requests(current_user, utcnow()),
        signatures_awaiting=signatures_awaiting(current_user),
    )


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
