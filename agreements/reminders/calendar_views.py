"""The calendar feed: the feed itself at a secret address (no login), the page that explains it, renewal."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agreements.core.actions import in_transaction
from agreements.core.forms import ConfirmForm
from agreements.core.timeutil import utcnow
from agreements.reminders import calendar

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

#: Calendar apps poll the feed; a few minutes' caching spares the database without hiding news for long.
FEED_CACHE_CONTROL = "private, max-age=300"


@bp.get("/<token>.ics")
def feed(token: str):
    """The user's deadlines as iCalendar, for calendar apps; the secret address stands in for a login."""
    user = calendar.user_for_feed_token(token)
    if user is None:
        abort(404)
    response = Response(calendar.feed(user, utcnow()), content_type="text/calendar; charset=utf-8")
    response.headers["Cache-Control"] = FEED_CACHE_CONTROL
    return response


@bp.get("")
@login_required
def page():
    """Explain the calendar feed and show the user's address with a copy button."""
    return render_template("reminders/calendar.html", feed_url=calendar.feed_url(current_user))


@bp.route("/renew", methods=["GET", "POST"])
@login_required
@in_transaction
def renew():
    """Confirm and renew the user's feed address; the old address stops working."""
    form = ConfirmForm()
    if form.validate_on_submit():
        calendar.renew_feed_address(current_user._get_current_object())
        flash(_("Your calendar address has been renewed. The old address no longer works."), "success")
        return redirect(url_for(".page"))
    return render_template("reminders/calendar_renew.html", form=form)
