"""comment round phases: a round may be the next phase of an earlier round on the same agreement

Revision ID: f1e2d3c4b5a6
Revises: f2e3d4c5b6a7
Create Date: 2026-12-07 16:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f1e2d3c4b5a6"
down_revision = "f2e3d4c5b6a7"
branch_labels = None
depends_on = None


def upgrade():
    # every existing round is a consultation of one phase
    with op.batch_alter_table("comment_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_round_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phase", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_comment_rounds_previous_round_id_comment_rounds"),
            "comment_rounds",
            ["previous_round_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_comment_rounds_previous_round_id"), ["previous_round_id"]
        )
        batch_op.create_check_constraint(
            "first_phase_iff_no_previous", "(previous_round_id IS NULL) = (phase = 1)"
        )


def downgrade():
    with op.batch_alter_table("comment_rounds", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_comment_rounds_first_phase_iff_no_previous"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_comment_rounds_previous_round_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_comment_rounds_previous_round_id_comment_rounds"), type_="foreignkey"
        )
        batch_op.drop_column("phase")
        batch_op.drop_column("previous_round_id")
