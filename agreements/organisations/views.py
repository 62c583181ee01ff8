"""Organisations and networks: lists, detail pages, administration and CSV import."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from agreements.core.access import can_administer, load_or_404, require
from agreements.core.forms import ConfirmForm
from agreements.core.web import paginate
from agreements.extensions import db
from agreements.organisations import csv_import, operations, queries
from agreements.organisations.forms import (
    ImportForm,
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
    region_ids = queries.visible_region_ids(current_user)
    regions = [r for r in queries.all_regions() if region_ids is None or r.id in region_ids]
    network_choices = queries.visible_networks(current_user)
    form = OrganisationFilterForm(request.args, regions=regions, networks=network_choices)
    pagination = paginate(queries.organisations_query(form.filters(), region_ids))
    return render_template("organisations/index.html", form=form, pagination=pagination)


@bp.get("/organisations/<int:organisation_id>")
@login_required
def detail(organisation_id: int):
    """Show one organisation, the networks covering its region and, to those allowed, its members."""
    organisation = load_or_404(Organisation, organisation_id, can_view_organisation)
    show_members = can_view_organisation_members(current_user, organisation)
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        networks=queries.networks_covering(organisation.region_id),
        members=queries.organisation_members(organisation) if show_members else None,
        can_edit=can_edit_organisation(current_user, organisation),
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@login_required
def create():
    """Create an organisation (administrators)."""
    require(can_administer)
    form = OrganisationForm(regions=queries.all_regions())
    if form.validate_on_submit():
        organisation = operations.create_organisation(form.organisation_data())
        db.session.commit()
        flash(_("Organisation %(name)s created.", name=organisation.name), "success")
        return redirect(url_for(".detail", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int):
    """Edit an organisation (administrators)."""
    organisation = load_or_404(Organisation, organisation_id, can_edit_organisation)
    form = OrganisationForm(regions=queries.all_regions(), organisation=organisation)
    if form.validate_on_submit():
        if operations.update_organisation(organisation, form.organisation_data()):
            db.session.commit()
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
        db.session.commit()
        flash(message, "success")
        return redirect(url_for(".detail", organisation_id=organisation.id))
    return render_template(
        "organisations/confirm_status.html", form=form, organisation=organisation, activate=activate
    )


@bp.route("/organisations/<int:organisation_id>/deactivate", methods=["GET", "POST"])
@login_required
def deactivate(organisation_id: int):
    """Confirm and deactivate an organisation (administrators)."""
    organisation = load_or_404(Organisation, organisation_id, can_edit_organisation)
    return _confirm_status_change(organisation, activate=False)


@bp.route("/organisations/<int:organisation_id>/reactivate", methods=["GET", "POST"])
@login_required
def reactivate(organisation_id: int):
    """Confirm and reactivate an organisation (administrators)."""
    organisation = load_or_404(Organisation, organisation_id, can_edit_organisation)
    return _confirm_status_change(organisation, activate=True)


@bp.route("/organisations/import", methods=["GET", "POST"])
@login_required
def import_csv():
    """Import organisations from a CSV file: all rows or, if any row is bad, none (administrators)."""
    require(can_administer)
    form = ImportForm()
    check = _check_upload(form) if form.validate_on_submit() else None
    if check is not None and check.ok:
        count = operations.import_organisations(check.organisations)
        db.session.commit()
        flash(ngettext("%(num)s organisation imported.", "%(num)s organisations imported.", count), "success")
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
    return Response(
        csv_import.example_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=organisations-example.csv"},
    )


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
@login_required
def network_detail(network_id: int):
    """Show a network: its regions, coordinators and organisations."""
    network = load_or_404(Network, network_id, can_view_network)
    return render_template(
        "organisations/network_detail.html",
        network=network,
        coordinators=network.coordinators,
        counts=queries.organisation_counts_by_network([network.id])[network.id],
        kinds=OrganisationKind,
        can_edit=can_edit_network(current_user, network),
    )


def _network_form(network: Network | None) -> NetworkForm:
    return NetworkForm(
        regions=queries.all_regions(), networks=queries.visible_networks(current_user), network=network
    )


@bp.route("/networks/new", methods=["GET", "POST"])
@login_required
def network_create():
    """Create a network and choose its regions (administrators)."""
    require(can_administer)
    form = _network_form(None)
    if form.validate_on_submit():
        network = operations.create_network(form.network_data())
        db.session.commit()
        flash(_("Network %(name)s created.", name=network.name), "success")
        return redirect(url_for(".network_detail", network_id=network.id))
    return render_template("organisations/network_form.html", form=form, network=None)


@bp.route("/networks/<int:network_id>/edit", methods=["GET", "POST"])
@login_required
def network_edit(network_id: int):
    """Edit a network's name, description, regions and state (administrators)."""
    network = load_or_404(Network, network_id, can_edit_network)
    form = _network_form(network)
    if form.validate_on_submit():
        if operations.update_network(network, form.network_data()):
            db.session.commit()
            flash(_("Changes saved."), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return redirect(url_for(".network_detail", network_id=network.id))
    return render_template("organisations/network_form.html", form=form, network=network)


@bp.route("/networks/<int:network_id>/delete", methods=["GET", "POST"])
@login_required
def network_delete(network_id: int):
    """Confirm and delete a network that has no coordinators (administrators)."""
    network = load_or_404(Network, network_id, can_edit_network)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = network.name
        operations.delete_network(network)
        db.session.commit()
        flash(_("Network %(name)s deleted.", name=name), "success")
        return redirect(url_for(".networks"))
    return render_template(
        "organisations/network_delete.html",
        form=form,
        network=network,
        coordinators=network.coordinators,
    )
