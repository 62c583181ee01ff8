"""Notices about comment rounds, through notify (listed in the service, mailed as each user prefers):
invitations, digests of new comments, deadline reminders, and the round closing with its summary report.

Each function takes the recipients from the round, so the operations and the due-work jobs only say
what happened.
"""

from collections.abc import Iterable

from agreements.accounts.models import MembershipRole, User
from agreements.accounts.queries import active_members, members_by_organisation
from agreements.accounts.tokens import external_url
from agreements.notifications.models import NotificationKind
from agreements.notifications.operations import notify
from agreements.reviews.models import Comment, CommentRound


def invitation_recipients(invitations, members: dict[int, list[User]] | None = None) -> list[User]:
    """Active users behind invitations: people invited personally and members of invited organisations.

    ``members`` are the organisations' active members (members_by_organisation), read here when not given.
    """
    people = [i.user for i in invitations if i.user is not None and i.user.active]
    organisations = {i.organisation_id for i in invitations if i.organisation_id is not None}
    if members is None:
        members = members_by_organisation(organisations) if organisations else {}
    staff = (user for organisation_id in organisations for user in members.get(organisation_id, ()))
    return _unique([*people, *sorted(staff, key=lambda user: user.id)])


def drafter_recipients(comment_round: CommentRound) -> list[User]:
    """The drafting workshop's editors and the round's contact person."""
    editors = active_members([comment_round.agreement.owner_id], MembershipRole.EDITOR)
    contact = comment_round.contact_person
    return _unique([*editors, *([contact] if contact is not None and contact.active else [])])


def _unique(users: list[User]) -> list[User]:
    return list({user.id: user for user in users}.values())


def _send(
    recipients: Iterable[User],
    kind: NotificationKind,
    template: str,
    comment_round: CommentRound,
    caused_by=None,
    **context,
):
    link = external_url("reviews.detail", round_id=comment_round.id)
    for user in recipients:
        notify(
            user,
            kind,
            template,
            caused_by,
            link,
            comment_round=comment_round,
            agreement=comment_round.agreement,
            **context,
        )


def notify_invited(comment_round: CommentRound, actor: User) -> None:
    """Ask everyone invited to comment, with the deadline and the link to the round."""
    _send(
        invitation_recipients(comment_round.invitations),
        NotificationKind.COMMENT_REQUESTS,
        "round_invitation",
        comment_round,
        actor,
    )


def notify_comments(comment_round: CommentRound, comments: list[Comment]) -> int:
    """One digest of new comments per drafter (their own left out); returns the number of notices made."""
    queued = 0
    for user in drafter_recipients(comment_round):
        theirs = [comment for comment in comments if comment.author_id != user.id]
        if theirs:
            _send([user], NotificationKind.COMMENT_ACTIVITY, "round_digest", comment_round, comments=theirs)
            queued += 1
    return queued


def notify_deadline(comment_round: CommentRound, recipients: list[User]) -> None:
    """Remind those who have not answered that the deadline is near."""
    _send(recipients, NotificationKind.COMMENT_REMINDERS, "round_deadline", comment_round)


def notify_closed(comment_round: CommentRound, unresolved: int, actor: User | None) -> None:
    """Tell invitees and drafters that the round has closed and the summary report will follow."""
    _send(
        invitation_recipients(comment_round.invitations),
        NotificationKind.COMMENT_ACTIVITY,
        "round_closed",
        comment_round,
        actor,
    )
    _send(
        drafter_recipients(comment_round),
        NotificationKind.COMMENT_ACTIVITY,
        "round_closed_drafter",
        comment_round,
        actor,
        unresolved=unresolved,
    )


def notify_summary_shared(comment_round: CommentRound, actor: User | None) -> None:
    """Send everyone invited, and the drafters, the link to the final summary report."""
    recipients = _unique(
        [*invitation_recipients(comment_round.invitations), *drafter_recipients(comment_round)]
    )
    summary_link = external_url("reviews.summary", round_id=comment_round.id)
    _send(
        recipients,
        NotificationKind.COMMENT_ACTIVITY,
        "round_summary",
        comment_round,
        actor,
        summary_link=summary_link,
    )
