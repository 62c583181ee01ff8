"""Who may open, read and run comment rounds, and read their comments and summaries."""

from agreements.core.access import can_administer
from agreements.drafting.lifecycle import OPEN_FOR_COMMENTS
from agreements.drafting.policy import can_manage_agreement, can_view_agreement
from agreements.reviews.queries import is_invited, visible_comments


def can_open_round(user, agreement) -> bool:
    """Editors of the owner workshop open comment rounds on a draft or one already out for comments."""
    return can_manage_agreement(user, agreement) and agreement.status in OPEN_FOR_COMMENTS


def can_view_round(user, comment_round) -> bool:
    """Readers of the agreement and everyone invited to the round see it (and its document)."""
    return can_view_agreement(user, comment_round.agreement) or is_invited(user, comment_round)


def can_manage_round(user, comment_round) -> bool:
    """Editors of the drafting workshop reply, resolve comments and close the round."""
    return can_manage_agreement(user, comment_round.agreement)


def can_view_summary(user, comment_round) -> bool:
    """The drafter and administrators read the summary at any time; the round's readers once it is shared."""
    if can_manage_round(user, comment_round) or can_administer(user):
        return True
    return comment_round.summary_shared_at is not None and can_view_round(user, comment_round)


def can_view_comment(user, comment) -> bool:
    """A comment is reachable for those who see it in its round."""
    return can_view_round(user, comment.round) and comment in visible_comments(comment.round, user)


def can_resolve_comment(user, comment) -> bool:
    """Editors of the drafting workshop resolve the live comments (not the replies) of their rounds."""
    return (
        comment.parent_id is None
        and can_manage_round(user, comment.round)
        and can_view_comment(user, comment)
    )
