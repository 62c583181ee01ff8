"""Read models of comment rounds: who is invited, which comments a user sees, who has answered."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from agreements.accounts.models import Membership, MembershipRole, User
from agreements.drafting import signals
from agreements.drafting.lifecycle import OPEN_FOR_COMMENTS
from agreements.drafting.models import Agreement
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation, OrganisationKind
from agreements.reviews.models import (
    Comment,
    CommentRound,
    RoundInvitation,
    RoundStatus,
    RoundVisibility,
    version_answered_comments,
)


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


@signals.answerable_comments.connect
def answerable_comments(agreement: Agreement) -> list[Comment]:
    """Comments the agreement's next version may answer: the live comments (not replies) of all its rounds,
    by round, then section (the whole document first, then the manifest's order), then id."""
    order = {section["key"]: i for i, section in enumerate(agreement.template_version.manifest["sections"])}
    comments = db.session.scalars(
        select(Comment)
        .join(Comment.round)
        .where(
            CommentRound.agreement_id == agreement.id,
            Comment.parent_id.is_(None),
            Comment.withdrawn_at.is_(None),
        )
    )

    def position(comment: Comment) -> tuple:
        section = -1 if comment.section_key is None else order.get(comment.section_key, len(order))
        return comment.round_id, section, comment.id

    return sorted(comments, key=position)


def _invited_round_ids(user: User):
    """A subquery of the ids of rounds the user is invited to, personally or through an organisation."""
    return select(RoundInvitation.round_id).where(
        or_(RoundInvitation.user_id == user.id, RoundInvitation.organisation_id.in_(user.organisation_ids()))
    )


def rounds_for(user: User):
    """A query of the rounds the user is invited to or whose drafting workshop they belong to, open first."""
    invited = _invited_round_ids(user)
    drafted = select(Agreement.id).where(Agreement.owner_id.in_(user.organisation_ids()))
    return (
        select(CommentRound)
        .where(or_(CommentRound.id.in_(invited), CommentRound.agreement_id.in_(drafted)))
        .options(selectinload(CommentRound.agreement))
        .order_by(CommentRound.status.desc(), CommentRound.deadline.desc(), CommentRound.id.desc())
    )


#: An agreement's rounds, newest first: one statement object for every page, so that SQLAlchemy computes
#: its cache key once, not on every request.
_AGREEMENT_ROUNDS = (
    select(CommentRound)
    .where(CommentRound.agreement_id == bindparam("agreement_id"))
    .order_by(CommentRound.opened_at.desc(), CommentRound.id.desc())
)


def agreement_rounds(agreement: Agreement) -> list[CommentRound]:
    """Every round of an agreement, newest first, each with its next phase set from the same rows (the page
    groups them by consultation; every phase of a consultation is on the same agreement), not read once per
    round."""
    rounds = list(db.session.scalars(_AGREEMENT_ROUNDS, {"agreement_id": agreement.id}))
    next_phases = {r.previous_round_id: r for r in rounds if r.previous_round_id is not None}
    for comment_round in rounds:
        set_committed_value(comment_round, "next_phase", next_phases.get(comment_round.id))
    return rounds


def consultation(comment_round: CommentRound) -> list[CommentRound]:
    """Every phase of the consultation the round belongs to, phase 1 first."""
    phase = comment_round
    while phase.previous_round is not None:
        phase = phase.previous_round
    phases = [phase]
    while phases[-1].next_phase is not None:
        phases.append(phases[-1].next_phase)
    return phases


def consultations(rounds: list[CommentRound]) -> list[list[CommentRound]]:
    """The rounds grouped by consultation, each phases first to last, the newest consultation first."""
    grouped: dict[int, list[CommentRound]] = {}
    for comment_round in sorted(rounds, key=lambda r: r.phase):
        grouped.setdefault(consultation(comment_round)[0].id, []).append(comment_round)
    return sorted(grouped.values(), key=lambda phases: max(r.opened_at for r in phases), reverse=True)


def invitees_so_far(comment_round: CommentRound | None) -> dict[Organisation | User, int]:
    """Those invited to the round and to its earlier phases, each with the first phase it was invited to."""
    invitees: dict[Organisation | User, int] = {}
    phase = comment_round
    while phase is not None:
        for invitation in phase.invitations:
            invitees[invitation.organisation or invitation.user] = phase.phase
        phase = phase.previous_round
    return invitees


def not_invited_again(comment_round: CommentRound) -> list[tuple[Organisation | User, int]]:
    """Invitees of earlier phases not invited to this one, by name, with the phase they were invited to."""
    invited = {invitation.organisation or invitation.user for invitation in comment_round.invitations}
    earlier = invitees_so_far(comment_round.previous_round)
    left_out = [(i, phase) for i, phase in earlier.items() if i not in invited]
    return sorted(left_out, key=lambda pair: pair[0].name.casefold())


def next_phase_id(comment_round: CommentRound) -> int | None:
    """The id of the round's next phase, read from the database (not from a relationship loaded earlier)."""
    query = select(CommentRound.id).where(CommentRound.previous_round_id == comment_round.id)
    return db.session.scalar(query)


def contact_candidates(agreement: Agreement) -> list[User]:
    """Active members of the drafting workshop, who may be named the round's contact person."""
    query = (
        select(User)
        .join(Membership)
        .where(Membership.organisation_id == agreement.owner_id, User.active)
        .distinct()
        .order_by(User.name)
    )
    return list(db.session.scalars(query))


def invitable_organisations(agreement: Agreement) -> list[Organisation]:
    """Active organisations other than the drafting workshop, providers first, then by name."""
    query = select(Organisation).where(Organisation.active, Organisation.id != agreement.owner_id)
    organisations = db.session.scalars(query.order_by(Organisation.name))
    return sorted(organisations, key=lambda o: o.kind != OrganisationKind.PROVIDER)


def all_networks() -> list[Network]:
    """Every network, by name."""
    return list(db.session.scalars(select(Network).order_by(Network.name)))


def _unanswered_round_ids(user: User):
    """A subquery of the ids of rounds where an invitation of the user (personal or of one of their
    organisations) has neither a live comment nor a "no comments" answer, as ``answers`` counts them."""
    answered = (
        select(Comment.id)
        .where(
            Comment.round_id == RoundInvitation.round_id,
            Comment.parent_id.is_(None),
            Comment.withdrawn_at.is_(None),
            or_(
                Comment.author_organisation_id == RoundInvitation.organisation_id,
                (RoundInvitation.organisation_id.is_(None)) & (Comment.author_id == RoundInvitation.user_id),
            ),
        )
        .exists()
    )
    return _invited_round_ids(user).where(RoundInvitation.answered_no_comments_at.is_(None), ~answered)


def open_requests(user: User, now: datetime) -> list[CommentRound]:
    """Open rounds before their deadline that ask for the user's views and that they (or their organisation)
    have not yet answered, the nearest deadline first, with their agreements and drafting workshops."""
    query = (
        select(CommentRound)
        .where(
            CommentRound.id.in_(_unanswered_round_ids(user)),
            CommentRound.status == RoundStatus.OPEN,
            CommentRound.deadline > now,
        )
        .options(selectinload(CommentRound.agreement).joinedload(Agreement.owner))
    )
    return list(db.session.scalars(query.order_by(CommentRound.deadline, CommentRound.id)))


def rounds_to_resolve(user: User) -> list[tuple[CommentRound, int]]:
    """The rounds of drafts whose workshop the user edits that have comments waiting for a resolution
    (the summary not yet shared), with how many, the nearest deadline first."""
    editor_of = user.organisation_ids(MembershipRole.EDITOR)
    if not editor_of:
        return []
    waiting = (
        select(Comment.round_id, func.count(Comment.id).label("waiting"))
        .join(CommentRound, CommentRound.id == Comment.round_id)
        .join(Agreement, Agreement.id == CommentRound.agreement_id)
        .where(
            Agreement.owner_id.in_(editor_of),
            Agreement.status.in_(OPEN_FOR_COMMENTS),
            CommentRound.summary_shared_at.is_(None),
            Comment.parent_id.is_(None),
            Comment.withdrawn_at.is_(None),
            Comment.resolution.is_(None),
        )
        .group_by(Comment.round_id)
        .subquery()
    )
    query = (
        select(CommentRound, waiting.c.waiting)
        .join(waiting, waiting.c.round_id == CommentRound.id)
        .options(selectinload(CommentRound.agreement))
        .order_by(CommentRound.deadline, CommentRound.id)
    )
    return [(comment_round, count) for comment_round, count in db.session.execute(query)]


def round_deadlines_between(user: User, start: datetime, end: datetime) -> list[CommentRound]:
    """Open rounds the user is invited to or whose drafting workshop they belong to, due from ``start``
    to ``end``, the nearest deadline first."""
    query = rounds_for(user).where(
        CommentRound.status == RoundStatus.OPEN, CommentRound.deadline.between(start, end)
    )
    return list(db.session.scalars(query.order_by(None).order_by(CommentRound.deadline, CommentRound.id)))


@signals.version_answers.connect
def answers_readable_by(agreement: Agreement, versions, user) -> dict[int, list[Comment]]:
    """The comments each of ``versions`` answers that ``user`` may read in their rounds, by version number."""
    number_of = {version.id: version.number for version in versions}
    query = (
        select(version_answered_comments.c.agreement_version_id, Comment)
        .join(Comment, Comment.id == version_answered_comments.c.comment_id)
        .where(version_answered_comments.c.agreement_version_id.in_(number_of))
        .order_by(Comment.id)
    )
    rows = db.session.execute(query).all()
    rounds = {comment.round for _version_id, comment in rows}
    readable = {comment.id for comment_round in rounds for comment in visible_comments(comment_round, user)}
    answers = defaultdict(list)
    for version_id, comment in rows:
        if comment.id in readable:
            answers[number_of[version_id]].append(comment)
    return answers
