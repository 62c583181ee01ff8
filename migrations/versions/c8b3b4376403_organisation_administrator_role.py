"""organisation administrator: the membership role "admin"

Revision ID: c8b3b4376403
Revises: e2f3a4b5c6d7
Create Date: 2026-12-07 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c8b3b4376403"
down_revision = "e2f3a4b5c6d7"
branch_labels = None
depends_on = None

ROLES = ("editor", "signatory", "viewer")
NEW_ROLES = (*ROLES, "admin")


def _role(values: tuple[str, ...]) -> sa.Enum:
    """The role column's type; its CHECK constraint ck_memberships_membershiprole lists ``values``."""
    return sa.Enum(*values, name="membershiprole", native_enum=False, create_constraint=True, length=9)


def _change_roles(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """Replace the CHECK constraint: on SQLite by rebuilding the table (rows copied), elsewhere in place."""
    with op.batch_alter_table("memberships") as batch_op:
        batch_op.alter_column("role", existing_type=_role(old), type_=_role(new), existing_nullable=False)


def upgrade():
    _change_roles(ROLES, NEW_ROLES)


def downgrade():
    # The older schema has no place for organisation administrators: their memberships go.
    op.execute(sa.text("DELETE FROM memberships WHERE role = 'admin'"))
    _change_roles(NEW_ROLES, ROLES)
