"""outbox delivery

Revision ID: c3d4e5f6a7b8
Revises: b6a98987e831
Create Date: 2026-11-23 09:00:00

"""

import warnings

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3d4e5f6a7b8"
down_revision = "b6a98987e831"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("locked_by", sa.String(length=120), nullable=True))
    # Mail queued before this revision is due at once.
    op.execute("UPDATE outbox_messages SET next_attempt_at = created_at")
    with warnings.catch_warnings(), op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        # On SQLite the table is rebuilt from its reflection, which reflects users too and warns that it
        # cannot read the expression index on lower(email); that index is not touched here.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        batch_op.alter_column("next_attempt_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_index(batch_op.f("ix_outbox_messages_status"))
        batch_op.create_index("ix_outbox_messages_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_caused_by_id"), ["caused_by_id"], unique=False)


def downgrade():
    with warnings.catch_warnings(), op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        batch_op.drop_index(batch_op.f("ix_outbox_messages_caused_by_id"))
        batch_op.drop_index("ix_outbox_messages_due")
        batch_op.create_index(batch_op.f("ix_outbox_messages_status"), ["status"], unique=False)
        batch_op.drop_column("locked_by")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("last_attempt_at")
        batch_op.drop_column("next_attempt_at")
