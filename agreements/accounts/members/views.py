"""An organisation's members page: its people and their roles, managed by the organisation's administrators
and the national administrators."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from agreements.accounts.members import operations as ops
from agreements.accounts.members import queries
from agreements.accounts.members.forms import AddMemberForm, MemberRolesForm, MemberSearchForm
from agreements.accounts.models import User
from agreements.accounts.policy import can_administer_organisation
from agreements.core.access import load_or_404
from agreements.core.actions import acts_on, refusal_shown
from agreements.core.forms import ConfirmForm
from agreements.core.web import paginate
from agreements.organisations.models import Organisation
from agreements.organisations.policy import can_view_organisation
from agreements.organisations.signals import organisation_pages

bp = Blueprint("members", __name__, url_prefix="/organisations/<int:organisation_id>/members")


@organisation_pages.connect
def members_page(organisation: Organisation, user) -> list[tuple[str, str]]:
    """The members page among the organisation's pages, for those who manage its members."""
    if not can_administer_organisation(user, organisation):
        return []
    return [(_("Manage members"), url_for("members.index", organisation_id=organisation.id))]


@bp.get("/")
@acts_on(Organisation, can_administer_organisation)
def index(organisation: Organisation):
    """List the organisation's members with their roles, searchable by name or e-mail."""
    form = MemberSearchForm(formdata=request.args)
    search = form.search()
    pagination = paginate(queries.members_query(organisation, search))
    return render_template(
        "accounts/members/index.html",
        organisation=organisation,
        form=form,
        search=search,
        pagination=pagination,
        roles={user.id: queries.roles_in(user, organisation) for user in pagination.items},
    )


@bp.route("/add", methods=["GET", "POST"])
@acts_on(Organisation, can_administer_organisation)
def add(organisation: Organisation):
    """Add a person by e-mail with roles: an account gets them at once, a new address an invitation."""
    form = AddMemberForm()
    if form.validate_on_submit():
        with refusal_shown(form):
            values = (form.email.data, form.roles.data, form.name.data, form.locale.data)
            user, invited = ops.add_member(organisation, _actor(), *values)
            flash(_added(organisation, user, invited), "success")
            return redirect(url_for(".index", organisation_id=organisation.id))
    return render_template("accounts/members/add.html", organisation=organisation, form=form)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@acts_on(Organisation, can_administer_organisation, arg="organisation_id")
def edit(organisation: Organisation, user_id: int):
    """Change a member's roles in the organisation."""
    member = _member_or_404(organisation, user_id)
    current = [role.value for role in queries.roles_in(member, organisation)]
    form = MemberRolesForm(data={"roles": current})
    if form.validate_on_submit():
        with refusal_shown(form):
            if ops.change_roles(organisation, _actor(), member, form.roles.data):
                texts = _texts(organisation, member)
                flash(_("The roles of %(name)s in %(organisation)s are now: %(roles)s.", **texts), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return _after_change(organisation)
    return render_template("accounts/members/edit.html", organisation=organisation, member=member, form=form)


@bp.route("/<int:user_id>/remove", methods=["GET", "POST"])
@acts_on(Organisation, can_administer_organisation, arg="organisation_id")
def remove(organisation: Organisation, user_id: int):
    """Confirm, then remove a member and all their roles from the organisation."""
    member = _member_or_404(organisation, user_id)
    texts = _texts(organisation, member)
    form = ConfirmForm()
    if form.validate_on_submit():
        with refusal_shown(form):
            ops.remove_member(organisation, _actor(), member)
            flash(_("%(name)s was removed from %(organisation)s.", **texts), "success")
            return _after_change(organisation)
    return render_template(
        "accounts/confirm.html",
        form=form,
        title=_("Remove a member"),
        question=_(
            "Remove %(name)s from %(organisation)s? Their roles there (%(roles)s) end; their account and "
            "their memberships in other organisations stay.",
            **texts,
        ),
        button=_("Remove from the organisation"),
        danger=True,
        back=url_for(".index", organisation_id=organisation.id),
    )


def _actor() -> User:
    return current_user._get_current_object()


def _member_or_404(organisation: Organisation, user_id: int) -> User:
    """The user with a role in the organisation; 404 for anyone else, as for a missing user."""
    return load_or_404(User, user_id, lambda _actor, user: bool(queries.roles_in(user, organisation)))


def _texts(organisation: Organisation, user: User) -> dict:
    """The names a message about ``user`` in ``organisation`` mentions."""
    roles = ", ".join(role.title for role in queries.roles_in(user, organisation))
    return {"name": user.name, "organisation": organisation.name, "roles": roles}


def _added(organisation: Organisation, user: User, invited: bool) -> str:
    texts = _texts(organisation, user)
    if invited:
        return _("%(email)s was invited to %(organisation)s. Roles: %(roles)s.", email=user.email, **texts)
    return _("%(name)s was added to %(organisation)s. Roles: %(roles)s.", **texts)


def _after_change(organisation: Organisation):
    """Back to the member list; or, for an administrator who just gave up the role, to what they still see."""
    actor = _actor()
    if can_administer_organisation(actor, organisation):
        return redirect(url_for(".index", organisation_id=organisation.id))
    if can_view_organisation(actor, organisation):
        return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return redirect(url_for("home.index"))
