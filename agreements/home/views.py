"""The home page for each role, and the navigation that leads from it to every domain."""

from flask import Blueprint, current_app, render_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from agreements.accounts.models import User
from agreements.core import accessibility
from agreements.core.timeutil import utcnow
from agreements.drafting.policy import can_create_agreement
from agreements.extensions import db
from agreements.home import sections
from agreements.organisations.models import Network, Organisation, OrganisationKind

bp = Blueprint("home", __name__)


@bp.app_template_global()
def nav_items() -> list[tuple[str, str]]:
    """Navigation links (endpoint, label) for the current user's roles, outside the administration menu."""
    items = [
        ("home.index", _l("Home")),
        ("agreements.index", _l("Agreements")),
        ("reviews.index", _l("Comment rounds")),
        ("signatures.verify", _l("Verify a document")),
    ]
    if current_user.is_admin or current_user.is_coordinator:
        items.insert(1, ("dashboard.index", _l("Dashboard")))
    return items


@bp.app_template_global()
def admin_nav_items() -> list[tuple[str, str]]:
    """The administration menu's links (endpoint, label): empty for a user who administers nothing."""
    items = []
    if current_user.is_admin or current_user.is_coordinator:
        items += [("organisations.index", _l("Organisations")), ("organisations.networks", _l("Networks"))]
    if current_user.is_admin:
        items += [
            ("users_admin.index", _l("Users")),
            ("users_admin.invitations", _l("Invitations")),
            ("templates_admin.index", _l("Templates")),
            ("mail.outbox", _l("Mail")),
        ]
    return items


@bp.get("/")
@login_required
def index():
    """Show what needs the user now, section by section, and their role's summary."""
    user, now = current_user._get_current_object(), utcnow()
    return render_template(
        "home/index.html",
        signatures=sections.signatures(user),
        comment_requests=sections.comment_requests(user, now),
        resolutions=sections.resolutions(user),
        in_progress=sections.agreements_in_progress(user),
        deadlines=sections.deadlines(user, now),
        failed_mail=sections.failed_mail(user),
        shown=sections.SHOWN,
        horizon_days=sections.HORIZON.days,
        can_draft=can_create_agreement(user),
        admin_counts=_admin_counts() if user.is_admin else None,
        system=sections.system_summary() if user.is_admin else None,
        coordinator_networks=sections.coordinator_networks(user) if user.is_coordinator else None,
        memberships=sorted(user.memberships, key=lambda m: m.organisation.name),
    )


@bp.get("/accessibility")
def accessibility_statement():
    """Show the accessibility statement to anyone, logged in or not (law 306/2019)."""
    return render_template("home/accessibility.html", **statement_context(accessibility.KNOWN_GAPS))


def statement_context(gaps: tuple[accessibility.KnownGap, ...]) -> dict:
    """The accessibility statement's content: ``gaps``, its date, the feedback and supervisor contacts."""
    return {
        "gaps": gaps,
        "updated": accessibility.STATEMENT_UPDATED,
        "answer_days": accessibility.ANSWER_DAYS,
        "feedback_email": current_app.config["ACCESSIBILITY_FEEDBACK_EMAIL"],
        "supervisor_site": accessibility.SUPERVISOR_SITES[str(get_locale())],
        "supervisor_email": accessibility.SUPERVISOR_EMAIL,
        "supervisor_phone": accessibility.SUPERVISOR_PHONE,
    }


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
