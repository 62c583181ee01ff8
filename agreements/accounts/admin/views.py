"""Administration of users, memberships, coordinator assignments and invitations (national administrators)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from agreements.accounts.admin import operations as ops
from agreements.accounts.admin import queries
from agreements.accounts.admin.forms import (
    InviteForm,
    MembershipForm,
    NetworksForm,
    UserEditForm,
    UserFilterForm,
    UserState,
)
from agreements.accounts.models import Membership, MembershipRole, User
from agreements.accounts.operations import invite_user, send_invitation
from agreements.accounts.policy import can_edit_user
from agreements.core.access import can_administer, load_or_404, require
from agreements.core.actions import acts_on, in_transaction, refusal_shown
from agreements.core.forms import ConfirmForm
from agreements.core.urls import next_url
from agreements.core.web import paginate
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation

bp = Blueprint("users_admin", __name__, url_prefix="/admin/users")

#: How many of a user's latest audit events the detail page shows.
AUDIT_TRAIL_LENGTH = 20

#: Readable names of the audit actions that concern a user; others are shown by their code.
AUDIT_ACTION_TITLES = {
    "user.invite": _l("Invited"),
    "user.invitation_resent": _l("Invitation sent again"),
    "user.update": _l("Details edited"),
    "user.deactivate": _l("Deactivated"),
    "user.reactivate": _l("Reactivated"),
    "user.coordinator_networks": _l("Coordinated networks changed"),
    "membership.add": _l("Membership added"),
    "membership.remove": _l("Membership removed"),
    "account.login": _l("Logged in"),
    "account.logout": _l("Logged out"),
    "account.login_failed": _l("Failed login"),
    "account.invitation_accepted": _l("Invitation accepted"),
    "account.password_reset_requested": _l("Password reset requested"),
    "account.password_reset": _l("Password reset"),
    "account.password_change": _l("Password changed"),
    "account.profile_update": _l("Own details edited"),
}


@bp.get("/")
@login_required
def index():
    """List users with search, filters by organisation, role and state, and pagination."""
    require(can_administer)
    form = UserFilterForm(formdata=request.args)
    filters = form.values()
    return render_template(
        "accounts/admin/index.html",
        form=form,
        filtered=any(filters.values()),
        pagination=paginate(queries.user_query(filters)),
        UserState=UserState,
    )


@bp.route("/invite", methods=["GET", "POST"])
@login_required
@in_transaction
def invite():
    """Invite a new user by e-mail, optionally into an organisation with a role."""
    require(can_administer)
    form = InviteForm()
    if form.validate_on_submit():
        organisation = (
            db.session.get(Organisation, form.organisation.data) if form.organisation.data else None
        )
        with refusal_shown(form):
            user = invite_user(
                form.email.data,
                form.name.data,
                form.locale.data,
                invited_by=current_user._get_current_object(),
                organisation=organisation,
                role=MembershipRole(form.role.data) if form.role.data else None,
            )
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for(".detail", user_id=user.id))
    return render_template("accounts/admin/invite.html", form=form)


@bp.get("/invitations")
@login_required
def invitations():
    """List invitations not yet accepted, with a button to send each again."""
    require(can_administer)
    pagination = paginate(queries.pending_invitations())
    inviters = queries.inviter_names(pagination.items)
    return render_template(
        "accounts/admin/invitations.html",
        pagination=pagination,
        inviters=inviters,
        confirm_form=ConfirmForm(),
    )


def _render_detail(user: User, membership_form=None, networks_form=None):
    memberships = sorted(user.memberships, key=lambda m: (m.organisation.name, m.role.title))
    return render_template(
        "accounts/admin/detail.html",
        user=user,
        state=UserState.of(user),
        inviter=db.session.get(User, user.invited_by_id) if user.invited_by_id else None,
        memberships=memberships,
        membership_form=membership_form or MembershipForm(formdata=None, user=user),
        networks_form=networks_form or NetworksForm(formdata=None, user=user),
        confirm_form=ConfirmForm(),
        audit_trail=queries.audit_trail(user, AUDIT_TRAIL_LENGTH),
        action_titles=AUDIT_ACTION_TITLES,
    )


@bp.get("/<int:user_id>")
@acts_on(User, can_edit_user)
def detail(user: User):
    """Show a user: account, state, memberships, coordinated networks and audit trail."""
    return _render_detail(user)


def _to_detail(user: User):
    return redirect(url_for(".detail", user_id=user.id))


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@acts_on(User, can_edit_user)
def edit(user: User):
    """Edit a user's name, e-mail, interface language and administrator flag."""
    actor = current_user._get_current_object()
    form = UserEditForm(user=user, actor=actor)
    if form.validate_on_submit():
        with refusal_shown(form):
            values = (form.name.data, form.email.data, form.locale.data, form.is_admin.data)
            ops.update_user(user, actor, *values)
            flash(_("The user's details were saved."), "success")
            return _to_detail(user)
    return render_template("accounts/admin/edit.html", form=form, user=user)


