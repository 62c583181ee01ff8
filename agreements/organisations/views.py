"""Organisations and networks: lists, detail pages, administration and CSV import."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from agreements.core.access import can_administer, require
from agreements.core.actions import acts_on, in_transaction
from agreements.core.forms import ConfirmForm
from agreements.core.web import CSV_MEDIA_TYPE, paginate, send_download
from agreements.organisations import csv_import, operations, queries
from agreements.organisations.forms import (
    AddMembersForm,
    ImportForm,
    MemberSearchForm,
    NetworkForm,
    OrganisationFilterForm,
    OrganisationForm,
)
from agreements.organisations.models import Network, Organisation, OrganisationKind
from agreements.organisations.policy import (
    can_edit_network,
    can_edit_organisation,
    can_list_networks,
    can_list_organisations,
    can_manage_network_members,
    can_view_network,
    can_view_organisation,
    can_view_organisation_members,
)

bp = Blueprint("organisations", __name__)


@bp.get("/organisations/")
@login_required
def index():
    """List, search and filter the organisations the user may see."""
    require(can_list_organisations)
    network_ids = queries.visible_network_ids(current_user)
    network_choices = queries.visible_networks(current_user)
    form = OrganisationFilterForm(
        request.args, regions=queries.regions_of(network_ids), networks=network_choices
    )
    pagination = paginate(queries.organisations_query(form.filters(), network_ids))
    return render_template("organisations/index.html", form=form, pagination=pagination)


@bp.get("/organisations/<int:organisation_id>")
@acts_on(Organisation, can_view_organisation)
def detail(organisation: Organisation):
    """Show one organisation, the networks covering it and, to those allowed, its members."""
    show_members = can_view_organisation_members(current_user, organisation)
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        networks=queries.networks_covering(organisation),
        members=queries.organisation_members(organisation) if show_members else None,
        can_edit=can_edit_organisation(current_user, organisation),
        pages=queries.organisation_pages(organisation, current_user),
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@login_required
@in_transaction
def create():
    """Create an organisation (administrators)."""
    require(can_administer)
    form = OrganisationForm(regions=queries.all_regions())
    if form.validate_on_submit():
        organisation = operations.create_organisation(form.organisation_data())
        flash(_("Organisation %(name)s created.", name=organisation.name), "success")
        return redirect(url_for(".detail", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@acts_on(Organisation, can_edit_organisation)
def edit(organisation: Organisation):
    """Edit an organisation (administrators)."""
    form = OrganisationForm(regions=queries.all_regions(), organisation=organisation)
    if form.validate_on_submit():
        if operations.update_organisation(organisation, form.organisation_data()):
            flash(_("Changes saved."), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return redirect(url_for(".detail", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation)


def _confirm_status_change(organisation: Organisation, activate: bool):
    """The confirmation page (GET) and the change itself (POST) of deactivate and reactivate."""
    form = ConfirmForm()
    if form.validate_on_submit():
        if activate:
            operations.reactivate_organisation(organisation)
            message = _("%(name)s is active again.", name=organisation.name)
        else:
            operations.deactivate_organisation(organisation)
            message = _("%(name)s was deactivated.", name=organisation.name)
        flash(message, "success")
        return redirect(url_for(".detail", organisation_id=organisation.id))
    return render_template(
        "organisations/confirm_status.html", form=form, organisation=organisation, activate=activate
    )


@bp.route("/organisations/<int:organisation_id>/deactivate", methods=["GET", "POST"])
@acts_on(Organisation, can_edit_organisation)
def deactivate(organisation: Organisation):
    """Confirm and deactivate an organisation (administrators)."""
    return _confirm_status_change(organisation, activate=False)


@bp.route("/organisations/<int:organisation_id>/reactivate", methods=["GET", "POST"])
@acts_on(Organisation, can_edit_organisation)
def reactivate(organisation: Organisation):
    """Confirm and reactivate an organisation (administrators)."""
    return _confirm_status_change(organisation, activate=True)


@bp.route("/organisations/import", methods=["GET", "POST"])
@login_required
@in_transaction
def import_csv():
    """Import organisations from a CSV file: all rows or, if any row is bad, none (administrators)."""
    require(can_administer)
    form = ImportForm()
    check = _check_upload(form) if form.validate_on_submit() else None
    if check is not None and check.ok:
        count = operations.import_organisations(check.organisations)
        imported = ngettext("%(num)s organisation imported.", "%(num)s organisations imported.", count)
        flash(f"{imported} {csv_import.read_as(check.encoding)}", "success")
        return redirect(url_for(".index"))
    return render_template(
        "organisations/import.html",
        form=form,
        check=check,
        max_rows=csv_import.MAX_ROWS,
        max_megabytes=csv_import.MAX_BYTES // (1024 * 1024),
    )


def _check_upload(form: ImportForm) -> csv_import.ImportCheck | None:
    """Check the uploaded file; a problem with the whole file becomes an error on the file field."""
    try:
        return csv_import.check_file(form.file.data.read(csv_import.MAX_BYTES + 1))
    except csv_import.ImportFileError as error:
        form.file.errors.append(error.message)
        return None


@bp.get("/organisations/import/example.csv")
@login_required
def import_example():
    """Download an example CSV file for the import (administrators)."""
    require(can_administer)
    return send_download(csv_import.example_csv().encode(), CSV_MEDIA_TYPE, "organisations-example.csv")


@bp.get("/networks/")
@login_required
def networks():
    """List the networks the user may see, with their regions and organisation counts."""
    require(can_list_networks)
    visible = queries.visible_networks(current_user)
    return render_template(
        "organisations/networks.html",
        networks=visible,
        counts=queries.organisation_counts_by_network([network.id for network in visible]),
        kinds=OrganisationKind,
    )


@bp.get("/networks/<int:network_id>")
@acts_on(Network, can_view_network)
def network_detail(network: Network):
    """Show a network: its kind, its regions or members, coordinators and organisations."""
    members = paginate(queries.network_organisations_query(network)) if network.is_membership else None
    return render_template(
        "organisations/network_detail.html",
        network=network,
        members=members,
        coordinators=queries.network_coordinators(network),
        counts=queries.organisation_counts_by_network([network.id])[network.id],
        kinds=OrganisationKind,
        can_edit=can_edit_network(current_user, network),
        can_manage_members=can_manage_network_members(current_user, network),
    )


def _network_form(network: Network | None) -> NetworkForm:
    return NetworkForm(
        regions=queries.all_regions(), networks=queries.visible_networks(current_user), network=network
    )


@bp.route("/networks/new", methods=["GET", "POST"])
@login_required
@in_transaction
def network_create():
    """Create a network and choose its regions (administrators)."""
    require(can_administer)
    form = _network_form(None)
    if form.validate_on_submit():
        network = operations.create_network(form.network_data())
        flash(_("Network %(name)s created.", name=network.name), "success")
        return redirect(url_for(".network_detail", network_id=network.id))
    return render_template("organisations/network_form.html", form=form, network=None)


@bp.route("/networks/<int:network_id>/edit", methods=["GET", "POST"])
@acts_on(Network, can_edit_network)
def network_edit(network: Network):
    """Edit a network's name, description, regions and state (administrators)."""
    form = _network_form(network)
    if form.validate_on_submit():
        if operations.update_network(network, form.network_data()):
            flash(_("Changes saved."), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return redirect(url_for(".network_detail", network_id=network.id))
    return render_template("organisations/network_form.html", form=form, network=network)


@bp.route("/networks/<int:network_id>/delete", methods=["GET", "POST"])
@acts_on(Network, can_edit_network)
def network_delete(network: Network):
    """Confirm and delete a network that has no coordinators (administrators)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        name = network.name
        operations.delete_network(network)
        flash(_("Network %(name)s deleted.", name=name), "success")
        return redirect(url_for(".networks"))
    return render_template(
        "organisations/network_delete.html",
        form=form,
        network=network,
        coordinators=queries.network_coordinators(network),
    )


@bp.route("/networks/<int:network_id>/members/add", methods=["GET", "POST"])
@acts_on(Network, can_manage_network_members)
def network_members_add(network: Network):
    """Search active organisations and add the chosen ones to a membership network (administrators)."""
    operations.require_membership_network(network)
    form = AddMembersForm()
    if form.validate_on_submit():
        added = operations.add_network_members(
            network, queries.active_organisations_by_id(form.organisation_ids.data)
        )
        flash(ngettext("%(num)s member added.", "%(num)s members added.", len(added)), "success")
        return redirect(url_for(".network_detail", network_id=network.id))
    search = MemberSearchForm(request.args)
    return render_template(
        "organisations/network_members_add.html",
        network=network,
        form=form,
        search=search,
        pagination=paginate(queries.member_candidates(network, search.term())),
    )


@bp.route("/networks/<int:network_id>/members/<int:organisation_id>/remove", methods=["GET", "POST"])
@acts_on(Network, can_manage_network_members, arg="network_id")
def network_member_remove(network: Network, organisation_id: int):
    """Confirm and remove one member of a membership network (administrators)."""
    operations.require_membership_network(network)
    organisation = queries.network_member_or_404(network, organisation_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.remove_network_member(network, organisation)
        flash(
            _("%(name)s removed from %(network)s.", name=organisation.name, network=network.name), "success"
        )
        return redirect(url_for(".network_detail", network_id=network.id))
    return render_template(
        "organisations/network_member_remove.html", form=form, network=network, organisation=organisation
    )
