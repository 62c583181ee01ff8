"""The lifecycle: every named operation from every status either moves the agreement and is audited, or
is refused with a message naming the current status and the action."""

import pytest
from sqlalchemy import select

from agreements.core.audit import AuditEvent
from agreements.core.errors import OperationRefused
from agreements.drafting import lifecycle
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from tests.support.audit import audit_actions

S = AgreementStatus
#: The moves DESIGN.md allows, written out apart from lifecycle.TRANSITIONS: (status, operation) -> result.
ALLOWED = {
    (S.DRAFT, "open_for_comments"): S.COMMENTING,
    (S.COMMENTING, "return_to_draft"): S.DRAFT,
    (S.DRAFT, "send_for_signature"): S.AWAITING_SIGNATURES,
    (S.AWAITING_SIGNATURES, "mark_signed"): S.SIGNED,
    (S.AWAITING_SIGNATURES, "return_to_draft"): S.DRAFT,
    (S.DRAFT, "cancel_draft"): S.CANCELLED,
    (S.COMMENTING, "cancel_draft"): S.CANCELLED,
    (S.SIGNED, "terminate"): S.TERMINATED,
    (S.SIGNED, "supersede"): S.SUPERSEDED,
}
OPERATIONS = (
    "cancel_draft",
    "open_for_comments",
    "return_to_draft",
    "send_for_signature",
    "mark_signed",
    "terminate",
    "supersede",
)
#: The audit action each operation records.
AUDIT_ACTIONS = {
    "cancel_draft": "agreement.cancel",
    "open_for_comments": "agreement.open_for_comments",
    "return_to_draft": "agreement.return_to_draft",
    "send_for_signature": "agreement.send_for_signature",
    "mark_signed": "agreement.mark_signed",
    "terminate": "agreement.terminate",
    "supersede": "agreement.supersede",
}
PAIRS = [(status, operation) for status in S for operation in OPERATIONS]


@pytest.mark.parametrize(("status", "operation"), [p for p in PAIRS if p in ALLOWED])
def test_an_allowed_move_changes_the_status_and_is_audited(make_agreement, make_user, status, operation):
    actor = make_user()
    agreement = make_agreement(status=status)
    getattr(lifecycle, operation)(agreement, actor)
    db.session.commit()
    assert agreement.status == ALLOWED[(status, operation)]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == AUDIT_ACTIONS[operation]))
    assert event.object_id == agreement.id
    assert event.actor_id == actor.id
    assert event.details["from"] == status.value
    assert event.details["to"] == ALLOWED[(status, operation)].value


@pytest.mark.parametrize(("status", "operation"), [p for p in PAIRS if p not in ALLOWED])
def test_an_illegal_move_is_refused_with_a_message_and_changes_nothing(make_agreement, status, operation):
    agreement = make_agreement(status=status)
    with pytest.raises(OperationRefused) as refused:
        getattr(lifecycle, operation)(agreement)
    assert f"“{status.title}”" in refused.value.message
    assert refused.value.message.startswith("An agreement with the status")
    db.session.rollback()
    assert agreement.status == status
    assert audit_actions(agreement) == []


def test_the_refusal_names_the_action(make_agreement):
    with pytest.raises(OperationRefused) as refused:
        lifecycle.cancel_draft(make_agreement(status=S.SIGNED))
    assert refused.value.message == "An agreement with the status “Signed” cannot be cancelled."
    with pytest.raises(OperationRefused) as refused:
        lifecycle.send_for_signature(make_agreement(status=S.CANCELLED))
    assert refused.value.message == "An agreement with the status “Cancelled” cannot be sent for signature."


def test_a_cancellation_records_the_reason(make_agreement):
    agreement = make_agreement()
    lifecycle.cancel_draft(agreement, reason="Sovittiin toisin")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agreement.cancel"))
    assert event.details["reason"] == "Sovittiin toisin"


def test_the_table_ends_in_final_statuses():
    for final in (S.CANCELLED, S.TERMINATED, S.SUPERSEDED):
        assert lifecycle.TRANSITIONS[final] == frozenset()
