"""The dashboard as tables: the page shows them, the exports write them, the print view prints them — so a
figure is the same wherever it is read. A cell may link to the list behind it (the drill-down)."""

from datetime import date, datetime

from flask import g, url_for
from flask_babel import lazy_gettext as _l

from agreements.core.tables import Cell, Table
from agreements.dashboard.cache import cached, latest_change
from agreements.dashboard.counts import Counts, counts_for, usable_snapshot
from agreements.dashboard.figures import Figures, total
from agreements.dashboard.scope import Scope
from agreements.drafting.models import AgreementStatus

#: The figure columns of the network and region tables: (attribute, title, the page's short header or None,
#: drill-down list or None). Short headers keep the twelve columns within a 1280-pixel window.
FIGURE_COLUMNS = (
    ("workshops", _l("Workshops"), None, "workshops"),
    ("workshops_in_force", _l("Workshops with an agreement in force"), _l("In force"), "workshops_in_force"),
    ("uptake", _l("Uptake %"), None, "workshops_without"),
    ("providers_in_force", _l("Providers with an agreement in force"), _l("Providers"), "providers_in_force"),
    ("committed", _l("Organisations committed to the guidelines"), _l("Committed"), "committed"),
    ("open_rounds", _l("Open comment rounds"), _l("Rounds"), "open_rounds"),
    ("awaiting_signature", _l("Requests awaiting signature"), _l("Requests"), "awaiting_signature"),
    ("median_wait", _l("Median wait (days)"), _l("Median days"), "awaiting_signature"),
    ("longest_wait", _l("Longest wait (days)"), _l("Longest days"), "awaiting_signature"),
    ("ending_soon", _l("Ending within 90 days"), _l("Ending 90 d"), "ending_soon"),
    ("renewals_overdue", _l("Renewals overdue"), _l("Overdue"), "renewals_overdue"),
)


def dashboard_tables(scope: Scope, today: date, now: datetime) -> list[Table]:
    """Every table of the dashboard for ``scope`` on ``today``; shared, so callers must not change them."""
    snapshot = usable_snapshot(today, now)

    def source() -> tuple:
        if snapshot is None:
            return ("now", latest_change())
        # A membership network's figures are counted now: a change of its members makes new tables at once.
        members = any(network.is_membership for network in scope.networks)
        return ("snapshot", snapshot.id, snapshot.checked_at, latest_change() if members else None)

    return cached(
        scope, today, source, lambda: _build_tables(scope, today, counts_for(scope, today, now, snapshot))
    )


def _build_tables(scope: Scope, today: date, counts: Counts) -> list[Table]:
    network_rows = [
        (network.name, {"network": network.id}, _network_figures(network, counts))
        for network in scope.networks
    ]
    region_rows = [
        (region.name, {"region": region.id}, counts.by_region[region.id]) for region in scope.regions
    ]
    everything = counts.everything
    tables = [
        _figure_table("networks", _l("By network"), _l("Network"), network_rows),
        _figure_table("regions", _l("By region"), _l("Region"), region_rows),
        _status_table(region_rows, everything),
        _commitments_table(counts.commitments, scope_filters(scope)),
        _trend_table(scope, counts.trend),
    ]
    for table in tables:
        table.as_of, table.checked_at = today, counts.checked_at
    return tables


def _network_figures(network, counts: Counts) -> Figures:
    """A membership network's own figures; a regional one's, the sum of its regions' in the scope."""
    if network.is_membership:
        return counts.by_network[network.id]
    return total(counts.by_region[r.id] for r in network.regions if r.id in counts.by_region)


def scope_filters(scope: Scope) -> dict:
    """The query arguments that narrow a list to the scope's chosen network or region."""
    chosen = (("network", scope.network), ("region", scope.region))
    return {key: value.id for key, value in chosen if value is not None}


def _figure_table(key: str, title, first_column, rows) -> Table:
    table = Table(key, str(title), [str(first_column), *(str(c[1]) for c in FIGURE_COLUMNS)])
    table.short_columns = [None, *(str(c[2]) if c[2] else None for c in FIGURE_COLUMNS)]
    for name, filters, figures in rows:
        table.rows.append(
            [Cell(name), *(_figure_cell(figures, column, filters) for column in FIGURE_COLUMNS)]
        )
    return table


def _figure_cell(figures: Figures, column, filters: dict) -> Cell:
    attribute, _title, _short, listing = column
    link = list_url(listing, filters) if listing else None
    return Cell(getattr(figures, attribute), link)


def _list_path(figure: str) -> str:
    """The list's path, remembered for the rest of the request."""
    paths = g.setdefault("dashboard_list_paths", {})
    if figure not in paths:
        paths[figure] = url_for("dashboard.listing_page", figure=figure)
    return paths[figure]


def list_url(figure: str, arguments: dict) -> str:
    """The address of the list behind ``figure``; each path is built once, as the tables hold hundreds."""
    query = "&".join(f"{key}={value}" for key, value in arguments.items())  # ids and enum values only
    return f"{_list_path(figure)}?{query}" if query else _list_path(figure)


def _status_table(region_rows, everything: Figures) -> Table:
    statuses = list(AgreementStatus)
    table = Table(
        "statuses", str(_l("Agreements by status")), [str(_l("Region")), *(s.title for s in statuses)]
    )
    for name, filters, figures in [*region_rows, (str(_l("All")), {}, everything)]:
        cells = [Cell(figures.by_status.get(status, 0), _status_link(status, filters)) for status in statuses]
        table.rows.append([Cell(name), *cells])
    return table


def _status_link(status: AgreementStatus, filters: dict) -> str:
    return list_url("agreements", {"status": status.value, **filters})


def _commitments_table(documents: list[dict], filters: dict) -> Table:
    columns = [
        _l("Reference"),
        _l("Commitment"),
        _l("Status"),
        _l("Invited"),
        _l("Signed"),
        _l("Declined"),
        _l("Pending"),
    ]
    table = Table("commitments", str(_l("Commitments to the guidelines")), [str(c) for c in columns])
    for document in documents:
        link = url_for("agreements.detail", agreement_id=document["id"])
        table.rows.append(
            [
                Cell(document["reference"], link),
                Cell(
                    document["title"], url_for("dashboard.who_signed", agreement_id=document["id"], **filters)
                ),
                Cell(AgreementStatus(document["status"]).title),
                *(Cell(document[key]) for key in ("invited", "signed", "declined", "pending")),
            ]
        )
    return table


def _trend_table(scope: Scope, months: list[tuple[date, int]]) -> Table:
    table = Table(
        "trend", str(_l("Agreements in force, month by month")), [str(_l("Month")), str(_l("In force"))]
    )
    filters = scope_filters(scope)
    table.rows = [
        [Cell(day.strftime("%m/%Y")), Cell(count, list_url("in_force", {"on": day.isoformat(), **filters}))]
        for day, count in months
    ]
    return table
