"""Whose figures a user may see: a coordinator their networks' regions, an administrator the whole country;
either may narrow it to one network or one region."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from agreements.extensions import db
from agreements.organisations.models import Network, Region


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

    @property
    def region_ids(self) -> set[int]:
        return {region.id for region in self.regions}


def scope_for(user, network_id: int | None = None, region_id: int | None = None) -> Scope:
    """The user's scope, narrowed to a network or a region they may see; 404 for one they may not."""
    if user.is_admin:
        networks = list(
            db.session.scalars(select(Network).options(selectinload(Network.regions)).order_by(Network.name))
        )
        regions = list(db.session.scalars(select(Region).order_by(Region.code)))
    else:
        ids = [network.id for network in user.coordinated_networks]
        query = select(Network).where(Network.id.in_(ids)).options(selectinload(Network.regions))
        networks = list(db.session.scalars(query.order_by(Network.name)))
        regions = sorted({r for n in networks for r in n.regions}, key=lambda region: region.code)
    chosen_network = _chosen(networks, network_id)
    chosen_region = _chosen(regions, region_id)
    shown_networks = [chosen_network] if chosen_network else networks
    if chosen_region is not None:
        shown_regions = [chosen_region]
        shown_networks = [n for n in shown_networks if chosen_region in n.regions]
    else:
        shown_regions = chosen_network.regions if chosen_network else regions
    return Scope(shown_networks, list(shown_regions), networks, regions, chosen_network, chosen_region)


def _chosen(options: list, object_id: int | None):
    """The option with ``object_id``; None when none was asked for; 404 when it is not the user's."""
    if object_id is None:
        return None
    found = next((option for option in options if option.id == object_id), None)
    if found is None:
        abort(404)
    return found
