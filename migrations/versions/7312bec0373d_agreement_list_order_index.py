"""agreement list order index: the list reads its pages in (updated_at, id) order from an index

Revision ID: 7312bec0373d
Revises: a7c31e9d4b58
Create Date: 2026-12-07 22:05:00

An index only: the rows are kept as they are. The agreement list's default order is the newest change
first (updated_at, then id, both descending); without the index PostgreSQL read and sorted every visible
agreement for each page. With it a page is the next 25 entries of the index after the page's cursor.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "7312bec0373d"
down_revision = "a7c31e9d4b58"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index("ix_agreements_updated_at_id", ["updated_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index("ix_agreements_updated_at_id")
