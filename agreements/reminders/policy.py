"""Who may renew an agreement, record notice and set its reminders."""

from agreements.drafting.models import AgreementStatus
from agreements.drafting.policy import can_manage_agreement


def can_renew(user, agreement) -> bool:
    """Editors of the owner workshop renew a signed agreement that has an end date."""
    return (
        can_manage_agreement(user, agreement)
        and agreement.status == AgreementStatus.SIGNED
        and agreement.end_date is not None
    )


def can_give_notice(user, agreement) -> bool:
    """Editors of the owner workshop record the notice a party gave on a signed agreement."""
    return can_manage_agreement(user, agreement) and agreement.status == AgreementStatus.SIGNED


def can_set_reminders(user, agreement) -> bool:
    """Editors of the owner workshop set an agreement's reminder days until it is cancelled or replaced."""
    return can_manage_agreement(user, agreement) and agreement.status not in (
        AgreementStatus.CANCELLED,
        AgreementStatus.SUPERSEDED,
    )
