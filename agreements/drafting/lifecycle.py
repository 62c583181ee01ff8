"""The agreement lifecycle: statuses, the moves allowed between them, and a named operation for each move.

Every status change goes through ``transition``, which refuses an illegal move with a message naming the
current status and the action, and appends an audit event. Later features (comment rounds, signatures)
add their behaviour to the named operations below.
"""

from flask_babel import lazy_gettext as _l

from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.drafting.signals import agreement_ended
from agreements.extensions import db
from agreements.templates_lib.models import TemplateKind

DRAFT = AgreementStatus.DRAFT
COMMENTING = AgreementStatus.COMMENTING
AWAITING_SIGNATURES = AgreementStatus.AWAITING_SIGNATURES
SIGNED = AgreementStatus.SIGNED
CANCELLED = AgreementStatus.CANCELLED
TERMINATED = AgreementStatus.TERMINATED
SUPERSEDED = AgreementStatus.SUPERSEDED
COMMITMENT = TemplateKind.COMMITMENT

#: The whole lifecycle: each status and the statuses it may move to.
TRANSITIONS: dict[AgreementStatus, frozenset[AgreementStatus]] = {
    DRAFT: frozenset({COMMENTING, AWAITING_SIGNATURES, CANCELLED}),
    COMMENTING: frozenset({DRAFT, CANCELLED}),
    AWAITING_SIGNATURES: frozenset({DRAFT, SIGNED}),  # back to draft: withdrawn, or edited after sending
    SIGNED: frozenset({TERMINATED, SUPERSEDED}),
    CANCELLED: frozenset(),
    TERMINATED: frozenset(),
    SUPERSEDED: frozenset(),
}

#: Statuses in which the drafter may save new versions: while a comment round is open, drafting goes on
#: in newer versions and the version under comment stays as it was; an edit after sending for signature
#: voids the request and brings the agreement back to draft.
EDITABLE = frozenset({DRAFT, COMMENTING, AWAITING_SIGNATURES})
#: A signed commitment stays editable: a revised text is a new version that organisations join anew, while
#: those who joined an earlier one stay bound by it.
REVISABLE_WHEN_SIGNED = frozenset({SIGNED})


def is_editable(agreement: Agreement) -> bool:
    """Whether new versions may be saved now: a draft, out for comments or for signature, or a commitment
    drafted in the service (one signed outside it has no template to revise it on)."""
    if agreement.status in EDITABLE:
        return True
    return (
        agreement.status in REVISABLE_WHEN_SIGNED
        and agreement.template_version is not None
        and agreement.kind == COMMITMENT
    )


#: Statuses in which a signed agreement has ended: nobody new may join it.
ENDED = frozenset({TERMINATED, SUPERSEDED})

#: Statuses of an agreement that has come to an end, cancelled included: it takes no new annexes.
FINISHED = frozenset({CANCELLED, *ENDED})

#: Statuses in which comment rounds may be opened.
OPEN_FOR_COMMENTS = frozenset({DRAFT, COMMENTING})

#: Why each named action is refused; ``%(status)s`` is the agreement's current status.
REFUSALS = {
    "cancel": _l("An agreement with the status “%(status)s” cannot be cancelled."),
    "open_for_comments": _l("An agreement with the status “%(status)s” cannot be opened for comments."),
    "return_to_draft": _l("An agreement with the status “%(status)s” cannot be returned to draft."),
    "send_for_signature": _l("An agreement with the status “%(status)s” cannot be sent for signature."),
    "mark_signed": _l("An agreement with the status “%(status)s” cannot be marked as signed."),
    "terminate": _l("An agreement with the status “%(status)s” cannot be terminated."),
    "supersede": _l("An agreement with the status “%(status)s” cannot be superseded."),
}


class TransitionRefused(OperationRefused):
    """A lifecycle move that the agreement's current status does not allow."""

    def __init__(self, agreement: Agreement, target: AgreementStatus, action: str):
        self.status, self.target, self.action = agreement.status, target, action
        super().__init__(str(REFUSALS[action]) % {"status": agreement.status.title})


def can_move(agreement: Agreement, target: AgreementStatus) -> bool:
    """True when the lifecycle allows the agreement to move to ``target`` now."""
    return target in TRANSITIONS[agreement.status]


def ensure_allowed(agreement: Agreement, target: AgreementStatus, action: str) -> None:
    """Raise TransitionRefused unless the named ``action`` may move the agreement to ``target`` now."""
    if not can_move(agreement, target):
        raise TransitionRefused(agreement, target, action)


def transition(
    agreement: Agreement, target: AgreementStatus, action: str, actor=None, details: dict | None = None
) -> None:
    """Move the agreement to ``target`` by the named ``action``, or refuse; records ``agreement.<action>``."""
    ensure_allowed(agreement, target, action)
    previous = agreement.status
    agreement.status = target
    db.session.flush()
    record(
        f"agreement.{action}",
        agreement,
        {"from": previous.value, "to": target.value, **(details or {})},
        actor=actor,
    )
    if target in ENDED:
        agreement_ended.send(agreement, actor=actor)


def _reason(reason: str) -> dict | None:
    return {"reason": reason} if reason else None


def with_main(details: dict | None, main: Agreement | None) -> dict | None:
    """``details`` of an annex's move, naming the ``main`` agreement it follows, if any."""
    return details if main is None else {**(details or {}), "main_agreement": main.reference}


def cancel_draft(agreement: Agreement, actor=None, reason: str = "", main: Agreement | None = None) -> None:
    """Cancel an agreement that was never sent for signature (an annex perhaps with its ``main``)."""
    transition(agreement, CANCELLED, "cancel", actor, with_main(_reason(reason), main))


def open_for_comments(agreement: Agreement, actor=None) -> None:
    """Open a draft for comments."""
    transition(agreement, COMMENTING, "open_for_comments", actor)


def return_to_draft(agreement: Agreement, actor=None, reason: str = "") -> None:
    """Bring an agreement out for comments or awaiting signatures back to draft."""
    transition(agreement, DRAFT, "return_to_draft", actor, _reason(reason))


def send_for_signature(agreement: Agreement, actor=None) -> None:
    """Send a draft for signature."""
    transition(agreement, AWAITING_SIGNATURES, "send_for_signature", actor)


def mark_signed(agreement: Agreement, actor=None) -> None:
    """Record that every party has signed."""
    transition(agreement, SIGNED, "mark_signed", actor)


def terminate(agreement: Agreement, actor=None, reason: str = "") -> None:
    """End a signed agreement."""
    transition(agreement, TERMINATED, "terminate", actor, _reason(reason))


def supersede(agreement: Agreement, actor=None, successor: Agreement | None = None) -> None:
    """Mark a signed agreement as replaced, optionally by a named successor."""
    details = {"successor": successor.reference} if successor is not None else None
    transition(agreement, SUPERSEDED, "supersede", actor, details)
