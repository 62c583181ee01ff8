"""Summary report views: the vastineraportti of a comment round, or of every phase of its consultation,
as a page and as a .docx."""

from flask import render_template
from flask_login import current_user

from agreements.core.actions import acts_on
from agreements.core.i18n import ui_language
from agreements.core.web import send_download
from agreements.drafting.documents import MEDIA_TYPES
from agreements.reviews.blueprint import bp
from agreements.reviews.models import CommentRound
from agreements.reviews.policy import can_view_summary
from agreements.reviews.summary import (
    build_consultation_summary,
    build_summary,
    consultation_docx,
    consultation_filename,
    summary_docx,
    summary_filename,
)


@bp.get("/<int:round_id>/summary")
@acts_on(CommentRound, can_view_summary)
def summary(comment_round: CommentRound):
    """Show the round's summary report: per section every comment, who gave it and its resolution."""
    return _show(comment_round, build_summary, "reviews/summary.html")


@bp.get("/<int:round_id>/summary.docx", endpoint="summary_docx")
@acts_on(CommentRound, can_view_summary)
def summary_docx_download(comment_round: CommentRound):
    """Download the round's summary report as a Word document in the interface language."""
    return _send(comment_round, build_summary, summary_docx, summary_filename)


def _show(comment_round: CommentRound, build, template: str):
    """A report built for the current user in the interface language, as a page."""
    report = build(comment_round, ui_language(), current_user)
    return render_template(template, comment_round=comment_round, summary=report)


@bp.get("/<int:round_id>/every-phase/summary")
@acts_on(CommentRound, can_view_summary)
def consultation_summary(comment_round: CommentRound):
    """Show the summary report of every phase: per section each comment, its phase and resolution."""
    return _show(comment_round, build_consultation_summary, "reviews/consultation_summary.html")


def _send(comment_round: CommentRound, build, to_docx, filename):
    """A report built for the current user in the interface language, as a .docx download."""
    report = build(comment_round, ui_language(), current_user)
    return send_download(to_docx(report), MEDIA_TYPES["docx"], filename(report))


@bp.get("/<int:round_id>/every-phase/summary.docx", endpoint="consultation_summary_docx")
@acts_on(CommentRound, can_view_summary)
def consultation_summary_docx_download(comment_round: CommentRound):
    """Download the summary report of every phase as a Word document in the interface language."""
    return _send(comment_round, build_consultation_summary, consultation_docx, consultation_filename)
