"""PDFs made once: a version's PDF is stored under what its document is made from, and a frozen document's
PDF is made by the scheduler after sending

Revision ID: a7c31e9d4b58
Revises: e6f7a8b9c0d1
Create Date: 2026-12-07 22:20:00

Keeps every row. A signature request that has a PDF is marked "made"; one without is marked "none" (no PDF
is to be made): the scheduler makes PDFs only for requests sent from now on, never for the history.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c31e9d4b58"
down_revision = "e6f7a8b9c0d1"
branch_labels = None
depends_on = None

PDF_STATUSES = ("none", "pending", "made", "failed")


def upgrade():
    op.create_table(
        "version_pdfs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversion_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["agreement_versions.id"],
            name=op.f("fk_version_pdfs_version_id_agreement_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_pdfs")),
        sa.UniqueConstraint("version_id", "source_sha256", name="uq_version_pdfs_version_source"),
    )
    with op.batch_alter_table("signature_requests") as batch_op:
        batch_op.add_column(
            sa.Column(
                "pdf_status",
                sa.Enum(*PDF_STATUSES, name="pdfstatus", native_enum=False, create_constraint=True, length=7),
                server_default="none",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("pdf_attempts", sa.Integer(), server_default="0", nullable=False))
    op.execute("UPDATE signature_requests SET pdf_status = 'made' WHERE pdf IS NOT NULL")
    with op.batch_alter_table("signature_requests") as batch_op:
        batch_op.create_index(batch_op.f("ix_signature_requests_pdf_status"), ["pdf_status"], unique=False)
        batch_op.create_check_constraint("pdf_made_iff_stored", "(pdf_status = 'made') = (pdf IS NOT NULL)")


def downgrade():
    with op.batch_alter_table("signature_requests") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_signature_requests_pdf_made_iff_stored"), type_="check")
        batch_op.drop_index(batch_op.f("ix_signature_requests_pdf_status"))
        batch_op.drop_constraint(batch_op.f("ck_signature_requests_pdfstatus"), type_="check")
        batch_op.drop_column("pdf_attempts")
        batch_op.drop_column("pdf_status")
    op.drop_table("version_pdfs")
