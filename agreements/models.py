"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from agreements.accounts.models import Membership, User, coordinator_networks
from agreements.core.audit import AuditChainHead, AuditEvent
from agreements.core.lease import SchedulerLease
from agreements.core.mail import OutboxMessage
from agreements.core.once import FormSubmission
from agreements.dashboard.models import DashboardSnapshot
from agreements.drafting.models import Agreement, AgreementVersion, ReferenceCounter, agreement_parties
from agreements.notifications.models import Notification, NotificationPreference
from agreements.organisations.models import Network, Organisation, Region, network_members, network_regions
from agreements.reminders.models import AgreementReminderRule, SentReminder
from agreements.reviews.models import Comment, CommentRound, RoundInvitation, version_answered_comments
from agreements.signatures.models import Signature, SignatureRequest
from agreements.templates_lib.models import AgreementTemplate, TemplateVersion

__all__ = [
    "Agreement",
    "AgreementReminderRule",
    "AgreementTemplate",
    "AgreementVersion",
    "AuditChainHead",
    "AuditEvent",
    "Comment",
    "CommentRound",
    "DashboardSnapshot",
    "FormSubmission",
    "Membership",
    "Network",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "OutboxMessage",
    "ReferenceCounter",
    "Region",
    "RoundInvitation",
    "SchedulerLease",
    "SentReminder",
    "Signature",
    "SignatureRequest",
    "TemplateVersion",
    "User",
    "agreement_parties",
    "coordinator_networks",
    "network_members",
    "network_regions",
    "version_answered_comments",
]
