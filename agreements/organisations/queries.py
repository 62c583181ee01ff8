"""Read models for organisations and networks: filtered lists, counts, who belongs where."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from agreements.core.access import is_storable_id
from agreements.core.signals import values_from
from agreements.extensions import db
from agreements.organisations import signals
from agreements.organisations.coverage import coordinated_network_ids, covered_by, network_organisations
from agreements.organisations.models import Network, Organisation, OrganisationKind, Region, network_members

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


def visible_network_ids(user) -> list[int] | None:
    """Networks whose organisations the user may list: None means every organisation (administrators)."""
    return None if user.is_admin else coordinated_network_ids(user)


def regions_of(network_ids: list[int] | None) -> list[Region]:
    """The regions where the networks' organisations are (every region for None), in code order."""
    regions = all_regions()
    if network_ids is None:
        return regions
    found = set(db.session.scalars(select(Organisation.region_id).where(covered_by(network_ids)).distinct()))
    return [region for region in regions if region.id in found]


def organisations_query(filters: OrganisationFilters, network_ids: list[int] | None = None) -> Select:
    """Organisations matching ``filters``, limited to those ``network_ids`` cover (unless None), by name."""
    query = select(Organisation)
    if network_ids is not None:
        query = query.where(covered_by(network_ids))
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
        query = query.where(covered_by([filters.network_id]))
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


def networks_covering(organisation: Organisation) -> list[Network]:
    """Networks that cover the organisation: by its region, or as one of their members."""
    covered = network_organisations()
    network_ids = select(covered.c.network_id).where(covered.c.organisation_id == organisation.id)
    return list(db.session.scalars(select(Network).where(Network.id.in_(network_ids)).order_by(Network.name)))


def network_organisations_query(network: Network) -> Select:
    """The organisations the network covers (a membership network: its members), inactive ones too."""
    return organisations_query(OrganisationFilters(network_id=network.id, status="all"))


def member_candidates(network: Network, search: str) -> Select:
    """Active organisations matching ``search`` that are not members of the network yet, by name."""
    members = select(network_members.c.organisation_id).where(network_members.c.network_id == network.id)
    query = organisations_query(OrganisationFilters(search=search)).where(Organisation.id.not_in(members))
    return query.options(joinedload(Organisation.region))


def active_organisations_by_id(organisation_ids: list[int]) -> list[Organisation]:
    """The active organisations among ``organisation_ids`` (any other id is left out), by name."""
    ids = [organisation_id for organisation_id in organisation_ids if is_storable_id(organisation_id)]
    query = select(Organisation).where(Organisation.id.in_(ids), Organisation.active)
    return list(db.session.scalars(query.order_by(Organisation.name, Organisation.id)))


def network_member_or_404(network: Network, organisation_id: int) -> Organisation:
    """The member ``organisation_id`` of the network; 404 for any organisation that is not one."""
    if not is_storable_id(organisation_id):
        abort(404)
    query = (
        select(Organisation)
        .join(network_members, network_members.c.organisation_id == Organisation.id)
        .where(network_members.c.network_id == network.id, Organisation.id == organisation_id)
    )
    return db.first_or_404(query)


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
    """Active organisations each network covers, counted by kind."""
    covered = network_organisations()
    rows = db.session.execute(
        select(covered.c.network_id, Organisation.kind, func.count(Organisation.id))
        .join(Organisation, Organisation.id == covered.c.organisation_id)
        .where(covered.c.network_id.in_(network_ids), Organisation.active)
        .group_by(covered.c.network_id, Organisation.kind)
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
    """Active organisations of the given regions and those the given networks cover, by id."""
    region_ids, network_ids = [region.id for region in regions], [network.id for network in networks]
    if not region_ids and not network_ids:
        return []
    covered = or_(Organisation.region_id.in_(region_ids), covered_by(network_ids))
    query = select(Organisation).where(Organisation.active, covered)
    return list(db.session.scalars(query.order_by(Organisation.id)))
