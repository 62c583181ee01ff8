"""Comment round views: opening a round, the round page, commenting, answering, resolving and closing."""

from flask import render_template
from flask_login import current_user, login_required

from agreements.policy import can_view_round, load_or_404
from agreements.reviews import sections
from agreements.reviews.blueprint import bp
from agreements.reviews.models import CommentRound

bp.add_app_template_filter(sections.comment_by, "comment_by")
bp.add_app_template_filter(sections.grouped_by_section, "comment_groups")


@bp.get("/<int:round_id>")
@login_required
def detail(round_id: int):
    """Show a round: its request, the document under comment section by section, and the comments."""
    comment_round = load_or_404(CommentRound, round_id, can_view_round)
    return render_template("reviews/detail.html", comment_round=comment_round, user=current_user)
