"""Comment rounds: opening one, inviting, commenting, answering "no comments", resolving and closing.

The version under comment is fixed when the round opens. Invitees comment until the deadline or until
the round is closed; the drafting organisation's editors reply in threads and resolve every comment.
Closing the last open round of an agreement out for comments returns it to draft.
"""

from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import insert, select

from agreements.accounts.models import User
from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import utcnow
from agreements.drafting import lifecycle, signals
from agreements.drafting.models import Agreement, AgreementStatus, AgreementVersion
from agreements.drafting.operations import InvalidAgreement
from agreements.drafting.policy import can_manage_agreement, require_manager
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation
from agreements.organisations.queries import active_organisations_in
from agreements.reviews import notifications, queries
from agreements.reviews.models import (
    Comment,
    CommentRound,
    Resolution,
    RoundInvitation,
    RoundStatus,
    RoundVisibility,
    version_answered_comments,
)
from agreements.reviews.queries import (
    invited_organisation_ids,
    is_invited,
    unresolved_comments,
    visible_comments,
)


class RoundClosed(OperationRefused):
    """Nothing can be added or changed in a closed round or after its deadline."""

    def __init__(self):
        super().__init__(_("This comment round has closed: comments can no longer be added or changed."))


def _section_keys(agreement: Agreement) -> set[str]:
    return {section["key"] for section in agreement.template_version.sections}


def _check_section(agreement: Agreement, section_key: str) -> None:
    if section_key not in _section_keys(agreement):
        raise OperationRefused(_("The document has no section “%(section)s”.", section=section_key))


def _invitees(agreement: Agreement, chosen, networks=()) -> list[Organisation | User]:
    """The chosen organisations and people and those in the networks, once each; never the drafter itself."""
    everyone = [*chosen, *active_organisations_in(networks)]
    drafter = agreement.owner
    return list(dict.fromkeys(i for i in everyone if i is not drafter))


def _leave_out_earlier(
    invitees: list[Organisation | User], previous_round: CommentRound | None, again: list
) -> tuple[list[Organisation | User], list[Organisation | User]]:
    """Those to invite to a next phase and those left out as invited to an earlier phase.

    Invitees of an earlier phase are invited again only when chosen ``again``.
    """
    if previous_round is None:
        return invitees, []
    earlier = queries.invitees_so_far(previous_round)
    left_out = [i for i in invitees if i in earlier and i not in again]
    return list(dict.fromkeys([*(i for i in invitees if i not in left_out), *again])), left_out


def _invitations(invitees: list[Organisation | User]) -> list[RoundInvitation]:
    """One invitation per organisation and per person."""
    if not invitees:
        raise OperationRefused(_("Choose at least one organisation, network or person to invite."))
    return [
        RoundInvitation(organisation=i) if isinstance(i, Organisation) else RoundInvitation(user=i)
        for i in invitees
    ]


def _start_commenting(agreement: Agreement, actor: User) -> None:
    if agreement.status == AgreementStatus.DRAFT:
        lifecycle.open_for_comments(agreement, actor)


def ensure_round_can_open(agreement: Agreement) -> None:
    """Refuse with the reason unless the agreement is a draft or already out for comments."""
    if agreement.status not in lifecycle.OPEN_FOR_COMMENTS:
        raise lifecycle.TransitionRefused(agreement, AgreementStatus.COMMENTING, "open_for_comments")


def ensure_next_phase_can_open(previous_round: CommentRound) -> None:
    """Refuse with the reason unless the agreement takes a round and the round has no next phase yet."""
    ensure_round_can_open(previous_round.agreement)
    if queries.next_phase_id(previous_round) is not None:
        raise OperationRefused(
            _(
                "Phase %(number)s of this consultation has already been opened.",
                number=previous_round.phase + 1,
            )
        )


def _lock_for_next_phase(previous_round: CommentRound) -> None:
    """Lock the previous round, so two next phases of it cannot open at once, and check it takes one."""
    db.session.execute(select(CommentRound.id).where(CommentRound.id == previous_round.id).with_for_update())
    ensure_next_phase_can_open(previous_round)


