"""Who may see and change organisations and networks."""

from agreements.core.access import can_administer
from agreements.organisations.coverage import coordinates_any


def can_view_organisation(user, organisation) -> bool:
    """Members see their own organisation; coordinators those their networks cover."""
    if not user.is_authenticated:
        return False
    return (
        user.is_admin
        or organisation.id in user.organisation_ids()
        or coordinates_any(user, [organisation.id])
    )


def can_edit_organisation(user, organisation) -> bool:
    """National administrators create, edit and (de)activate organisations."""
    return can_administer(user)


def can_view_network(user, network) -> bool:
    """Administrators see every network; coordinators the ones they coordinate."""
    return can_administer(user) or (user.is_authenticated and network in user.coordinated_networks)


def can_edit_network(user, network) -> bool:
    """National administrators edit and delete networks."""
    return can_administer(user)


def can_manage_network_members(user, network) -> bool:
    """National administrators add and remove a membership network's members."""
    return can_administer(user)


def can_list_organisations(user) -> bool:
    """Administrators list every organisation; coordinators those their networks cover."""
    return can_administer(user) or (user.is_authenticated and user.is_coordinator)


def can_view_organisation_members(user, organisation) -> bool:
    """Administrators and the organisation's own members see who belongs to it."""
    return can_administer(user) or (user.is_authenticated and organisation.id in user.organisation_ids())


def can_list_networks(user) -> bool:
    """Administrators see every network; coordinators their own."""
    return can_administer(user) or (user.is_authenticated and user.is_coordinator)
