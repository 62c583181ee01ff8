"""Comment round views: opening a round, the round page, commenting, answering, resolving and closing.

A round page serves everyone who may see the round: invitees read the document under comment section by
section and comment, the drafting workshop's editors see who has answered, reply, resolve and close.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from agreements.accounts.models import User
from agreements.core.access import MAX_ID
from agreements.core.actions import acts_on, refusal_shown
from agreements.core.forms import ConfirmForm
from agreements.core.i18n import ui_language
from agreements.core.once import SubmitOnce
from agreements.core.web import paginate
from agreements.drafting.document_views import send_document
from agreements.drafting.documents import version_document
from agreements.drafting.models import Agreement
from agreements.drafting.policy import can_manage_agreement
from agreements.extensions import db
from agreements.reviews import operations, queries, sections
from agreements.reviews.blueprint import bp
from agreements.reviews.forms import CommentForm, OpenRoundForm, ResolveForm
from agreements.reviews.models import Comment, CommentRound
from agreements.reviews.policy import (
    can_manage_round,
    can_open_round,
    can_resolve_comment,
    can_view_comment,
    can_view_round,
    can_view_summary,
)
from agreements.templates_lib.fields import section_titles
from agreements.templates_lib.rendering import document_sections

bp.add_app_template_filter(sections.comment_by, "comment_by")
bp.add_app_template_filter(sections.grouped_by_section, "comment_groups")

#: The form opening a round (or a next phase), sent again, shows the round it opened.
OPENED_ONCE = SubmitOnce(
    "comment_round",
    "reviews.detail",
    "round_id",
    _l("This form was already sent; here is the comment round it opened."),
)


@bp.get("/")
@login_required
def index():
    """List the rounds the user is invited to or runs, open ones first."""
    pagination = paginate(queries.rounds_for(current_user))
    return render_template("reviews/index.html", pagination=pagination)


@bp.route("/new/<int:agreement_id>", methods=["GET", "POST"])
@acts_on(Agreement, can_manage_agreement)
def open_round(agreement: Agreement):
    """Open a comment round on a version of a draft: invitees, deadline, questions and visibility."""
    if (repeat := OPENED_ONCE.repeated()) is not None:
        return repeat
    operations.ensure_round_can_open(agreement)
    return _open_round_page(agreement)


@bp.route("/<int:round_id>/next-phase", methods=["GET", "POST"])
@acts_on(CommentRound, can_manage_round)
def open_next_phase(comment_round: CommentRound):
    """Open the next phase of a round's consultation, leaving out those invited to earlier phases."""
    if (repeat := OPENED_ONCE.repeated()) is not None:
        return repeat
    operations.ensure_next_phase_can_open(comment_round)
    return _open_round_page(comment_round.agreement, comment_round)


def _open_round_page(agreement: Agreement, previous_round: CommentRound | None = None):
    """The form opening a round (the next phase of ``previous_round`` if given), and opening it."""
    form = OpenRoundForm(
        agreement,
        queries.contact_candidates(agreement),
        queries.invitable_organisations(agreement),
        queries.all_networks(),
        ui_language(),
        earlier=queries.invitees_so_far(previous_round) if previous_round else None,
        data=_form_defaults(agreement, previous_round),
    )
    if form.validate_on_submit():
        with refusal_shown(form):
            if (repeat := OPENED_ONCE.claim(form)) is not None:
                return repeat
            comment_round = _open(agreement, form, previous_round)
            OPENED_ONCE.made(form, comment_round.id)
            flash(_("The comment round is open and the invitations are on their way."), "success")
            return redirect(url_for(".detail", round_id=comment_round.id))
    return render_template(
        "reviews/open.html",
        agreement=agreement,
        form=form,
        previous_round=previous_round,
        phase_choices=[] if previous_round else _next_phase_choices(agreement),
    )


def _form_defaults(agreement: Agreement, previous_round: CommentRound | None) -> dict:
    """The newest version and the user as contact; a next phase keeps its previous phase's request."""
    defaults = {"version_number": agreement.current_version_number, "contact_person_id": current_user.id}
    if previous_round is not None:
        defaults |= {
            "background": previous_round.background,
            "questions": previous_round.questions,
            "sections": previous_round.sections,
            "visibility": previous_round.visibility.value,
        }
    return defaults


