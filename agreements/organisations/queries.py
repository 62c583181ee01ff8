"""Read models for organisations and networks: filtered lists, counts, who belongs where."""

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from agreements.core.signals import values_from
from agreements.extensions import db
from agreements.organisations import signals
from agreements.organisations.models import Network, Organisation, OrganisationKind, Region, network_regions
from agreements.organisations.policy import coordinated_region_ids

#: Values of the status filter on the organisation list.
STATUSES = ("active", "inactive", "all")


@dataclass(frozen=True)
class OrganisationFilters:
    """What the organisation list is narrowed to; every field is optional."""

    search: str = ""
    kind: OrganisationKind | None = None
    region_id: int | None = None
    network_id: int | None = None
    status: str = "active"
    descending: bool = False


def visible_region_ids(user) -> set[int] | None:
    """Regions whose organisations the user may list: None means every region (administrators)."""
    return None if user.is_admin else coordinated_region_ids(user)


def organisations_query(filters: OrganisationFilters, region_ids: set[int] | None = None) -> Select:
    """Organisations matching ``filters``, limited to ``region_ids`` unless it is None, sorted by name."""
    query = select(Organisation)
    if region_ids is not None:
        query = query.where(Organisation.region_id.in_(region_ids))
    if filters.search:
        term = filters.search.strip()
        query = query.where(
            or_(
                Organisation.name.icontains(term, autoescape=True),
                Organisation.municipality.icontains(term, autoescape=True),
                Organisation.business_id.icontains(term, autoescape=True),
            )
        )
    if filters.kind is not None:
        query = query.where(Organisation.kind == filters.kind)
    if filters.region_id is not None:
        query = query.where(Organisation.region_id == filters.region_id)
    if filters.network_id is not None:
        network_region_ids = select(network_regions.c.region_id).where(
            network_regions.c.network_id == filters.network_id
        )
        query = query.where(Organisation.region_id.in_(network_region_ids))
    if filters.status != "all":
        query = query.where(Organisation.active.is_(filters.status == "active"))
    name_order = Organisation.name.desc() if filters.descending else Organisation.name.asc()
    return query.order_by(name_order, Organisation.municipality, Organisation.id)


def all_regions() -> list[Region]:
    """The 19 regions in code order."""
    return list(db.session.scalars(select(Region).order_by(Region.code)))


def visible_networks(user) -> list[Network]:
    """Every network for administrators, the user's own for coordinators; sorted by name."""
    if user.is_admin:
        return list(db.session.scalars(select(Network).order_by(Network.name)))
    return sorted(user.coordinated_networks, key=lambda network: network.name)


def networks_covering(region_id: int) -> list[Network]:
    """Networks whose regions include ``region_id``."""
    return list(
        db.session.scalars(
            select(Network)
            .join(network_regions, network_regions.c.network_id == Network.id)
            .where(network_regions.c.region_id == region_id)
            .order_by(Network.name)
        )
    )


def organisation_members(organisation: Organisation) -> list:
    """The organisation's memberships, by the member's name and then role (as accounts answer)."""
    return [m for found in values_from(signals.organisation_members, organisation) for m in found]


def organisation_pages(organisation: Organisation, user) -> list[tuple[str, str]]:
    """The further pages about the organisation that ``user`` may open, as (label, URL) (accounts answer)."""
    return [
        page for found in values_from(signals.organisation_pages, organisation, user=user) for page in found
    ]


def network_coordinators(network: Network) -> list:
    """The users who coordinate ``network``, by name (as accounts answer)."""
    return [user for found in values_from(signals.network_coordinators, network) for user in found]


def organisation_counts_by_network(network_ids: list[int]) -> dict[int, dict[OrganisationKind, int]]:
    """Active organisations in each network's regions, counted by kind."""
    rows = db.session.execute(
        select(network_regions.c.network_id, Organisation.kind, func.count(Organisation.id))
        .join(Organisation, Organisation.region_id == network_regions.c.region_id)
        .where(network_regions.c.network_id.in_(network_ids), Organisation.active)
        .group_by(network_regions.c.network_id, Organisation.kind)
    )
    counts: dict[int, dict[OrganisationKind, int]] = {network_id: {} for network_id in network_ids}
    for network_id, kind, count in rows:
        counts[network_id][kind] = count
    return counts


def name_key(name: str, municipality: str) -> tuple[str, str]:
    """How two organisations are compared for the name + municipality rule: trimmed, case-folded."""
    return name.strip().casefold(), municipality.strip().casefold()


def existing_name_keys(exclude_id: int | None = None) -> set[tuple[str, str]]:
    """Name keys of every organisation; folded in Python because SQLite's lower() only knows ASCII."""
    query = select(Organisation.name, Organisation.municipality)
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return {name_key(name, municipality) for name, municipality in db.session.execute(query)}


def active_organisations_in(networks=(), regions=()) -> list[Organisation]:
    """Active organisations of the given regions and of every region the given networks cover, by id."""
    region_ids = {region.id for network in networks for region in network.regions} | {r.id for r in regions}
    if not region_ids:
        return []
    query = select(Organisation).where(Organisation.active, Organisation.region_id.in_(region_ids))
    return list(db.session.scalars(query.order_by(Organisation.id)))
