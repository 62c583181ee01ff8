"""Drafting views: the agreements list, new agreement, an agreement's page, editing a draft, cancelling."""

from functools import partial
from urllib.parse import urlencode

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm import joinedload, with_expression

from agreements.core.access import require
from agreements.core.actions import acts_on, in_transaction, refusal_shown
from agreements.core.errors import OperationRefused
from agreements.core.exports import FORMATS, download
from agreements.core.forms import shown_filters
from agreements.core.i18n import ui_language
from agreements.core.keyset import PAGE_ARGUMENTS, keyset_page
from agreements.core.once import SubmitOnce
from agreements.core.signals import values_from
from agreements.core.timeutil import helsinki_today
from agreements.drafting import annexes, approval, field_forms, operations, queries, signals
from agreements.drafting.blueprint import bp
from agreements.drafting.forms import (
    AgreementFilterForm,
    AgreementForm,
    CancelForm,
    StartForm,
    filter_choices,
    header_data,
)
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.drafting.policy import (
    can_cancel,
    can_create_agreement,
    can_edit_agreement,
    can_manage_agreement,
    can_register_agreements,
    can_view_agreement,
    drafting_workshops,
)
from agreements.drafting.tables import agreement_table, list_query, list_rows, party_names
from agreements.templates_lib.fields import section_titles
from agreements.templates_lib.models import TemplateKind, TemplateVersion

#: Badge colours of the statuses; the badge always carries the status in words too.
STATUS_BADGES = {
    AgreementStatus.DRAFT: "text-bg-secondary",
    AgreementStatus.COMMENTING: "text-bg-info",
    AgreementStatus.AWAITING_SIGNATURES: "text-bg-warning",
    AgreementStatus.SIGNED: "text-bg-success",
    AgreementStatus.CANCELLED: "text-bg-dark",
    AgreementStatus.TERMINATED: "text-bg-dark",
    AgreementStatus.SUPERSEDED: "text-bg-light border",
}

#: A new agreement's form, sent again, shows the agreement it created.
CREATED_ONCE = SubmitOnce(
    "agreement",
    "agreements.detail",
    "agreement_id",
    _l("This form was already sent; here is the agreement it created."),
)


@bp.app_context_processor
def _drafting_helpers() -> dict:
    return {
        "status_badges": STATUS_BADGES,
        "validity_choices": queries.VALIDITY_CHOICES,
        "party_names": party_names,
    }


@bp.get("/")
@login_required
def index():
    """List the agreements the user may read, with search, filters and pages: each page read from the
    index of the list's order after the previous page's last row (see agreements/core/keyset.py)."""
    titles = queries.version_titles()
    filters, filter_form = _shown_filters(titles)
    today = helsinki_today()
    query = list_query(current_user, filters, today)
    pagination = keyset_page(query, Agreement.updated_at, Agreement.id, current_app.config["PAGE_SIZE"])
    return render_template(
        "drafting/index.html",
        filter_form=filter_form,
        pagination=pagination,
        rows=list_rows(pagination.items, today, {version.id: version.title for version in titles}),
        can_create=can_create_agreement(current_user),
        can_register=can_register_agreements(current_user),
        export_urls=_export_urls(),
    )


def _export_urls() -> dict[str, str]:
    """The list's CSV and XLSX addresses with the same search and filters."""
    query = urlencode(
        [(key, value) for key, value in request.args.items(multi=True) if key not in PAGE_ARGUMENTS]
    )
    return {fmt: f"{url_for('.export', fmt=fmt)}?{query}" for fmt in FORMATS}


@bp.get("/export.<fmt>")
@login_required
def export(fmt: str):
    """The agreements the list shows with the same search and filters, every page, as CSV or XLSX."""
    today = helsinki_today()
    filters, _form = _shown_filters(queries.version_titles())
    query = queries.agreements_query(current_user, filters, today)
    return download(agreement_table("agreements", _("Agreements"), query, today), fmt)


def _shown_filters(titles: list[queries.VersionTitle]) -> tuple[queries.AgreementFilters, Markup]:
    """The list's search and filters from the query string, with the user's own choices, and their form's
    HTML; the templates to choose from are the latest versions among ``titles``."""
    choices = filter_choices(queries.own_organisations(current_user), queries.latest_titles(titles))
    return shown_filters(AgreementFilterForm, "drafting/_filters.html", *choices)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@in_transaction
