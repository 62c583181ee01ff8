"""party terms: each party's own start (joining a commitment) and end (notice given alone)

Revision ID: d1e2f3a4b5c6
Revises: c9d0e1f2a3b4
Create Date: 2026-12-07 14:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d1e2f3a4b5c6"
down_revision = "c9d0e1f2a3b4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agreement_parties") as batch_op:
        batch_op.add_column(sa.Column("bound", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("joined_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notice_given_on", sa.Date(), nullable=True))
        batch_op.create_check_constraint("left_after_notice", "left_on IS NULL OR notice_given_on IS NOT NULL")


def downgrade():
    with op.batch_alter_table("agreement_parties") as batch_op:
        batch_op.drop_constraint("left_after_notice", type_="check")
        batch_op.drop_column("notice_given_on")
        batch_op.drop_column("left_on")
        batch_op.drop_column("joined_on")
        batch_op.drop_column("bound")
