"""The audit trail as tests read it."""

from sqlalchemy import select

from agreements.core.audit import AuditEvent
from agreements.extensions import db


def audit_actions(agreement) -> list[str]:
    """The audit actions recorded for an agreement, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "agreements", AuditEvent.object_id == agreement.id)
            .order_by(AuditEvent.id)
        )
    )


def audit_events(action: str) -> list[AuditEvent]:
    """Audit events with ``action``, oldest first."""
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    )
