"""outbox delivery

Revision ID: c3d4e5f6a7b8
Revises: b6a98987e831
Create Date: 2026-11-23 09:00:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "c3d4e5f6a7b8"
down_revision = "b6a98987e831"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