def _next_phase_choices(agreement: Agreement) -> list[CommentRound]:
    """The last phase of each of the agreement's consultations, which a next phase may follow."""
    return [phases[-1] for phases in queries.consultations(queries.agreement_rounds(agreement))]


def _open(agreement: Agreement, form: OpenRoundForm, previous_round: CommentRound | None) -> CommentRound:
    version = next(v for v in agreement.versions if v.number == form.version_number.data)
    return operations.open_round(
        agreement,
        version,
        current_user,
        form.deadline(),
        contact_person=db.session.get(User, form.contact_person_id.data),
        background=form.background.data or "",
        questions=form.questions.data or "",
        sections=form.sections.data or [],
        visibility=form.visibility.data,
        previous_round=previous_round,
        **form.invitees(),
    )


@bp.get("/<int:round_id>")
@acts_on(CommentRound, can_view_round)
def detail(comment_round: CommentRound):
    """Show a round: its request, the document under comment section by section, and the comments."""
    return _round_page(comment_round)


def _round_page(comment_round: CommentRound, failed: dict | None = None):
    """The round page; ``failed`` holds a comment that could not be saved (its slot, text and problem)."""
    version = comment_round.version
    agreement = comment_round.agreement
    visible = queries.visible_comments(comment_round, current_user)
    managing = can_manage_round(current_user, comment_round)
    page = render_template(
        "reviews/detail.html",
        comment_round=comment_round,
        agreement=agreement,
        document=document_sections(
            version_document(version), agreement.template_version.manifest, agreement.language.value
        ),
        threads=_threads(visible),
        visible_ids={comment.id for comment in visible},
        accepting=operations.accepts_comments(comment_round),
        invited=queries.is_invited(current_user, comment_round),
        managing=managing,
        answers=queries.answers(comment_round) if managing else [],
        unresolved=len(queries.unresolved_comments(comment_round)),
        no_comments_choices=operations.no_comments_choices(comment_round, current_user),
        summary_visible=can_view_summary(current_user, comment_round),
        phases=[r for r in queries.consultation(comment_round) if can_view_round(current_user, r)],
        not_invited_again=queries.not_invited_again(comment_round) if managing else [],
        titles=section_titles(agreement.template_version.manifest, ui_language()),
        failed=failed or {},
        comment_form=CommentForm(formdata=None),
    )
    return page


def _threads(visible: list[Comment]) -> dict[str | None, list[Comment]]:
    """The visible comments that start a thread, by section key (None for the whole document)."""
    threads: dict[str | None, list[Comment]] = {}
    for comment in visible:
        if comment.parent_id is None:
            threads.setdefault(comment.section_key, []).append(comment)
    return threads


@bp.post("/<int:round_id>/comments")
@acts_on(CommentRound, can_view_round)
def comment(comment_round: CommentRound):
    """Add a comment on a section or the whole document, or a reply in a thread."""
    slot = request.form.get("slot", "")
    form = CommentForm()
    if not form.validate_on_submit():
        return _round_page(comment_round, {"slot": slot, "body": form.body.data, "errors": form.body.errors})
    failed = {"slot": slot, "body": form.body.data, "errors": []}
    with refusal_shown(form, show=lambda refusal: failed["errors"].append(refusal.message)):
        added = operations.add_comment(
            comment_round, current_user, form.body.data, **_target(comment_round, slot)
        )
        flash(_("Your comment was saved."), "success")
        return redirect(url_for(".detail", round_id=comment_round.id, _anchor=f"comment-{added.id}"))
    return _round_page(comment_round, failed)


def _target(comment_round: CommentRound, slot: str) -> dict:
    """Where a comment goes: ``whole``, ``section:<key>`` or ``reply:<comment id>``."""
    kind, _sep, value = slot.partition(":")
    if kind == "whole":
        return {}
    if kind == "section" and value:
        return {"section_key": value}
    if kind == "reply" and value.isdecimal() and int(value) <= MAX_ID:
        parent = db.session.get(Comment, int(value))
        if parent is not None and parent.round_id == comment_round.id:
            return {"parent": parent}
    abort(400)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@acts_on(Comment, can_view_comment)
