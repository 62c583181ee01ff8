"""reminder rules and renewal

Revision ID: f6a7b8c9d0e1
Revises: a7b8c9d0e1f2
Create Date: 2026-11-23 09:00:00

"""

import sqlalchemy as sa
from alembic import op

from agreements.core.dates import notice_deadline

# revision identifiers, used by Alembic.
revision = "f6a7b8c9d0e1"
down_revision = "a7b8c9d0e1f2"
branch_labels = None
depends_on = None

#: Signature reminders were numbered; they are now named by their day count like every other reminder.
SIGNATURE_REMINDER_NAMES = {"signature_pending_1": "signature_pending_3d", "signature_pending_2": "signature_pending_10d",
                            "signature_pending_3": "signature_pending_17d", "signature_pending_4": "signature_pending_24d"}


def upgrade():
    op.create_table(
        "agreement_reminder_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "signature_pending", "comment_deadline", "notice_deadline", "end_of_validity",
                "ended_without_renewal", name="reminderkind", native_enum=False, create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"],
                                name=op.f("fk_agreement_reminder_rules_agreement_id_agreements"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_reminder_rules")),
        sa.UniqueConstraint("agreement_id", "kind", name="uq_agreement_reminder_rules_kind"),
    )
    with op.batch_alter_table("agreement_reminder_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_reminder_rules_agreement_id"), ["agreement_id"], unique=False)

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_deadline", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("renewal_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("notice_given_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notice_given_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_agreements_notice_deadline"), ["notice_deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreements_renewal_of_id"), ["renewal_of_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_agreements_renewal_of_id_agreements"), "agreements",
                                    ["renewal_of_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_agreements_notice_given_by_id_organisations"), "organisations",
                                    ["notice_given_by_id"], ["id"])
    _fill_notice_deadlines()

    with op.batch_alter_table("sent_reminders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("folded", sa.Boolean(), nullable=False, server_default=sa.false()))
    _rename_kinds(SIGNATURE_REMINDER_NAMES)


def _fill_notice_deadlines():
    agreements = sa.table("agreements", sa.column("id"), sa.column("end_date", sa.Date()),
                          sa.column("notice_period_months"), sa.column("notice_deadline", sa.Date()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(agreements.c.id, agreements.c.end_date, agreements.c.notice_period_months)
                              .where(agreements.c.end_date.is_not(None))).all()
    for agreement_id, end_date, months in rows:
        connection.execute(agreements.update().where(agreements.c.id == agreement_id)
                           .values(notice_deadline=notice_deadline(end_date, months)))


def _rename_kinds(names: dict):
    reminders = sa.table("sent_reminders", sa.column("kind"))
    for old, new in names.items():
        op.get_bind().execute(reminders.update().where(reminders.c.kind == old).values(kind=new))


def downgrade():
    _rename_kinds({new: old for old, new in SIGNATURE_REMINDER_NAMES.items()})
    with op.batch_alter_table("sent_reminders", schema=None) as batch_op:
        batch_op.drop_column("folded")

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_agreements_notice_given_by_id_organisations"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_agreements_renewal_of_id_agreements"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_agreements_renewal_of_id"))
        batch_op.drop_index(batch_op.f("ix_agreements_notice_deadline"))
        batch_op.drop_column("notice_given_by_id")
        batch_op.drop_column("notice_given_on")
        batch_op.drop_column("renewal_of_id")
        batch_op.drop_column("notice_deadline")

    with op.batch_alter_table("agreement_reminder_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_reminder_rules_agreement_id"))
    op.drop_table("agreement_reminder_rules")