def create():
    """Draft a new agreement: choose a template, language and workshop, then fill in the form."""
    require(can_create_agreement)
    if (repeat := CREATED_ONCE.repeated()) is not None:
        return repeat
    start = StartForm(
        request.values, queries.template_versions(only_active=True), drafting_workshops(current_user)
    )
    if "template_version_id" not in request.values or not start.validate():
        return render_template("drafting/start.html", form=start)
    template_version, language, owner = start.chosen()
    kind = template_version.template.kind
    form = AgreementForm(
        kind=kind,
        candidates=queries.party_candidates(kind, owner),
        main_agreements=_main_agreement_choices(kind, owner),
    )
    manifest = template_version.manifest
    submitted = request.method == "POST"
    values = field_forms.values_form(
        manifest, request.form if submitted else None, stored=field_forms.default_values(manifest)
    )
    if submitted and not _row_action(values) and _validate(form, values):
        with refusal_shown(form, show=partial(_show_refusal, form=form, values=values)):
            if (repeat := CREATED_ONCE.claim(form)) is not None:
                return repeat
            agreement = operations.create_agreement(
                template_version,
                language,
                owner,
                form.parties(),
                **form.header(),
                values=values.stored_values(),
                change_note=form.change_note.data,
                actor=current_user,
                main_agreement=form.main_agreement(),
            )
            CREATED_ONCE.made(form, agreement.id)
            flash(_("Agreement %(reference)s created as a draft.", reference=agreement.reference), "success")
            return redirect(url_for(".detail", agreement_id=agreement.id))
    return render_template(
        "drafting/form.html",
        form=form,
        values=values,
        manifest=manifest,
        agreement=None,
        start=start,
        template_version=template_version,
        owner=owner,
    )


def _main_agreement_choices(kind, owner, current: Agreement | None = None) -> list[Agreement] | None:
    """The agreements an annex may belong to, with its ``current`` main agreement; None for other kinds."""
    if kind != TemplateKind.ANNEX:
        return None
    candidates = queries.main_agreement_candidates(owner)
    return candidates if current is None or current in candidates else [current, *candidates]


def _row_action(values) -> bool:
    """Add or remove a row of a list field when one of those buttons was pressed."""
    return field_forms.apply_row_action(values, request.form.get("add_row"), request.form.get("remove_row"))


def _validate(form: AgreementForm, values) -> bool:
    """Validate both forms, so every error on the page is shown at once."""
    header_ok = form.validate_on_submit()
    values_ok = values.validate()
    return header_ok and values_ok


def _show_refusal(refusal: OperationRefused, form: AgreementForm, values) -> None:
    """Put the problems an operation found on the fields they concern, or above the form."""
    fields = {"parties": form.party_ids, **{name: form[name] for name in operations.HEADER_FIELDS}}
    for key, name in (("answered_comments", "answered_comment_ids"), ("main_agreement", "main_agreement_id")):
        if name in form:
            fields[key] = form[name]
    fields.update({field["key"]: bound for field, bound in values.value_fields()})
    errors = getattr(refusal, "errors", None) or {refusal.field: refusal.message}
    for key, message in errors.items():
        if key in fields:
            fields[key].errors = [*fields[key].errors, message]
        else:
            flash(message, "danger")


#: What an agreement's page shows of the agreement's template, workshop and registration, read in the same
#: one-row query as the agreement (parties and terms: _can_view_loaded; versions, approvals:
#: queries.load_collections), and whether it has annexes or renewals (queries.load_linked).
DETAIL_LOADS = (
    joinedload(Agreement.template_version).joinedload(TemplateVersion.template),
    joinedload(Agreement.owner),
    joinedload(Agreement.registration),
    with_expression(Agreement.has_linked, queries.HAS_LINKED),
)


def _can_view_loaded(user, agreement: Agreement) -> bool:
    """can_view_agreement, with the parties it reads loaded beside their terms, which the page shows."""
    queries.load_parties(agreement)
    return can_view_agreement(user, agreement)


@bp.get("/<int:agreement_id>")
@acts_on(Agreement, _can_view_loaded, options=DETAIL_LOADS)
def detail(agreement: Agreement):
    """Show an agreement: status, parties, validity, template, latest version and its field values."""
    queries.load_collections(agreement)
    queries.load_linked(agreement)
    latest = agreement.latest_version
    template = agreement.template_version
    return render_template(
        "drafting/detail.html",
        agreement=agreement,
        latest=latest,
        author=queries.version_author(latest),
        sections=queries.value_sections(template.manifest, latest.values, ui_language()) if template else [],
        validity=agreement.validity_on(helsinki_today()),
        terms={terms.organisation_id: terms for terms in agreement.party_terms},
        today=helsinki_today(),
        can_edit=can_edit_agreement(current_user, agreement),
        can_cancel=can_cancel(current_user, agreement),
        approval_required=approval.requires_approval(agreement),
        can_approve=can_manage_agreement(current_user, agreement) and approval.may_approve(agreement),
        main_agreement=_main_agreement(agreement),
        annexes=queries.visible_annexes(agreement, current_user),
    )


