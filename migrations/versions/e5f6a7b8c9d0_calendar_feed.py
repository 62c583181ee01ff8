"""calendar feed

Revision ID: e5f6a7b8c9d0
Revises: d4e5f6a7b8c9
Create Date: 2026-11-23 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5f6a7b8c9d0"
down_revision = "d4e5f6a7b8c9"
branch_labels = None
depends_on = None


# Altered in place, never by copying the table (batch mode's way on SQLite): the copy would lose the
# expression index uq_users_email_lower, which SQLite's reflection skips. SQLite adds and (from 3.35) drops
# a column in place.


def upgrade():
    with op.batch_alter_table("users", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("calendar_feed_generation", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("calendar_feed_generation")
