"""notifications

Revision ID: a7b8c9d0e1f2
Revises: e5f6a7b8c9d0
Create Date: 2026-11-23 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7b8c9d0e1f2"
down_revision = "e5f6a7b8c9d0"
branch_labels = None
depends_on = None

KINDS = (
    "comment_requests",
    "comment_activity",
    "comment_reminders",
    "signature_requests",
    "signature_reminders",
    "signature_activity",
    "renewal",
)
DELIVERIES = ("immediately", "daily", "off")


def _kind() -> sa.Enum:
    return sa.Enum(*KINDS, name="notificationkind", native_enum=False, create_constraint=True, length=19)


def _delivery() -> sa.Enum:
    return sa.Enum(*DELIVERIES, name="delivery", native_enum=False, create_constraint=True, length=11)


def upgrade():
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _kind(), nullable=False),
        sa.Column("delivery", _delivery(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_preferences")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _kind(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery", _delivery(), nullable=False),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "delivery <> 'immediately' OR mailed_at IS NOT NULL",
            name=op.f("ck_notifications_immediately_mailed"),
        ),
        sa.CheckConstraint(
            "delivery <> 'off' OR mailed_at IS NULL", name=op.f("ck_notifications_off_never_mailed")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_user_id_created_at", ["user_id", "created_at"], unique=False)
        batch_op.create_index("ix_notifications_user_id_read_at", ["user_id", "read_at"], unique=False)
        batch_op.create_index("ix_notifications_delivery_mailed_at", ["delivery", "mailed_at"], unique=False)


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_delivery_mailed_at")
        batch_op.drop_index("ix_notifications_user_id_read_at")
        batch_op.drop_index("ix_notifications_user_id_created_at")

    op.drop_table("notifications")
    op.drop_table("notification_preferences")