def _main_agreement(agreement: Agreement) -> Agreement | None:
    """The main agreement of an annex, if the user may read it: the annex's page links to it."""
    main = agreement.main_agreement
    return main if main is not None and can_view_agreement(current_user, main) else None


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@acts_on(Agreement, can_manage_agreement)
def edit(agreement: Agreement):
    """Edit a draft: each save is a new version; a save after someone else's is refused, input kept."""
    operations.ensure_editable(agreement)
    latest = agreement.latest_version
    kind = agreement.kind
    choices = {
        "kind": kind,
        "candidates": queries.party_candidates(kind, agreement.owner, agreement.parties),
        "answerable": [c for found in values_from(signals.answerable_comments, agreement) for c in found],
        "main_agreements": _main_agreement_choices(kind, agreement.owner, agreement.main_agreement),
    }
    manifest = agreement.template_version.manifest
    if request.method == "POST":
        form = AgreementForm(**choices)
        values = field_forms.values_form(manifest, request.form)
    else:
        data = {**header_data(latest, agreement.owner_id), "main_agreement_id": agreement.main_agreement_id}
        form = AgreementForm(**choices, data=data)
        values = field_forms.values_form(manifest, stored=latest.values)
    if request.method == "POST" and not _row_action(values) and _validate(form, values):
        with refusal_shown(form, show=partial(_show_refusal, form=form, values=values)):
            try:
                return _save(agreement, form, values)
            except operations.EditConflict as conflict:
                return _conflict_page(agreement, form, values, conflict), 409
    return _form_page(agreement, form, values)


def _form_page(agreement: Agreement, form: AgreementForm, values, conflict: dict | None = None) -> str:
    manifest = agreement.template_version.manifest
    return render_template(
        "drafting/form.html",
        form=form,
        values=values,
        manifest=manifest,
        agreement=agreement,
        template_version=agreement.template_version,
        owner=agreement.owner,
        conflict=conflict,
        section_titles=section_titles(manifest, ui_language()),
    )


def _save(agreement: Agreement, form: AgreementForm, values):
    """Save the edit as a new version and go back to the agreement's page."""
    version = operations.save_version(
        agreement,
        form.base_version_number(),
        **form.header(),
        parties=form.parties(),
        values=values.stored_values(),
        change_note=form.change_note.data,
        answered_comments=form.answered_comments(),
        actor=current_user,
    )
    relinked = operations.link_main_agreement(agreement, form.main_agreement(), current_user)
    if version is None and relinked:
        flash(_("The main agreement was changed; the text was not, so no new version was saved."), "info")
    elif version is None:
        flash(_("Nothing was changed, so no new version was saved."), "info")
    else:
        flash(_("Saved as version %(number)s.", number=version.number), "success")
    return redirect(url_for(".detail", agreement_id=agreement.id))


def _conflict_page(agreement: Agreement, form: AgreementForm, values, conflict: operations.EditConflict):
    """The form again with the user's input, what the other person changed, and the latest version as base."""
    base = next((v for v in agreement.versions if v.number == form.base_version_number()), conflict.latest)
    mine = {
        "header": form.header(),
        "parties": [party.name for party in [agreement.owner, *form.parties()]],
        "values": values.stored_values(),
    }
    changes = queries.conflicting_changes(
        queries.version_snapshot(base),
        queries.version_snapshot(conflict.latest),
        mine,
        agreement.template_version.manifest,
        ui_language(),
    )
    form.base_version.data = str(conflict.latest.number)
    details = {"message": conflict.message, "latest": conflict.latest, "changes": changes}
    return _form_page(agreement, form, values, conflict=details)


@bp.route("/<int:agreement_id>/cancel", methods=["GET", "POST"])
@acts_on(Agreement, can_manage_agreement)
def cancel(agreement: Agreement):
    """Confirm and cancel an agreement that is a draft or out for comments."""
    form = CancelForm(annexes.cancellable(agreement))
    if not form.is_submitted():
        operations.ensure_cancellable(agreement)
    if form.validate_on_submit():
        with refusal_shown(form):
            cancelled = annexes.cancel_with_annexes(
                agreement, form.keep_annex_ids.data, current_user, form.reason.data or ""
            )
            flash(_("Agreement %(reference)s was cancelled.", reference=agreement.reference), "success")
            if cancelled:
                flash(annexes.ended_message(cancelled), "info")
            return redirect(url_for(".detail", agreement_id=agreement.id))
    staying = [a for a in queries.live_annexes(agreement) if a not in form.keep_annex_ids.annexes]
    returns_to = annexes.return_target(agreement) if queries.live_annexes(agreement) else None
    return render_template(
        "drafting/cancel.html", agreement=agreement, form=form, staying=staying, returns_to=returns_to
    )
