"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from agreements.accounts.models import Membership, User, coordinator_networks
from agreements.core.audit import AuditEvent
from agreements.core.mail import OutboxMessage
from agreements.organisations.models import Network, Organisation, Region, network_regions

__all__ = [
    "AuditEvent",
    "Membership",
    "Network",
    "Organisation",
    "OutboxMessage",
    "Region",
    "User",
    "coordinator_networks",
    "network_regions",
]