def open_round(
    agreement: Agreement,
    version: AgreementVersion,
    opened_by: User,
    deadline: datetime,
    contact_person: User | None,
    background: str,
    questions: str,
    sections: Iterable[str],
    visibility: RoundVisibility,
    organisations: Iterable[Organisation] = (),
    users: Iterable[User] = (),
    networks: Iterable[Network] = (),
    now: datetime | None = None,
    previous_round: CommentRound | None = None,
    invite_again: Iterable[Organisation | User] = (),
) -> CommentRound:
    """Open a comment round on one version of a draft and invite organisations, people and networks.

    As the next phase of ``previous_round``, those invited to an earlier phase are left out unless they
    are in ``invite_again``.
    """
    if {version.agreement_id, getattr(previous_round, "agreement_id", agreement.id)} != {agreement.id}:
        raise ValueError("the version or the previous round belongs to another agreement")
    require_manager(opened_by, agreement)
    ensure_round_can_open(agreement)
    if previous_round is not None:
        _lock_for_next_phase(previous_round)
    now = now or utcnow()
    if deadline <= now:
        raise OperationRefused(_("The deadline must be in the future."))
    sections = list(dict.fromkeys(sections))
    for section_key in sections:
        _check_section(agreement, section_key)
    invitees, left_out = _leave_out_earlier(
        _invitees(agreement, [*organisations, *users], networks),
        previous_round,
        _invitees(agreement, invite_again),
    )
    invitations = _invitations(invitees)
    _start_commenting(agreement, opened_by)
    comment_round = CommentRound(
        agreement=agreement,
        version=version,
        opened_by=opened_by,
        opened_at=now,
        deadline=deadline,
        contact_person=contact_person or opened_by,
        background=background.strip(),
        questions=questions.strip(),
        sections=sections,
        visibility=visibility,
        invitations=invitations,
        previous_round=previous_round,
        phase=previous_round.phase + 1 if previous_round else 1,
    )
    db.session.add(comment_round)
    db.session.flush()
    details = _round_details(comment_round) | _phase_details(comment_round, left_out)
    record("comment_round.open", comment_round, details, actor=opened_by)
    notifications.notify_invited(comment_round, opened_by)
    return comment_round


def _round_details(comment_round: CommentRound) -> dict:
    return {
        "agreement": comment_round.agreement.reference,
        "version": comment_round.version.number,
        "deadline": comment_round.deadline.isoformat(),
        "invitations": len(comment_round.invitations),
    }


def _phase_details(comment_round: CommentRound, left_out: list[Organisation | User]) -> dict:
    """The phase, the round it follows, and who was left out as invited to an earlier phase."""
    if comment_round.previous_round is None:
        return {}
    return {
        "phase": comment_round.phase,
        "previous_round": comment_round.previous_round_id,
        "left_out": [f"{i.__tablename__}:{i.id}" for i in left_out],
    }


def accepts_comments(comment_round: CommentRound, now: datetime | None = None) -> bool:
    """True while the round is open and its deadline has not passed."""
    return comment_round.is_open and (now or utcnow()) < comment_round.deadline


def _require_open(comment_round: CommentRound, now: datetime) -> None:
    if not accepts_comments(comment_round, now):
        raise RoundClosed()


def _require_invited(user: User, comment_round: CommentRound) -> None:
    if not is_invited(user, comment_round):
        raise OperationRefused(_("You are not invited to comment in this round."))


def _speaks_for(author: User, comment_round: CommentRound) -> int | None:
    """The organisation an author's comment is from: an invited one they belong to, else the drafter."""
    invited = sorted(author.organisation_ids() & invited_organisation_ids(comment_round))
    if invited:
        return invited[0]
    if can_manage_agreement(author, comment_round.agreement):
        return comment_round.agreement.owner_id
    return None


def _check_author(author: User, comment_round: CommentRound, parent: Comment | None) -> None:
    """Invitees comment and reply; the drafter's editors only reply, in threads they can see."""
    replying_drafter = parent is not None and can_manage_agreement(author, comment_round.agreement)
    if not replying_drafter:
        _require_invited(author, comment_round)
    if parent is not None and (
        parent.round_id != comment_round.id or parent not in visible_comments(comment_round, author)
    ):
        raise OperationRefused()


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise OperationRefused(_("Write a comment."))
    return body


