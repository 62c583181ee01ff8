"""Who may see and change organisations and networks."""

from agreements.core.access import can_administer


def coordinated_region_ids(user) -> set[int]:
    """Regions covered by the networks the user coordinates."""
    return {region.id for network in user.coordinated_networks for region in network.regions}


def can_view_organisation(user, organisation) -> bool:
    """Members see their own organisation; coordinators those in their networks' regions."""
    if not user.is_authenticated:
        return False
    return (
        user.is_admin
        or organisation.id in user.organisation_ids()
        or organisation.region_id in coordinated_region_ids(user)
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


def can_list_organisations(user) -> bool:
    """Administrators list every organisation; coordinators those in their networks' regions."""
    return can_administer(user) or (user.is_authenticated and user.is_coordinator)


def can_view_organisation_members(user, organisation) -> bool:
    """Administrators and the organisation's own members see who belongs to it."""
    return can_administer(user) or (user.is_authenticated and organisation.id in user.organisation_ids())


def can_list_networks(user) -> bool:
    """Administrators see every network; coordinators their own."""
    return can_administer(user) or (user.is_authenticated and user.is_coordinator)
