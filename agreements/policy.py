"""Who may do what: every permission in one place, as ``can_<verb>(user, obj)``.

Views call these at the top, and routes that take an id load their object through ``load_or_404``,
which answers 404 for a missing object and a forbidden one alike, so ids reveal nothing.
"""

from collections.abc import Callable

from flask import abort
from flask_login import current_user

from agreements.accounts.models import MembershipRole
from agreements.drafting.lifecycle import EDITABLE, OPEN_FOR_COMMENTS
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reviews.queries import is_invited, visible_comments


def coordinated_region_ids(user) -> set[int]:
    """Regions covered by the networks the user coordinates."""
    return {region.id for network in user.coordinated_networks for region in network.regions}


def can_administer(user) -> bool:
    """National administrators manage templates, organisations, networks and users."""
    return user.is_authenticated and user.is_admin


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


def can_edit_user(user, other) -> bool:
    """National administrators manage every user's account, memberships and networks."""
    return can_administer(user)


def can_view_dashboard(user) -> bool:
    """Coordinators see their networks' figures; administrators the whole country's."""
    return user.is_authenticated and (user.is_admin or user.is_coordinator)


def can_list_organisations(user) -> bool:
    """Administrators list every organisation; coordinators those in their networks' regions."""
    return can_administer(user) or (user.is_authenticated and user.is_coordinator)


def can_view_organisation_members(user, organisation) -> bool:
    """Administrators and the organisation's own members see who belongs to it."""
    return can_administer(user) or (user.is_authenticated and organisation.id in user.organisation_ids())


def can_list_networks(user) -> bool:
    """Administrators see every network; coordinators their own."""
    return can_administer(user) or (user.is_authenticated and user.is_coordinator)


def drafting_workshops(user) -> list:
    """Active workshops in which the user is an editor, i.e. for which they may draft agreements."""
    workshops = {
        m.organisation
        for m in user.memberships
        if m.role == MembershipRole.EDITOR
        and m.organisation.kind == OrganisationKind.WORKSHOP
        and m.organisation.active
    }
    return sorted(workshops, key=lambda organisation: organisation.name)


def can_create_agreement(user) -> bool:
    """Editors of an active workshop draft new agreements."""
    return user.is_authenticated and bool(drafting_workshops(user))


def can_view_agreement(user, agreement) -> bool:
    """Members of any party, coordinators of a party's region, and administrators read an agreement."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    organisation_ids, region_ids = user.organisation_ids(), coordinated_region_ids(user)
    return any(party.id in organisation_ids or party.region_id in region_ids for party in agreement.parties)


def can_manage_agreement(user, agreement) -> bool:
    """Editors of the owner workshop act on the agreement; its status decides which actions succeed."""
    return user.is_authenticated and agreement.owner_id in user.organisation_ids(MembershipRole.EDITOR)


def can_edit_agreement(user, agreement) -> bool:
    """Editors of the owner workshop edit the agreement while it is a draft or out for comments."""
    return can_manage_agreement(user, agreement) and agreement.status in EDITABLE


def can_renew(user, agreement) -> bool:
    """Editors of the owner workshop renew a signed agreement that has an end date."""
    return (
        can_manage_agreement(user, agreement)
        and agreement.status == AgreementStatus.SIGNED
        and agreement.end_date is not None
    )


def can_give_notice(user, agreement) -> bool:
    """Editors of the owner workshop record the notice a party gave on a signed agreement."""
    return can_manage_agreement(user, agreement) and agreement.status == AgreementStatus.SIGNED


def can_set_reminders(user, agreement) -> bool:
    """Editors of the owner workshop set an agreement's reminder days until it is cancelled or replaced."""
    return can_manage_agreement(user, agreement) and agreement.status not in (
        AgreementStatus.CANCELLED,
        AgreementStatus.SUPERSEDED,
    )


def can_open_round(user, agreement) -> bool:
    """Editors of the owner workshop open comment rounds on a draft or one already out for comments."""
    return can_manage_agreement(user, agreement) and agreement.status in OPEN_FOR_COMMENTS


def can_view_round(user, comment_round) -> bool:
    """Readers of the agreement and everyone invited to the round see it (and its document)."""
    return can_view_agreement(user, comment_round.agreement) or is_invited(user, comment_round)


def can_manage_round(user, comment_round) -> bool:
    """Editors of the drafting workshop reply, resolve comments and close the round."""
    return can_manage_agreement(user, comment_round.agreement)


def can_view_summary(user, comment_round) -> bool:
    """The drafter and administrators read the summary at any time; the round's readers once it is shared."""
    if can_manage_round(user, comment_round) or can_administer(user):
        return True
    return comment_round.summary_shared_at is not None and can_view_round(user, comment_round)


def can_view_comment(user, comment) -> bool:
    """A comment is reachable for those who see it in its round."""
    return can_view_round(user, comment.round) and comment in visible_comments(comment.round, user)


def can_send_for_signature(user, agreement) -> bool:
    """Editors of the owner workshop send a draft for signature."""
    return can_manage_agreement(user, agreement) and agreement.status == AgreementStatus.DRAFT


def can_view_signature_request(user, request) -> bool:
    """Readers of the agreement and every signatory asked on the request see it and its documents."""
    if not user.is_authenticated:
        return False
    return can_view_agreement(user, request.agreement) or any(
        s.signatory_id == user.id for s in request.signatures
    )


def can_manage_signature_request(user, request) -> bool:
    """Editors of the drafting workshop withdraw a request and upload paper copies for it."""
    return can_manage_agreement(user, request.agreement)


def can_view_signature(user, signature) -> bool:
    """A signature is reachable for those who see its request."""
    return can_view_signature_request(user, signature.request)


def can_sign(user, signature) -> bool:
    """Only the person asked to sign for a party signs or declines for it."""
    return user.is_authenticated and signature.signatory_id == user.id


def can_view_notification(user, notification) -> bool:
    """Notifications are private: only the person notified sees and opens one, administrators included."""
    return user.is_authenticated and notification.user_id == user.id


def can_manage_mail(user, message=None) -> bool:
    """National administrators see every outbox message and put undelivered ones back in the queue."""
    return can_administer(user)


def can_manage_template(user, template_or_version) -> bool:
    """National administrators see, upload and (de)activate agreement templates and their versions."""
    return can_administer(user)


#: The largest id an integer primary key holds (PostgreSQL's INTEGER); a larger one cannot exist.
MAX_ID = 2**31 - 1


def load_or_404(model, object_id: int, permission: Callable[..., bool]):
    """Load ``model`` by id for the current user; 404 when it is missing or not permitted."""
    obj = db.session.get(model, object_id) if 0 < object_id <= MAX_ID else None
    if obj is None or not permission(current_user, obj):
        abort(404)
    return obj


def require(permission: Callable[..., bool]) -> None:
    """Abort with 403 unless the current user holds a permission that takes no object."""
    if not permission(current_user):
        abort(403)