@bp.post("/<int:user_id>/memberships")
@acts_on(User, can_edit_user)
def add_membership(user: User):
    """Give the user a role in an organisation."""
    form = MembershipForm(user=user)
    if not form.validate_on_submit():
        return _render_detail(user, membership_form=form)
    organisation = db.session.get(Organisation, form.organisation.data)
    role = MembershipRole(form.role.data)
    with refusal_shown(form):
        ops.add_membership(user, organisation, role)
        flash(
            _(
                "Role %(role)s in %(organisation)s given to %(name)s.",
                name=user.name,
                role=role.title,
                organisation=organisation.name,
            ),
            "success",
        )
        return _to_detail(user)
    return _render_detail(user, membership_form=form)


@bp.route("/<int:user_id>/memberships/<int:membership_id>/remove", methods=["GET", "POST"])
@acts_on(User, can_edit_user, arg="user_id")
def remove_membership(user: User, membership_id: int):
    """Confirm, then take a role in an organisation away from the user."""
    membership = load_or_404(Membership, membership_id, lambda _actor, m: m.user_id == user.id)
    question = _(
        "Remove the role %(role)s of %(name)s in %(organisation)s?",
        role=membership.role.title,
        name=user.name,
        organisation=membership.organisation.name,
    )
    return _confirm_then(
        user,
        (ops.remove_membership, membership),
        done=_("The membership was removed."),
        title=_("Remove membership"),
        question=question,
        button=_("Remove membership"),
    )


def _confirm_then(user: User, operation: tuple, done: str, **texts):
    """Show a confirmation page on GET; on POST run ``operation`` (function, *args) and return to the user."""
    form = ConfirmForm()
    if form.validate_on_submit():
        function, *arguments = operation
        function(*arguments)
        flash(done, "success")
        return _to_detail(user)
    back = url_for(".detail", user_id=user.id)
    return render_template("accounts/confirm.html", form=form, back=back, **texts)


@bp.post("/<int:user_id>/networks")
@acts_on(User, can_edit_user)
def coordinator_networks(user: User):
    """Save the networks the user coordinates."""
    form = NetworksForm(user=user)
    if not form.validate_on_submit():
        return _render_detail(user, networks_form=form)
    networks = db.session.scalars(select(Network).where(Network.id.in_(form.networks.data))).all()
    ops.set_coordinator_networks(user, list(networks))
    flash(_("The coordinated networks were saved."), "success")
    return _to_detail(user)


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@acts_on(User, can_edit_user)
def deactivate(user: User):
    """Confirm, then deactivate the user so they can no longer log in."""
    return _confirm_then(
        user,
        (ops.deactivate_user, user, current_user._get_current_object()),
        done=_("%(name)s was deactivated and can no longer log in.", name=user.name),
        title=_("Deactivate user"),
        question=_(
            "Deactivate %(name)s? They can no longer log in. Their memberships and history are kept, "
            "and the account can be reactivated later.",
            name=user.name,
        ),
        button=_("Deactivate"),
        danger=True,
    )


@bp.route("/<int:user_id>/reactivate", methods=["GET", "POST"])
@acts_on(User, can_edit_user)
def reactivate(user: User):
    """Confirm, then reactivate a deactivated user."""
    return _confirm_then(
        user,
        (ops.reactivate_user, user),
        done=_("%(name)s was reactivated.", name=user.name),
        title=_("Reactivate user"),
        question=_("Reactivate %(name)s? They can log in again.", name=user.name),
        button=_("Reactivate"),
    )


@bp.post("/<int:user_id>/resend-invitation")
@acts_on(User, can_edit_user)
def resend_invitation(user: User):
    """Send a pending invitation again with a fresh link."""
    send_invitation(user, current_user._get_current_object())
    flash(_("The invitation was sent again to %(email)s.", email=user.email), "success")
    return redirect(next_url(url_for(".detail", user_id=user.id)))
