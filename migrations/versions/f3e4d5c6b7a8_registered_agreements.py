"""registered agreements: signed outside the service, recorded with their signed PDF and no template

Revision ID: f3e4d5c6b7a8
Revises: f1e2d3c4b5a6
Create Date: 2026-12-07 16:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f3e4d5c6b7a8"
down_revision = "f1e2d3c4b5a6"
branch_labels = None
depends_on = None

ORIGIN = sa.Enum(
    "service", "registered", name="agreementorigin", native_enum=False, create_constraint=True, length=10
)
KIND = sa.Enum(
    "commitment",
    "bilateral",
    "annex",
    name="templatekind",
    native_enum=False,
    create_constraint=True,
    length=10,
)


def upgrade():
    with op.batch_alter_table("agreements") as batch_op:
        batch_op.add_column(sa.Column("origin", ORIGIN, nullable=False, server_default="service"))
        batch_op.add_column(sa.Column("registered_kind", KIND, nullable=True))
        batch_op.alter_column("template_version_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_agreements_template_unless_registered"),
            "origin = 'registered' OR template_version_id IS NOT NULL",
        )
    op.create_table(
        "agreement_registrations",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("signed_pdf", sa.LargeBinary(), nullable=False),
        sa.Column("signed_pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=True),
        sa.Column("docx_sha256", sa.String(length=64), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(docx IS NULL) = (docx_sha256 IS NULL)", name=op.f("ck_agreement_registrations_docx_with_hash")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_registrations_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["users.id"],
            name=op.f("fk_agreement_registrations_registered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_agreement_registrations")),
    )


def downgrade():
    """Registered agreements have no template to fall back on: they go with the registrations."""
    op.drop_table("agreement_registrations")
    op.execute("DELETE FROM agreements WHERE origin = 'registered'")
    with op.batch_alter_table("agreements") as batch_op:
        batch_op.drop_constraint(op.f("ck_agreements_template_unless_registered"), type_="check")
        for enum_check in ("templatekind", "agreementorigin"):  # the columns' own CHECKs, named by their types
            batch_op.drop_constraint(enum_check, type_="check")
        batch_op.alter_column("template_version_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("registered_kind")
        batch_op.drop_column("origin")
