"""Read models of comment rounds: who is invited, which comments a user sees, who has answered."""

from dataclasses import dataclass

from agreements.accounts.models import User
from agreements.reviews.models import Comment, CommentRound, RoundInvitation, RoundVisibility


def invited_organisation_ids(comment_round: CommentRound) -> set[int]:
    """Ids of the organisations invited to the round."""
    return {i.organisation_id for i in comment_round.invitations if i.organisation_id is not None}


def is_invited(user: User | None, comment_round: CommentRound) -> bool:
    """True when the user is invited personally or belongs to an invited organisation."""
    if user is None or not user.is_authenticated:
        return False
    if any(invitation.user_id == user.id for invitation in comment_round.invitations):
        return True
    return bool(user.organisation_ids() & invited_organisation_ids(comment_round))


def thread_root(comment: Comment) -> Comment:
    """The comment that started the thread a reply belongs to."""
    while comment.parent is not None:
        comment = comment.parent
    return comment


def _sees_everything(user: User, comment_round: CommentRound) -> bool:
    if comment_round.visibility == RoundVisibility.ALL_INVITEES or user.is_admin:
        return True
    return comment_round.agreement.owner_id in user.organisation_ids()


def visible_comments(comment_round: CommentRound, user: User) -> list[Comment]:
    """The round's comments the user may read; in a private round invitees see only their own threads."""
    live = [c for c in comment_round.comments if c.withdrawn_at is None]
    if _sees_everything(user, comment_round):
        return live
    own_organisations = user.organisation_ids()

    def own_thread(comment: Comment) -> bool:
        root = thread_root(comment)
        return root.author_id == user.id or root.author_organisation_id in own_organisations

    return [c for c in live if own_thread(c)]


def unresolved_comments(comment_round: CommentRound) -> list[Comment]:
    """Comments (not replies, not withdrawn) that still wait for the drafter's resolution."""
    return [c for c in resolvable_comments(comment_round) if c.resolution is None]


def resolvable_comments(comment_round: CommentRound) -> list[Comment]:
    """Comments that need a resolution: every live comment that is not a reply in a thread."""
    return [c for c in comment_round.comments if c.parent_id is None and c.withdrawn_at is None]


@dataclass(frozen=True)
class Answer:
    """How one invitation has been answered: with comments, with "no comments", or not yet."""

    invitation: RoundInvitation
    comment_count: int

    @property
    def name(self) -> str:
        return (self.invitation.organisation or self.invitation.user).name

    @property
    def no_comments(self) -> bool:
        return self.invitation.answered_no_comments_at is not None

    @property
    def answered(self) -> bool:
        return self.comment_count > 0 or self.no_comments


def answers(comment_round: CommentRound) -> list[Answer]:
    """Every invitation with its answer, the unanswered first, then by name."""
    result = []
    for invitation in comment_round.invitations:
        count = sum(1 for c in resolvable_comments(comment_round) if _answers_for(c, invitation))
        result.append(Answer(invitation, count))
    return sorted(result, key=lambda answer: (answer.answered, answer.name.casefold()))


def _answers_for(comment: Comment, invitation: RoundInvitation) -> bool:
    if invitation.organisation_id is not None:
        return comment.author_organisation_id == invitation.organisation_id
    return comment.author_id == invitation.user_id
