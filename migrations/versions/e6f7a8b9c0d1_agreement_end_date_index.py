"""agreement end date index: the reminder scan selects the agreements whose end is near or just passed

Revision ID: e6f7a8b9c0d1
Revises: d5e6f7a8b9c0
Create Date: 2026-12-07 20:20:00

An index only: the rows are kept as they are. Without it PostgreSQL reads every signed agreement to find the
few ends in the scan's window, and its estimate of that work is large enough to compile the query first.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e6f7a8b9c0d1"
down_revision = "d5e6f7a8b9c0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreements_end_date"), ["end_date"], unique=False)


def downgrade():
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_end_date"))
