"""The dashboard pages: figures by network and region, the lists behind them, exports and a print view.

Coordinators see their networks' regions, administrators the whole country; both may narrow the view to one
network or one region. Everything here only reads.
"""

from datetime import date

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from agreements.core.access import require
from agreements.core.exports import FORMATS, download, shown
from agreements.core.timeutil import HELSINKI, utcnow
from agreements.dashboard.lists import listing
from agreements.dashboard.policy import can_view_dashboard
from agreements.dashboard.scope import Scope, scope_for
from agreements.dashboard.tables import dashboard_tables, scope_filters
from agreements.drafting.models import AgreementStatus

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

#: Rows of a list shown on one page; exports hold them all.
LIST_PAGE_ROWS = 100


def _scope() -> Scope:
    """The user's scope narrowed by the ``network`` and ``region`` query arguments."""
    require(can_view_dashboard)
    return scope_for(
        current_user, request.args.get("network", type=int), request.args.get("region", type=int)
    )


def _clock():
    now = utcnow()
    return now.astimezone(HELSINKI).date(), now


@bp.get("/")
@login_required
def index():
    """The dashboard: figures by network and by region, statuses, commitments and the 24-month trend."""
    scope = _scope()
    today, now = _clock()
    tables = {table.key: table for table in dashboard_tables(scope, today, now)}
    return render_template(
        "dashboard/index.html", scope=scope, tables=tables, filters=scope_filters(scope), today=today
    )


@bp.get("/export/<key>.<fmt>")
@login_required
def export(key: str, fmt: str):
    """One dashboard table as CSV or XLSX."""
    scope = _scope()
    today, now = _clock()
    table = next((t for t in dashboard_tables(scope, today, now) if t.key == key), None)
    return download(table, fmt)


def _day_argument(today: date) -> date:
    """The day a list describes: ``on`` (a month's end in the trend) or today; 404 for a malformed date."""
    text = request.args.get("on")
    if text is None:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


def _status_argument() -> str | None:
    status = request.args.get("status")
    if status is not None and status not in {s.value for s in AgreementStatus}:
        abort(404)
    return status


@bp.get("/list/<figure>")
@login_required
def listing_page(figure: str):
    """The list behind a figure, e.g. the workshops of a region without an agreement in force."""
    scope = _scope()
    today, now = _clock()
    table, pagination = listing(
        figure, scope.region_ids, _day_argument(today), now, _status_argument(), LIST_PAGE_ROWS
    )
    filters = scope_filters(scope)
    return render_template(
        "dashboard/listing.html",
        scope=scope,
        table=table,
        pagination=pagination,
        figure=figure,
        filters=filters,
        arguments={**filters, **{k: request.args[k] for k in ("status", "on") if k in request.args}},
    )


@bp.get("/list/<figure>.<fmt>")
@login_required
def listing_export(figure: str, fmt: str):
    """The list behind a figure as CSV or XLSX."""
    scope = _scope()
    today, now = _clock()
    table, _pagination = listing(figure, scope.region_ids, _day_argument(today), now, _status_argument())
    return download(table, fmt)


@bp.get("/print")
@login_required
def print_view():
    """A print view for an annual report: one page per network with its regions' figures."""
    scope = _scope()
    today, now = _clock()
    pages = [
        (network, dashboard_tables(scope_for(current_user, network.id), today, now))
        for network in scope.networks
    ]
    return render_template("dashboard/print.html", pages=pages, today=today)


bp.add_app_template_global(shown, "cell_text")


@bp.app_template_global()
def export_links(key: str, filters: dict, endpoint: str = "dashboard.export") -> dict[str, str]:
    """The CSV and XLSX links of a table, keeping the page's narrowing."""
    argument = "figure" if endpoint == "dashboard.listing_export" else "key"
    return {fmt: url_for(endpoint, fmt=fmt, **{argument: key}, **filters) for fmt in FORMATS}
