"""Notices about an agreement's dates: reminders of the notice deadline and the end date, the end without
renewal, automatic renewal, notice given; and the catch-up summary of reminders that came late.

They go to the drafting workshop's editors, who renew agreements, through the notification preferences; the
reminder of a party's own end, after it gave notice alone, goes to that party's editors.
"""

from datetime import date, timedelta

from agreements.accounts.models import MembershipRole, User
from agreements.accounts.queries import active_members
from agreements.accounts.tokens import external_url
from agreements.notifications.models import NotificationKind
from agreements.notifications.operations import notify
from agreements.reminders.models import ReminderKind

#: The notification preference that governs each kind of reminder.
PREFERENCE_OF = {
    ReminderKind.SIGNATURE_PENDING: NotificationKind.SIGNATURE_REMINDERS,
    ReminderKind.COMMENT_DEADLINE: NotificationKind.COMMENT_REMINDERS,
    ReminderKind.NOTICE_DEADLINE: NotificationKind.RENEWAL,
    ReminderKind.END_OF_VALIDITY: NotificationKind.RENEWAL,
    ReminderKind.ENDED: NotificationKind.RENEWAL,
}


def renewal_recipients(agreement) -> list[User]:
    """The drafting workshop's active editors."""
    return active_members([agreement.owner_id], MembershipRole.EDITOR)


def _send(recipients, template: str, agreement, caused_by=None, **context) -> None:
    link = external_url("agreements.detail", agreement_id=agreement.id)
    for user in recipients:
        notify(user, NotificationKind.RENEWAL, template, caused_by, link=link, agreement=agreement, **context)


def notify_date(kind: ReminderKind, agreement, recipients: list[User]) -> None:
    """Remind of the notice deadline or the end date coming, or of the end having passed without renewal."""
    _send(recipients, f"reminder_{kind.value}", agreement)


def notify_auto_renewed(agreement, previous_end) -> None:
    """Tell the editors of every party in the new term that the agreement renewed itself for another."""
    recipients = _party_editors(agreement, previous_end + timedelta(days=1))
    _send(recipients, "agreement_auto_renewed", agreement, previous_end=previous_end)


def notify_notice_given(agreement, caused_by: User, today: date) -> None:
    """Tell the editors of every party still in the agreement that notice was given and when it ends."""
    _send(_party_editors(agreement, today), "agreement_notice_given", agreement, caused_by)


def notify_party_notice_given(agreement, terms, caused_by: User, today: date) -> None:
    """Tell the editors of every party still in the agreement that a provider gave notice of its own part,
    and when that part ends."""
    recipients = _party_editors(agreement, today)
    _send(recipients, "agreement_party_notice_given", agreement, caused_by, terms=terms)


def notify_party_end(agreement, terms, recipients: list[User]) -> None:
    """Remind a party that gave notice of its own part that the part ends soon."""
    _send(recipients, "reminder_party_end", agreement, terms=terms)


def _party_editors(agreement, day: date) -> list[User]:
    """The active editors of the parties bound by the agreement on ``day`` (not those that left before, nor
    those invited to a commitment that have not joined)."""
    parties = (
        t.organisation_id
        for t in agreement.party_terms
        if t.bound and (t.left_on is None or t.left_on >= day)
    )
    return active_members(parties, MembershipRole.EDITOR)


def notify_late_summary(user: User, occasions) -> None:
    """One mail listing the reminders that fell due while reminders could not be sent."""
    kind = PREFERENCE_OF[occasions[-1].kind]
    link = external_url("notifications.index")
    notify(user, kind, "reminder_summary", link=link, occasions=occasions)