def add_comment(
    comment_round: CommentRound,
    author: User,
    body: str,
    section_key: str | None = None,
    parent: Comment | None = None,
    now: datetime | None = None,
) -> Comment:
    """Comment on a section or the whole document, or reply to a comment in its thread."""
    now = now or utcnow()
    _require_open(comment_round, now)
    _check_author(author, comment_round, parent)
    if parent is not None:
        section_key = parent.section_key
    elif section_key is not None:
        _check_section(comment_round.agreement, section_key)
    comment = Comment(
        round=comment_round,
        author=author,
        author_organisation_id=_speaks_for(author, comment_round),
        section_key=section_key,
        parent=parent,
        body=_clean_body(body),
        created_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    record("comment.add", comment, {"round": comment_round.id, "section": section_key}, actor=author)
    return comment


def require_own_live_comment(comment: Comment, user: User, now: datetime | None = None) -> None:
    """Refuse unless the comment is the user's own, not withdrawn, and its round still takes comments."""
    _require_open(comment.round, now or utcnow())
    if comment.author_id != user.id:
        raise OperationRefused(_("Only the author can edit or withdraw a comment."))
    if comment.withdrawn_at is not None:
        raise OperationRefused(_("This comment has been withdrawn."))


def edit_comment(comment: Comment, user: User, body: str, now: datetime | None = None) -> None:
    """Change the text of one's own comment before the deadline."""
    now = now or utcnow()
    require_own_live_comment(comment, user, now)
    comment.body = _clean_body(body)
    comment.edited_at = now
    db.session.flush()
    record("comment.edit", comment, actor=user)


def withdraw_comment(comment: Comment, user: User, now: datetime | None = None) -> None:
    """Withdraw one's own comment before the deadline; it no longer needs a resolution."""
    now = now or utcnow()
    require_own_live_comment(comment, user, now)
    comment.withdrawn_at = now
    db.session.flush()
    record("comment.withdraw", comment, actor=user)


def no_comments_choices(comment_round: CommentRound, user: User) -> list[Organisation]:
    """The user's invited organisations that may still answer "no comments": open round, not yet answered."""
    if not accepts_comments(comment_round):
        return []
    return [
        invitation.organisation
        for invitation in comment_round.invitations
        if invitation.organisation_id in user.organisation_ids()
        and invitation.answered_no_comments_at is None
    ]


def answer_no_comments(
    comment_round: CommentRound, organisation: Organisation, user: User, now: datetime | None = None
) -> RoundInvitation:
    """Record that an invited organisation has no comments, so silence can be told from assent."""
    now = now or utcnow()
    _require_open(comment_round, now)
    invitation = next((i for i in comment_round.invitations if i.organisation_id == organisation.id), None)
    if invitation is None or organisation.id not in user.organisation_ids():
        raise OperationRefused(_("You are not invited to comment in this round."))
    if invitation.answered_no_comments_at is None:
        invitation.answered_no_comments_at = now
        invitation.answered_no_comments_by_id = user.id
        db.session.flush()
        record("comment_round.no_comments", comment_round, {"organisation": organisation.id}, actor=user)
    return invitation


def resolve_comment(
    comment: Comment, resolution: Resolution, reasoning: str, by: User, now: datetime | None = None
) -> None:
    """Give a comment the drafter's resolution with its reasoning (a new resolution replaces the old).

    The resolution of the last unresolved comment of a closed round makes its summary final and shares it.
    """
    require_manager(by, comment.round.agreement)
    if comment.round.summary_shared_at is not None:
        raise OperationRefused(_("The summary report has been shared: resolutions can no longer be changed."))
    if comment.withdrawn_at is not None:
        raise OperationRefused(_("This comment has been withdrawn."))
    reasoning = (reasoning or "").strip()
    if not reasoning:
        raise OperationRefused(_("Give the reasoning for the resolution."))
    comment.resolution = Resolution(resolution)
    comment.resolution_reasoning = reasoning
    comment.resolved_by = by
    comment.resolved_at = now or utcnow()
    db.session.flush()
    record("comment.resolve", comment, {"resolution": comment.resolution.value}, actor=by)
    if not comment.round.is_open:
        _share_summary_if_final(comment.round, by, comment.resolved_at)


def _mark_closed(comment_round: CommentRound, by: User | None, now: datetime, reason: str) -> None:
    comment_round.status = RoundStatus.CLOSED
    comment_round.closed_at = now
    comment_round.closed_by = by
    db.session.flush()
    record("comment_round.close", comment_round, {"reason": reason}, actor=by)


def _close(comment_round: CommentRound, by: User | None, now: datetime, reason: str) -> None:
    """Close the round, return the agreement to draft after its last open round, share or announce."""
    _mark_closed(comment_round, by, now, reason)
    agreement = comment_round.agreement
    if agreement.status == AgreementStatus.COMMENTING and not _open_rounds(agreement):
        lifecycle.return_to_draft(agreement, by, reason="comment round closed")
    if not _share_summary_if_final(comment_round, by, now):
        notifications.notify_closed(comment_round, len(unresolved_comments(comment_round)), by)


def _share_summary_if_final(comment_round: CommentRound, by: User | None, now: datetime) -> bool:
    """Share the summary report with everyone once the round is closed and every comment resolved."""
    if comment_round.summary_shared_at is not None or unresolved_comments(comment_round):
        return comment_round.summary_shared_at is not None
    comment_round.summary_shared_at = now
    db.session.flush()
    record("comment_round.share_summary", comment_round, actor=by)
    notifications.notify_summary_shared(comment_round, by)
    return True


def _open_rounds(agreement: Agreement) -> list[CommentRound]:
    query = select(CommentRound).where(
        CommentRound.agreement_id == agreement.id, CommentRound.status == RoundStatus.OPEN
    )
    return list(db.session.scalars(query))


def ensure_closable(comment_round: CommentRound) -> None:
    """Refuse (RoundClosed) unless the round is still open."""
    if not comment_round.is_open:
        raise RoundClosed()


def close_round(comment_round: CommentRound, by: User, now: datetime | None = None) -> None:
    """Close a round by hand, before or after its deadline."""
    require_manager(by, comment_round.agreement)
    ensure_closable(comment_round)
    _close(comment_round, by, now or utcnow(), "by hand")


@signals.agreement_cancelled.connect
def close_rounds_of_cancelled(agreement: Agreement, actor: User | None, now: datetime | None = None) -> None:
    """Close the open rounds of an agreement being cancelled: no more comments, and no summary to share."""
    for comment_round in _open_rounds(agreement):
        _mark_closed(comment_round, actor, now or utcnow(), "agreement cancelled")


def close_expired_rounds(now: datetime | None = None) -> list[CommentRound]:
    """Close every open round whose deadline has passed; running it again closes nothing more."""
    now = now or utcnow()
    query = select(CommentRound).where(CommentRound.status == RoundStatus.OPEN, CommentRound.deadline <= now)
    expired = list(db.session.scalars(query.order_by(CommentRound.id).with_for_update()))
    for comment_round in expired:
        _close(comment_round, None, now, "deadline")
    return expired


@signals.checking_answers.connect
def refuse_unanswerable(agreement: Agreement, comments) -> None:
    """Refuse answering anything but live comments (not replies) made in the agreement's own rounds."""
    if not all(_answerable(agreement, comment) for comment in comments):
        message = _(
            "A version can answer only comments made in this agreement's comment rounds, "
            "not replies or withdrawn comments."
        )
        raise InvalidAgreement({"answered_comments": message})


def _answerable(agreement: Agreement, comment: Comment) -> bool:
    return (
        comment.round.agreement_id == agreement.id
        and comment.parent_id is None
        and comment.withdrawn_at is None
    )


@signals.version_added.connect
def record_answers(agreement: Agreement, version: AgreementVersion, answered_comments) -> None:
    """Record which comments a new version answers, a row each (the version itself is never updated)."""
    rows = [{"agreement_version_id": version.id, "comment_id": comment.id} for comment in answered_comments]
    if rows:
        db.session.execute(insert(version_answered_comments), rows)
