"""The dashboard pages: figures by network and region, the lists behind them, exports and a print view.

Coordinators see the organisations their networks cover, administrators the whole country; both may narrow
the view to one network or one region. Everything here only reads.
"""

from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from agreements.core.access import require
from agreements.core.actions import acts_on
from agreements.core.dates import years_problem
from agreements.core.exports import FORMATS, download, shown
from agreements.core.tables import Table
from agreements.core.timeutil import HELSINKI, utcnow
from agreements.dashboard import who_signed as signers
from agreements.dashboard.lists import listing
from agreements.dashboard.policy import (
    can_invite_not_invited,
    can_view_dashboard,
    can_view_who_signed,
    open_joining_request,
)
from agreements.dashboard.scope import Scope, scope_for
from agreements.dashboard.tables import dashboard_tables, scope_filters
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import Organisation, OrganisationKind
from agreements.signatures import accession
from agreements.signatures.accession_views import invite_and_tell

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
    """The day a list describes: ``on`` (a month's end in the trend) or today; 404 for a malformed date or
    one outside the service's years (a day past 31.12.9999 is out of reach of the lists' arithmetic)."""
    text = request.args.get("on")
    if text is None:
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    if years_problem(day):
        abort(404)
    return day


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
        figure, scope.covers, _day_argument(today), now, _status_argument(), LIST_PAGE_ROWS
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
    table, _pagination = listing(figure, scope.covers, _day_argument(today), now, _status_argument())
    return download(table, fmt)


@bp.get("/print")
@login_required
def print_view():
    """A print view for an annual report: one page per network with its figures."""
    scope = _scope()
    today, now = _clock()
    pages = [
        (network, dashboard_tables(scope_for(current_user, network.id), today, now))
        for network in scope.networks
    ]
    return render_template("dashboard/print.html", pages=pages, today=today)


@bp.get("/commitments/<int:agreement_id>/signed")
@acts_on(Agreement, can_view_who_signed)
def who_signed(agreement: Agreement):
    """Every organisation of the user's scope with its status for a commitment, filtered and paged."""
    scope = _scope()
    today, _now = _clock()
    filters = signers.Filters.parse(request.args)
    table, pagination = signers.who_signed(agreement, scope.covers, filters, today, LIST_PAGE_ROWS)
    narrowing = scope_filters(scope)
    arguments = {**narrowing, **{k: request.args[k] for k in ("status", "kind", "q") if request.args.get(k)}}
    return render_template(
        "dashboard/who_signed.html",
        agreement=agreement,
        scope=scope,
        table=table,
        pagination=pagination,
        filters=filters,
        narrowing=narrowing,
        counts=signers.status_counts(agreement, scope.covers, filters),
        statuses=signers.STATUS_TITLES,
        kinds=list(OrganisationKind),
        downloads={
            fmt: url_for(".who_signed_export", agreement_id=agreement.id, fmt=fmt, **arguments)
            for fmt in FORMATS
        },
        may_invite=can_invite_not_invited(current_user, agreement),
    )


@bp.get("/commitments/<int:agreement_id>/signed.<fmt>")
@acts_on(Agreement, can_view_who_signed)
def who_signed_export(agreement: Agreement, fmt: str):
    """The organisations and their status for a commitment as CSV or XLSX, filtered as the page is."""
    scope = _scope()
    today, _now = _clock()
    table, _pagination = signers.who_signed(
        agreement, scope.covers, signers.Filters.parse(request.args), today
    )
    return download(table, fmt)


@bp.post("/commitments/<int:agreement_id>/invite")
@acts_on(Agreement, can_invite_not_invited)
def invite_not_invited(agreement: Agreement):
    """Invite to the open joining every active organisation of the user's scope not invited yet."""
    scope = _scope()
    query = select(Organisation).where(Organisation.active, scope.covers(Organisation))
    organisations = list(db.session.scalars(query.order_by(Organisation.name, Organisation.id)))
    joining = open_joining_request(agreement)
    choices, without = accession.choices_for(accession.not_yet_invited(joining, organisations))
    if choices:
        invite_and_tell(joining, choices)
    if without:
        names = ", ".join(organisation.name for organisation in without)
        flash(_("Not invited, as nobody signs for them in Sopimuspolku: %(names)s.", names=names), "warning")
    if not choices and not without:
        flash(_("Every organisation of this scope has been invited already."), "info")
    return redirect(url_for(".who_signed", agreement_id=agreement.id, **scope_filters(scope)))


@bp.app_template_global()
def may_see_who_signed(agreement: Agreement) -> bool:
    """Whether the agreement's page links to who in the user's scope has signed it."""
    return can_view_who_signed(current_user, agreement)


bp.add_app_template_global(shown, "cell_text")


@bp.app_template_global()
def figure_table_once(table: Table, **arguments) -> Markup:
    """The table as ``figure_table`` in templates/dashboard/_tables.html shows it, made once for each language
    and arguments and kept with the table: the dashboard's tables are shared between requests while their
    figures stand (``agreements.dashboard.cache``), and the same table makes the same HTML."""
    key = (str(get_locale()), tuple(sorted((name, repr(value)) for name, value in arguments.items())))
    if (html := table.made.get(key)) is None:
        figure_table = get_template_attribute("dashboard/_tables.html", "figure_table")
        html = table.made[key] = figure_table(table, **arguments)  # Markup, as the template's own call
    return html


@bp.app_template_global()
def export_links(key: str, filters: dict, endpoint: str = "dashboard.export") -> dict[str, str]:
    """The CSV and XLSX links of a table, keeping the page's narrowing."""
    argument = "figure" if endpoint == "dashboard.listing_export" else "key"
    return {fmt: url_for(endpoint, fmt=fmt, **{argument: key}, **filters) for fmt in FORMATS}
