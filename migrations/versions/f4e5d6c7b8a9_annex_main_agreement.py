"""annexes linked to their main agreement

Revision ID: f4e5d6c7b8a9
Revises: f3e4d5c6b7a8
Create Date: 2026-12-07 16:40:00

Existing annexes named their main agreement only in a text field of their document
(``main_agreement_reference``). The text is kept; where it is exactly the reference of an agreement of the
same drafting workshop that is not an annex itself, the annex is linked to it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f4e5d6c7b8a9"
down_revision = "f3e4d5c6b7a8"
branch_labels = None
depends_on = None

#: Every agreement with its template's kind and the field values of its latest version.
AGREEMENTS = sa.text(
    """
    SELECT a.id, a.reference, a.owner_id, t.kind, v."values" AS field_values
    FROM agreements a
    JOIN template_versions tv ON tv.id = a.template_version_id
    JOIN agreement_templates t ON t.id = tv.template_id
    JOIN agreement_versions v ON v.agreement_id = a.id AND v.number = a.current_version_number
    """
).columns(field_values=sa.JSON)
LINK = sa.text("UPDATE agreements SET main_agreement_id = :main_id WHERE id = :annex_id")


def upgrade():
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("main_agreement_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_agreements_main_agreement_id"), ["main_agreement_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_agreements_main_agreement_id_agreements"), "agreements",
                                    ["main_agreement_id"], ["id"], ondelete="SET NULL")
    _link_existing_annexes()


def _link_existing_annexes():
    """Link each annex whose latest version names, as text, the reference of one of its workshop's agreements."""
    connection = op.get_bind()
    rows = connection.execute(AGREEMENTS).all()
    mains = {(row.owner_id, row.reference): row.id for row in rows if row.kind != "annex"}
    for row in (row for row in rows if row.kind == "annex"):
        named = str((row.field_values or {}).get("main_agreement_reference") or "").strip()
        main_id = mains.get((row.owner_id, named))
        if main_id is not None:
            connection.execute(LINK, {"main_id": main_id, "annex_id": row.id})


def downgrade():
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_agreements_main_agreement_id_agreements"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_agreements_main_agreement_id"))
        batch_op.drop_column("main_agreement_id")
