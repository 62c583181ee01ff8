"""State changes of organisations and networks; each flushes and appends an audit event."""

import enum

from flask_babel import gettext as _

from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation
from agreements.organisations.queries import network_coordinators


def _plain(value):
    """A JSON-friendly form of a column value for the audit log."""
    return value.value if isinstance(value, enum.Enum) else value


def _apply(obj, data: dict) -> dict:
    """Set ``data`` on ``obj``; returns {field: [old, new]} for the values that changed."""
    changed = {}
    for name, value in data.items():
        old = getattr(obj, name)
        if old != value:
            changed[name] = [_plain(old), _plain(value)]
            setattr(obj, name, value)
    return changed


def create_organisation(data: dict) -> Organisation:
    """Create an organisation from validated form data."""
    organisation = Organisation(**data)
    db.session.add(organisation)
    db.session.flush()
    record("organisation.create", organisation, {name: _plain(value) for name, value in data.items()})
    return organisation


def update_organisation(organisation: Organisation, data: dict) -> dict:
    """Change an organisation's fields; records the old and new value of each changed one."""
    changed = _apply(organisation, data)
    if changed:
        db.session.flush()
        record("organisation.update", organisation, {"changed": changed})
    return changed


def deactivate_organisation(organisation: Organisation) -> None:
    """Mark an organisation inactive; it stays in the records but is hidden from the default lists."""
    if not organisation.active:
        raise OperationRefused(_("The organisation is already inactive."))
    organisation.active = False
    db.session.flush()
    record("organisation.deactivate", organisation)


def reactivate_organisation(organisation: Organisation) -> None:
    """Mark an inactive organisation active again."""
    if organisation.active:
        raise OperationRefused(_("The organisation is already active."))
    organisation.active = True
    db.session.flush()
    record("organisation.reactivate", organisation)


def import_organisations(rows: list[dict]) -> int:
    """Create every checked row of a CSV import; one audit event for the whole file."""
    db.session.add_all(Organisation(**row) for row in rows)
    db.session.flush()
    record("organisation.import", None, {"count": len(rows)})
    return len(rows)


def _region_codes(regions) -> list[str]:
    return sorted(region.code for region in regions)


def create_network(data: dict) -> Network:
    """Create a network with its regions."""
    network = Network(**data)
    db.session.add(network)
    db.session.flush()
    details = {name: _plain(value) for name, value in data.items() if name != "regions"}
    record("network.create", network, details | {"regions": _region_codes(network.regions)})
    return network


def update_network(network: Network, data: dict) -> dict:
    """Change a network's fields, kind and regions; records the old and new value of each changed one.

    A network that becomes regional lets its members go: its regions decide its organisations from then on.
    """
    data = dict(data)
    regions = data.pop("regions")
    changed = _apply(network, data)
    old_codes, new_codes = _region_codes(network.regions), _region_codes(regions)
    if old_codes != new_codes:
        network.regions = regions
        changed["regions"] = [old_codes, new_codes]
    if not network.is_membership and network.members:
        changed["members"] = [_member_list(network.members), []]
        network.members = []
    if changed:
        db.session.flush()
        record("network.update", network, {"changed": changed})
    return changed


def delete_network(network: Network) -> None:
    """Delete a network that has no coordinators; its organisations are untouched."""
    if network_coordinators(network):
        raise OperationRefused(
            _("The network has coordinators. Remove their coordinator assignment before deleting it.")
        )
    details = {"name": network.name, "regions": _region_codes(network.regions)}
    if network.members:
        details["members"] = _member_list(network.members)
    record("network.delete", network, details)
    db.session.delete(network)
    db.session.flush()


def _member_list(organisations) -> list[dict]:
    """Organisations as the audit log names them: id and name."""
    return [{"id": organisation.id, "name": organisation.name} for organisation in organisations]


def require_membership_network(network: Network) -> None:
    """Refuse unless the network is a membership network: a regional one's organisations are its regions'."""
    if not network.is_membership:
        raise OperationRefused(
            _(
                "%(name)s is a regional network: its organisations are those of its regions.",
                name=network.name,
            )
        )


def add_network_members(network: Network, organisations: list[Organisation]) -> list[Organisation]:
    """Add active organisations to a membership network; those inactive or members already are skipped."""
    require_membership_network(network)
    present = {member.id for member in network.members}
    added = [o for o in organisations if o.active and o.id not in present]
    if added:
        network.members.extend(added)
        db.session.flush()
        record("network.members_add", network, {"added": _member_list(added)})
    return added


def remove_network_member(network: Network, organisation: Organisation) -> None:
    """Remove one member of a membership network; the organisation itself is untouched."""
    require_membership_network(network)
    if organisation not in network.members:
        raise OperationRefused(_("%(name)s is not a member of the network.", name=organisation.name))
    network.members.remove(organisation)
    db.session.flush()
    record("network.member_remove", network, {"removed": _member_list([organisation])})
