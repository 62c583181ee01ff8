"""Summary report views: the vastineraportti of a comment round as a page and as a .docx."""

from flask import render_template
from flask_login import current_user, login_required

from agreements.core.access import load_or_404
from agreements.core.i18n import ui_language
from agreements.core.web import send_download
from agreements.drafting.documents import MEDIA_TYPES
from agreements.reviews.blueprint import bp
from agreements.reviews.models import CommentRound
from agreements.reviews.policy import can_view_summary
from agreements.reviews.summary import build_summary, summary_docx, summary_filename


@bp.get("/<int:round_id>/summary")
@login_required
def summary(round_id: int):
    """Show the round's summary report: per section every comment, who gave it and its resolution."""
    comment_round = load_or_404(CommentRound, round_id, can_view_summary)
    report = build_summary(comment_round, ui_language(), current_user)
    return render_template("reviews/summary.html", comment_round=comment_round, summary=report)


@bp.get("/<int:round_id>/summary.docx", endpoint="summary_docx")
@login_required
def summary_docx_download(round_id: int):
    """Download the round's summary report as a Word document in the interface language."""
    comment_round = load_or_404(CommentRound, round_id, can_view_summary)
    report = build_summary(comment_round, ui_language(), current_user)
    return send_download(summary_docx(report), MEDIA_TYPES["docx"], summary_filename(report))