def edit_comment(comment: Comment):
    """Change the text of one's own comment before the deadline."""
    form = CommentForm(obj=comment)
    if form.validate_on_submit():
        with refusal_shown(form):
            operations.edit_comment(comment, current_user, form.body.data)
            flash(_("Your comment was updated."), "success")
            return _back_to(comment)
    elif not form.is_submitted():
        operations.require_own_live_comment(comment, current_user)
    return render_template("reviews/edit_comment.html", comment=comment, form=form)


@bp.route("/comments/<int:comment_id>/withdraw", methods=["GET", "POST"])
@acts_on(Comment, can_view_comment)
def withdraw_comment(comment: Comment):
    """Confirm and withdraw one's own comment before the deadline."""
    operations.require_own_live_comment(comment, current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.withdraw_comment(comment, current_user)
        flash(_("Your comment was withdrawn."), "success")
        return redirect(url_for(".detail", round_id=comment.round_id))
    return render_template("reviews/withdraw_comment.html", comment=comment, form=form)


@bp.route("/<int:round_id>/no-comments", methods=["GET", "POST"])
@acts_on(CommentRound, can_view_round)
def no_comments(comment_round: CommentRound):
    """Confirm that the user's invited organisation has no comments."""
    choices = operations.no_comments_choices(comment_round, current_user)
    chosen = request.values.get("organisation_id", type=int)
    organisation = next(
        (o for o in choices if o.id == chosen or (chosen is None and len(choices) == 1)), None
    )
    if organisation is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.answer_no_comments(comment_round, organisation, current_user)
        flash(_("Recorded: %(name)s has no comments.", name=organisation.name), "success")
        return redirect(url_for(".detail", round_id=comment_round.id))
    return render_template(
        "reviews/no_comments.html", comment_round=comment_round, organisation=organisation, form=form
    )


@bp.route("/comments/<int:comment_id>/resolve", methods=["GET", "POST"])
@acts_on(Comment, can_resolve_comment)
def resolve(comment: Comment):
    """Give a comment its resolution and reasoning."""
    data = {"resolution": comment.resolution.value} if comment.resolution else {}
    form = ResolveForm(data={**data, "reasoning": comment.resolution_reasoning})
    if form.validate_on_submit():
        with refusal_shown(form):
            operations.resolve_comment(comment, form.resolution.data, form.reasoning.data, current_user)
            flash(_("The resolution was saved."), "success")
            if comment.round.summary_shared_at is not None:
                flash(
                    _("Every comment has a resolution: the summary report was shared with the invitees."),
                    "info",
                )
            return _back_to(comment)
    titles = section_titles(comment.round.agreement.template_version.manifest, ui_language())
    return render_template("reviews/resolve.html", comment=comment, form=form, titles=titles)


@bp.route("/<int:round_id>/close", methods=["GET", "POST"])
@acts_on(CommentRound, can_manage_round)
def close(comment_round: CommentRound):
    """Confirm and close a round before its deadline."""
    operations.ensure_closable(comment_round)
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.close_round(comment_round, current_user)
        flash(_("The comment round was closed."), "success")
        return redirect(url_for(".detail", round_id=comment_round.id))
    return render_template(
        "reviews/close.html",
        comment_round=comment_round,
        form=form,
        unresolved=len(queries.unresolved_comments(comment_round)),
    )


@bp.get("/<int:round_id>/document.docx")
@acts_on(CommentRound, can_view_round)
def document(comment_round: CommentRound):
    """Download the version under comment as a Word document."""
    version = comment_round.version
    return send_document(comment_round.agreement, version, version_document(version), "docx")


def _back_to(comment: Comment):
    return redirect(url_for(".detail", round_id=comment.round_id, _anchor=f"comment-{comment.id}"))


@bp.app_template_global()
def visible_consultations(agreement: Agreement) -> list[list[CommentRound]]:
    """The agreement's rounds the current user may see, by consultation (newest first), phases in order."""
    return queries.consultations(
        [r for r in queries.agreement_rounds(agreement) if can_view_round(current_user, r)]
    )


@bp.app_template_global()
def may_view_summary(comment_round: CommentRound) -> bool:
    """Whether the current user may read the round's summary report (and so its consultation's)."""
    return can_view_summary(current_user, comment_round)


@bp.app_template_global()
def may_open_round(agreement: Agreement) -> bool:
    """Whether the agreement's page offers the current user to open a comment round."""
    return can_open_round(current_user, agreement)
