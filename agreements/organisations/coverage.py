"""Which organisations a network covers — the one definition every list, figure, export, invitation and
coordinator's scope follows: a regional network covers the organisations of its regions, a membership network
(e.g. ULA) the members an administrator chose, wherever they are."""

from collections.abc import Iterable
from functools import cache

from flask import g, has_request_context
from sqlalchemy import ColumnElement, Select, bindparam, false, select, union_all

from agreements.extensions import db
from agreements.organisations.models import (
    Network,
    NetworkKind,
    Organisation,
    network_members,
    network_regions,
)


def network_organisations():
    """A subquery of (network_id, organisation_id): every organisation each network covers, by its kind."""
    regional = (
        select(network_regions.c.network_id, Organisation.id.label("organisation_id"))
        .join(Organisation, Organisation.region_id == network_regions.c.region_id)
        .join(Network, Network.id == network_regions.c.network_id)
        .where(Network.kind == NetworkKind.REGIONAL)
    )
    members = (
        select(network_members.c.network_id, network_members.c.organisation_id)
        .join(Network, Network.id == network_members.c.network_id)
        .where(Network.kind == NetworkKind.MEMBERSHIP)
    )
    return union_all(regional, members).subquery("network_organisations")


def organisations_of(network_ids: Iterable[int]) -> Select:
    """A query of the ids of the organisations the networks cover."""
    covered = network_organisations()
    return select(covered.c.organisation_id).where(covered.c.network_id.in_(list(network_ids)))


def covered_by(network_ids: Iterable[int], entity=Organisation) -> ColumnElement:
    """SQL condition: ``entity`` (Organisation or an alias of it) is covered by one of the networks."""
    network_ids = list(network_ids)
    return entity.id.in_(organisations_of(network_ids)) if network_ids else false()


def coordinated_network_ids(user) -> list[int]:
    """The networks the user coordinates."""
    return [network.id for network in user.coordinated_networks] if user.is_authenticated else []


def coordinates_any(user, organisation_ids: Iterable[int]) -> bool:
    """Whether a network the user coordinates covers one of the organisations; asked again in the same
    request (a page asks it for its permission and again for its links), the first answer."""
    network_ids, organisation_ids = coordinated_network_ids(user), list(organisation_ids)
    if not network_ids or not organisation_ids:
        return False
    if not has_request_context():
        return _covers_any(network_ids, organisation_ids)
    answers = g.setdefault("coordinates_any", {})
    key = (frozenset(network_ids), frozenset(organisation_ids))
    if key not in answers:
        answers[key] = _covers_any(network_ids, organisation_ids)
    return answers[key]


@cache
def _covers_any_query() -> Select:
    """Whether networks cover any of some organisations, as one statement built once per process (building
    the union of a network's organisations cost more than running it)."""
    covered = network_organisations()
    networks, organisations = (
        bindparam("networks", expanding=True),
        bindparam("organisations", expanding=True),
    )
    return (
        select(covered.c.organisation_id)
        .where(covered.c.network_id.in_(networks), covered.c.organisation_id.in_(organisations))
        .limit(1)
    )


def _covers_any(network_ids: list[int], organisation_ids: list[int]) -> bool:
    parameters = {"networks": network_ids, "organisations": organisation_ids}
    return db.session.scalar(_covers_any_query(), parameters) is not None
