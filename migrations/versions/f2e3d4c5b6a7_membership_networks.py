"""membership networks: a network's kind (regional | membership) and a membership network's members

Revision ID: f2e3d4c5b6a7
Revises: e7f8a9b0c1d2
Create Date: 2026-12-07 16:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f2e3d4c5b6a7"
down_revision = "e7f8a9b0c1d2"
branch_labels = None
depends_on = None

KIND = sa.Enum(
    "regional",
    "membership",
    name="networkkind",
    native_enum=False,
    create_constraint=True,
    length=10,
)


def upgrade():
    # Every existing network is regional: it keeps its regions and so its organisations.
    with op.batch_alter_table("networks") as batch_op:
        batch_op.add_column(sa.Column("kind", KIND, server_default="regional", nullable=False))
    op.create_table(
        "network_members",
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_network_members_network_id_networks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_network_members_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("network_id", "organisation_id", name=op.f("pk_network_members")),
    )
    with op.batch_alter_table("network_members") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_members_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade():
    if op.get_bind().execute(sa.text("SELECT 1 FROM network_members")).first() is not None:
        raise RuntimeError(
            "cannot downgrade: membership networks have members, which the earlier schema cannot hold "
            "(it would leave them networks without regions); make them regional networks first"
        )
    with op.batch_alter_table("network_members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_members_organisation_id"))
    op.drop_table("network_members")
    with op.batch_alter_table("networks") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_networks_networkkind"), type_="check")
        batch_op.drop_column("kind")
