"""Whose figures a user may see: a coordinator the organisations their networks cover — a regional network's
regions, a membership network's members — an administrator the whole country; either may narrow it to one
network or one region."""

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import joinedload

from agreements.extensions import db
from agreements.organisations.coverage import covered_by
from agreements.organisations.models import Network, Organisation, Region


@dataclass(frozen=True)
class Scope:
    """The networks and regions a dashboard covers, and the filter that narrowed them, if any."""

    networks: list[Network]
    regions: list[Region]
    #: Every network and region the user may choose from in the filter.
    network_choices: list[Network]
    region_choices: list[Region]
    network: Network | None = None
    region: Region | None = None
    #: Membership networks whose members the scope covers besides the organisations of its regions.
    member_networks: list[Network] = field(default_factory=list)

    @property
    def region_ids(self) -> set[int]:
        return {region.id for region in self.regions}

    @property
    def by_regions_only(self) -> bool:
        """Whether the scope is its regions' organisations alone, so their figures add up to its own."""
        return not self.member_networks

    def covers(self, entity=Organisation) -> ColumnElement:
        """SQL condition: the organisation (Organisation or an alias) is in the scope."""
        conditions = [entity.region_id.in_(self.region_ids)] if self.regions else []
        if self.member_networks:
            conditions.append(covered_by([network.id for network in self.member_networks], entity))
        return or_(*conditions) if conditions else false()


def scope_for(user, network_id: int | None = None, region_id: int | None = None) -> Scope:
    """The user's scope, narrowed to a network or a region they may see; 404 for one they may not."""
    # The networks' regions in the same query: a statement fewer on every dashboard page.
    query = select(Network).options(joinedload(Network.regions)).order_by(Network.name)
    if user.is_admin:
        networks = list(db.session.scalars(query).unique())
        regions = list(db.session.scalars(select(Region).order_by(Region.code)))
    else:
        ids = [network.id for network in user.coordinated_networks]
        networks = list(db.session.scalars(query.where(Network.id.in_(ids))).unique())
        regions = sorted({r for n in networks for r in n.covered_regions}, key=lambda region: region.code)
    chosen_network = _chosen(networks, network_id)
    chosen_region = _chosen(regions, region_id)
    shown_networks = [chosen_network] if chosen_network else networks
    if chosen_region is not None:
        shown = [n for n in shown_networks if chosen_region in n.covered_regions]
        return Scope(shown, [chosen_region], networks, regions, chosen_network, chosen_region)
    shown_regions = chosen_network.covered_regions if chosen_network else regions
    # Every organisation is in a region: the whole country's regions leave no member outside.
    members_outside = chosen_network is not None or not user.is_admin
    member_networks = [n for n in shown_networks if n.is_membership] if members_outside else []
    return Scope(
        shown_networks, list(shown_regions), networks, regions, chosen_network, None, member_networks
    )


def _chosen(options: list, object_id: int | None):
    """The option with ``object_id``; None when none was asked for; 404 when it is not the user's."""
    if object_id is None:
        return None
    found = next((option for option in options if option.id == object_id), None)
    if found is None:
        abort(404)
    return found
