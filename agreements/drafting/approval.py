"""Approval before signing: a template can require a decision (e.g. a board's) approving the very version
that is sent for signature. ``record_approval`` records one; ``ensure_approved`` refuses to send without it.
"""

import hashlib
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _

from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import as_utc, helsinki_today, utcnow
from agreements.core.uploads import check_pdf
from agreements.drafting.models import Agreement, AgreementStatus, ApprovalDecision
from agreements.drafting.policy import require_manager
from agreements.extensions import db

#: The longest body name and minutes reference kept.
MAX_APPROVAL_TEXT = 200
#: Statuses in which a decision can be recorded: before sending, or a signed commitment's revision.
APPROVABLE = frozenset(
    {
        AgreementStatus.DRAFT,
        AgreementStatus.COMMENTING,
        AgreementStatus.AWAITING_SIGNATURES,
        AgreementStatus.SIGNED,
    }
)


def requires_approval(agreement: Agreement) -> bool:
    """Whether the agreement's template requires an approval decision before sending for signature."""
    template = agreement.template_version  # None for an agreement signed outside the service
    return template is not None and bool(template.manifest.get("requires_approval", False))


def current_approval(agreement: Agreement) -> ApprovalDecision | None:
    """The decision in effect: the latest one recorded, whichever version it approved."""
    return agreement.approvals[-1] if agreement.approvals else None


def latest_is_approved(agreement: Agreement) -> bool:
    """Whether the latest version is the one the decision in effect approved."""
    decision = current_approval(agreement)
    return decision is not None and decision.version_id == agreement.latest_version.id


def ensure_approved(agreement: Agreement) -> None:
    """Refuse with the reason when the template requires approval and the latest version lacks it."""
    if not requires_approval(agreement):
        return
    decision = current_approval(agreement)
    if decision is None:
        raise OperationRefused(
            _(
                "This agreement must be approved before it is sent for signature. "
                "Record the approval decision first."
            )
        )
    latest = agreement.latest_version
    if decision.version_id != latest.id:
        raise OperationRefused(
            _(
                "%(body)s approved version %(approved)s on %(date)s, but the latest version is %(latest)s. "
                "Only the approved version can be sent: record the approval of version %(latest)s first.",
                body=decision.body,
                approved=decision.version.number,
                date=format_date(decision.decided_on, "d.M.yyyy"),
                latest=latest.number,
            )
        )


def ensure_approvable(agreement: Agreement) -> None:
    """Refuse unless a decision can be recorded for the agreement's latest version now."""
    if not requires_approval(agreement):
        raise OperationRefused(_("This agreement's template does not require an approval decision."))
    if agreement.status not in APPROVABLE:
        raise OperationRefused(
            _(
                "An agreement with the status “%(status)s” cannot be approved.",
                status=agreement.status.title,
            )
        )
    if latest_is_approved(agreement):
        raise OperationRefused(
            _("Version %(number)s is approved already.", number=agreement.latest_version.number)
        )


def may_approve(agreement: Agreement) -> bool:
    """Whether a decision can be recorded for the latest version now (the page's button)."""
    try:
        ensure_approvable(agreement)
    except OperationRefused:
        return False
    return True


def record_approval(
    agreement: Agreement,
    actor,
    *,
    version_number: int,
    body: str,
    decided_on: date,
    minutes_reference: str,
    attachment: bytes | None = None,
    now: datetime | None = None,
) -> ApprovalDecision:
    """Record that ``body`` approved version ``version_number`` (the latest) on ``decided_on``."""
    require_manager(actor, agreement)
    ensure_approvable(agreement)
    latest = agreement.latest_version
    if version_number != latest.number:
        raise OperationRefused(
            _(
                "Version %(number)s was saved after you opened this page. Check it and approve it instead.",
                number=latest.number,
            )
        )
    body, minutes_reference = body.strip(), minutes_reference.strip()
    if not body or not minutes_reference:
        raise OperationRefused(_("Give the deciding body and the minutes reference."))
    if decided_on > helsinki_today():
        raise OperationRefused(_("The date of the decision cannot be in the future."), field="decided_on")
    if attachment is not None:
        check_pdf(attachment, field="attachment")
    decision = ApprovalDecision(
        agreement=agreement,
        version=latest,
        body=body[:MAX_APPROVAL_TEXT],
        decided_on=decided_on,
        minutes_reference=minutes_reference[:MAX_APPROVAL_TEXT],
        attachment=attachment,
        attachment_sha256=hashlib.sha256(attachment).hexdigest() if attachment is not None else None,
        recorded_by_id=actor.id,
        recorded_at=as_utc(now or utcnow()),
    )
    db.session.add(decision)
    db.session.flush()
    record("agreement.approve", agreement, approval_details(decision), actor=actor)
    return decision


def approval_details(decision: ApprovalDecision) -> dict:
    """What the audit event of a decision holds (the demo generator writes the same)."""
    return {
        "decision": decision.id,
        "version": decision.version.number,
        "body": decision.body,
        "decided_on": decision.decided_on.isoformat(),
        "minutes_reference": decision.minutes_reference,
        "attachment_sha256": decision.attachment_sha256,
    }
