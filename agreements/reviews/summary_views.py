"""Summary report views: the vastineraportti of a comment round as a page and as a .docx."""

from flask import render_template
from flask_login import current_user

from agreements.core.actions import acts_on
from agreements.core.i18n import ui_language
from agreements.core.web import send_download
from agreements.drafting.documents import MEDIA_TYPES
from agreements.reviews.blueprint import bp
from agreements.reviews.models import CommentRound
from agreements.reviews.policy import can_view_summary
from agreements.reviews.summary import build_summary, summary_docx, summary_filename


@bp.get("/<int:round_id>/summary")
@acts_on(CommentRound, can_view_summary)
def summary(comment_round: CommentRound):
    """Show the round's summary report: per section every comment, who gave it and its resolution."""
    report = build_summary(comment_round, ui_language(), current_user)
    return render_template("reviews/summary.html", comment_round=comment_round, summary=report)


@bp.get("/<int:round_id>/summary.docx", endpoint="summary_docx")
@acts_on(CommentRound, can_view_summary)
def summary_docx_download(comment_round: CommentRound):
    """Download the round's summary report as a Word document in the interface language."""
    report = build_summary(comment_round, ui_language(), current_user)
    return send_download(summary_docx(report), MEDIA_TYPES["docx"], summary_filename(report))
