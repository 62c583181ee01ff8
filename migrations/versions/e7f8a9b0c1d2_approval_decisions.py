"""approval decisions: a version approved (e.g. by a board) before it is sent for signature

Revision ID: e7f8a9b0c1d2
Revises: c8b3b4376403
Create Date: 2026-12-07 15:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e7f8a9b0c1d2"
down_revision = "c8b3b4376403"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "approval_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("minutes_reference", sa.String(length=200), nullable=False),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.Column("attachment_sha256", sa.String(length=64), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(attachment IS NULL) = (attachment_sha256 IS NULL)",
            name=op.f("ck_approval_decisions_attachment_with_hash"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_approval_decisions_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["agreement_versions.id"],
            name=op.f("fk_approval_decisions_version_id_agreement_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_approval_decisions_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_decisions")),
    )
    with op.batch_alter_table("approval_decisions") as batch_op:
        batch_op.create_index(batch_op.f("ix_approval_decisions_agreement_id"), ["agreement_id"], unique=False)


def downgrade():
    with op.batch_alter_table("approval_decisions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_decisions_agreement_id"))
    op.drop_table("approval_decisions")
