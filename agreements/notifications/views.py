"""Notification pages: the user's list (open one, mark all read), the unread count in the navigation,
and the delivery preferences per kind."""

from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agreements.core.actions import acts_on, in_transaction
from agreements.core.urls import is_safe_local_path
from agreements.core.web import paginate
from agreements.notifications import operations, queries
from agreements.notifications.forms import preferences_form
from agreements.notifications.models import Notification
from agreements.notifications.policy import can_view_notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def unread_notification_count() -> int:
    """The logged-in user's unread notifications (0 for anonymous visitors), counted once per request: on a
    page that only reads (GET), as read with the user when they were loaded."""
    if "unread_notifications" not in g:
        if not current_user.is_authenticated:
            g.unread_notifications = 0
        elif request.method in ("GET", "HEAD") and "unread_notifications" in g.get("user_figures", {}):
            g.unread_notifications = g.user_figures["unread_notifications"]
        else:
            g.unread_notifications = queries.unread_count(current_user)
    return g.unread_notifications


@bp.get("/")
@login_required
def index():
    """List the user's notifications, newest first, the unread ones marked."""
    pagination = paginate(queries.notifications_for(current_user))
    return render_template("notifications/index.html", pagination=pagination)


@bp.post("/<int:notification_id>/open")
@acts_on(Notification, can_view_notification)
def open_notification(notification: Notification):
    """Mark a notification read and go to the page it is about (the list when it has none)."""
    operations.mark_read(notification)
    return redirect(same_site_path(notification.link) or url_for(".index"))


def same_site_path(link: str) -> str | None:
    """The path, query and fragment of a link on BASE_URL; None for an empty or any other link."""
    parts, base = urlsplit(link), urlsplit(current_app.config["BASE_URL"])
    if not link or (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    target = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return target if is_safe_local_path(target) else None


@bp.post("/read")
@login_required
@in_transaction
def mark_all_read():
    """Mark every notification of the user read."""
    count = operations.mark_all_read(current_user)
    if count:
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for(".index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
@in_transaction
def preferences():
    """Choose per kind whether notifications are mailed immediately, in a daily summary, or not at all."""
    form = preferences_form(queries.preferences(current_user))
    if form.validate_on_submit():
        operations.set_preferences(current_user, form.choices())
        flash(_("Your notification preferences were saved."), "success")
        return redirect(url_for(".preferences"))
    return render_template("notifications/preferences.html", form=form)
