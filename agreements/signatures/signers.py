"""A party's named signers while the request is open: replace one who has not signed (left the job, on
leave) without touching the signatures given, and remind one now (at most once a day per signer)."""

from datetime import datetime, timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _

from agreements.accounts.models import User
from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.signatures import notifications
from agreements.signatures.eligibility import check_signer
from agreements.signatures.models import Signature, SignatureStatus
from agreements.signatures.operations import lock_request, require_sender
from agreements.signatures.queries import turn_started, whose_turn

#: The least time between two reminders a drafter sends to one signer.
REMIND_AGAIN_AFTER = timedelta(days=1)


def ensure_replaceable(signature: Signature) -> None:
    """Refuse unless the signer has not signed and the party still needs them."""
    if signature.status != SignatureStatus.PENDING or not signature.party.is_pending:
        raise OperationRefused(_("Only a signer who has not signed yet can be replaced."))
    if not signature.request.is_pending:
        raise OperationRefused(_("This signature request is no longer pending."))


def replace_signer(signature: Signature, by: User, new_signer: User, now: datetime | None = None) -> None:
    """Ask another person to sign in place of one who has not signed; the party's other signatures stand."""
    request = signature.request
    require_sender(by, request.agreement, request.mode)
    lock_request(request)
    ensure_replaceable(signature)
    if new_signer.id == signature.signatory_id:
        raise OperationRefused(_("Choose someone else than the current signer."), "signer")
    if any(s.signatory_id == new_signer.id for s in signature.party.signers):
        raise OperationRefused(
            _("%(name)s is already a signer of this party.", name=new_signer.name), "signer"
        )
    check_signer(request.agreement, signature.organisation, new_signer)
    previous = signature.signatory
    signature.signatory = new_signer
    signature.reminded_at = None
    db.session.flush()
    details = {"organisation": signature.organisation_id, "from": previous.id, "to": new_signer.id}
    record("signature.replace_signer", signature, details, actor=by)
    notifications.notify_replaced(signature, previous, by)
    if whose_turn(signature):
        notifications.notify_turn(request, [signature], by)


def remind_now(signature: Signature, by: User, now: datetime | None = None) -> None:
    """Remind a signer whose turn it is, at once; at most once a day per signer."""
    require_sender(by, signature.request.agreement, signature.request.mode)
    lock_request(signature.request)
    if not whose_turn(signature):
        raise OperationRefused(_("Only a signer whose turn it is can be reminded."))
    now = now or utcnow()
    if signature.reminded_at is not None and now < signature.reminded_at + REMIND_AGAIN_AFTER:
        when = format_datetime(signature.reminded_at + REMIND_AGAIN_AFTER, "d.M.yyyy HH.mm")
        raise OperationRefused(
            _(
                "%(name)s was reminded less than a day ago. You can remind them again on %(when)s.",
                name=signature.signatory.name,
                when=when,
            )
        )
    signature.reminded_at = now
    db.session.flush()
    record("signature.remind", signature, {"organisation": signature.organisation_id}, actor=by)
    notifications.notify_reminder(signature, turn_started(signature))
