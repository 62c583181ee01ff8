"""signing parties: accession, several signers per party, reminders sent now

Each existing signature becomes a party of its request with that one signer (the party keeps the
signature's id, status and dates, so the evidence and the audit events that name it still match).
Requests of commitments become accessions, signed by each organisation for itself (in parallel): an
organisation that signed a request whose signatures stand joins from the Helsinki day of its first such
signature, one still asked is invited but not bound, and a commitment whose joining is open with a
signature already given becomes signed. That status is set here, without an event of its own in the
agreement's history (the signatures that made it so are there).

Revision ID: e2f3a4b5c6d7
Revises: d1e2f3a4b5c6
Create Date: 2026-12-07 14:50:00

"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e2f3a4b5c6d7"
down_revision = "d1e2f3a4b5c6"
branch_labels = None
depends_on = None

REQUEST_STATUSES_BEFORE = ("pending", "completed", "declined", "withdrawn", "voided")
REQUEST_STATUSES = (*REQUEST_STATUSES_BEFORE, "closed")


def _enum(name: str, values: tuple) -> sa.Enum:
    return sa.Enum(
        *values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values))
    )


def upgrade():
    op.create_table(
        "signing_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rule", _enum("signerrule", ("one", "all")), nullable=False),
        sa.Column("signers_in_order", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            _enum("partystatus", ("pending", "signed", "declined", "withdrawn", "expired", "voided")),
            nullable=False,
        ),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("respond_by", sa.Date(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status <> 'signed' OR signed_at IS NOT NULL", name=op.f("ck_signing_parties_signed_when")
        ),
        sa.CheckConstraint(
            "(status IN ('pending', 'signed')) = (ended_at IS NULL)",
            name=op.f("ck_signing_parties_ended_when"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_signing_parties_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_signing_parties_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["signature_requests.id"],
            name=op.f("fk_signing_parties_request_id_signature_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_parties")),
        sa.UniqueConstraint("request_id", "organisation_id", name="uq_signing_parties_request_organisation"),
        sa.UniqueConstraint("request_id", "position", name="uq_signing_parties_request_position"),
    )
    with op.batch_alter_table("signing_parties") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signing_parties_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signing_parties_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signing_parties_status"), ["status"], unique=False)

    with op.batch_alter_table("signature_requests") as batch_op:
        batch_op.add_column(
            sa.Column(
                "mode", _enum("signingmode", ("joint", "accession")), server_default="joint", nullable=False
            )
        )
        batch_op.drop_constraint(batch_op.f("ck_signature_requests_requeststatus"), type_="check")
        batch_op.create_check_constraint("requeststatus", sa.column("status").in_(REQUEST_STATUSES))
        batch_op.create_check_constraint("closed_only_accession", "mode = 'accession' OR status <> 'closed'")
    with op.batch_alter_table("signatures") as batch_op:
        batch_op.add_column(sa.Column("party_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("party_position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))

    _parties_from_signatures()
    _commitments_become_accessions()
    _create_signing_contacts()

    with op.batch_alter_table("signatures") as batch_op:
        batch_op.alter_column("party_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("party_position", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_signatures_request_organisation", type_="unique")
        batch_op.drop_constraint("uq_signatures_request_position", type_="unique")
        batch_op.create_unique_constraint("uq_signatures_party_signatory", ["party_id", "signatory_id"])
        batch_op.create_unique_constraint("uq_signatures_party_position", ["party_id", "position"])
        batch_op.create_foreign_key(
            batch_op.f("fk_signatures_party_id_signing_parties"),
            "signing_parties",
            ["party_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_signatures_party_id"), ["party_id"], unique=False)
    # each signer is the first of its party; only now that (request, position) need no longer be unique
    op.execute("UPDATE signatures SET position = 1")


def _create_signing_contacts():
    op.create_table(
        "signing_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_signature_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["first_signature_id"],
            ["signatures.id"],
            name=op.f("fk_signing_contacts_first_signature_id_signatures"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_signing_contacts_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_signing_contacts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_contacts")),
        sa.UniqueConstraint("organisation_id", "user_id", name="uq_signing_contacts_organisation_user"),
    )
    with op.batch_alter_table("signing_contacts") as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_contacts_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signing_contacts_user_id"), ["user_id"], unique=False)
    # Whoever signed electronically as an invited person is a contact of the organisation they signed for.
    op.execute(
        """
        INSERT INTO signing_contacts (organisation_id, user_id, added_at, first_signature_id)
        SELECT s.organisation_id, s.signatory_id, min(s.signed_at), min(s.id) FROM signatures s
        WHERE s.signer_role = 'invited' AND s.signed_at IS NOT NULL AND s.method = 'electronic'
        GROUP BY s.organisation_id, s.signatory_id
        """
    )


def _parties_from_signatures():
    """One party per signature, with the signature's id, organisation, position, status and dates."""
    op.execute(
        """
        INSERT INTO signing_parties (id, request_id, organisation_id, position, rule, signers_in_order, status,
            invited_at, invited_by_id, respond_by, signed_at, ended_at, end_reason)
        SELECT s.id, s.request_id, s.organisation_id, s.position, 'one', false, s.status,
            r.sent_at, r.sent_by_id, NULL, s.signed_at, COALESCE(s.declined_at, s.voided_at), s.decline_reason
        FROM signatures s JOIN signature_requests r ON r.id = s.request_id
        """
    )
    op.execute("UPDATE signatures SET party_id = id, party_position = position")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('signing_parties', 'id'), "
            "COALESCE((SELECT max(id) FROM signing_parties), 0) + 1, false)"
        )


COMMITMENT_REQUESTS = """
    SELECT r.id FROM signature_requests r
    JOIN agreements a ON a.id = r.agreement_id
    JOIN template_versions tv ON tv.id = a.template_version_id
    JOIN agreement_templates t ON t.id = tv.template_id
    WHERE t.kind = 'commitment'
"""


def _commitments_become_accessions():
    """Commitment requests are accessions; their signers' organisations join from their own day."""
    op.execute(
        f"UPDATE signature_requests SET mode = 'accession', \"order\" = 'parallel' WHERE id IN ({COMMITMENT_REQUESTS})"
    )
    # An open accession with a signature: the commitment is signed and binds those who signed.
    op.execute(
        """
        UPDATE agreements SET status = 'signed'
        WHERE status = 'awaiting_signatures' AND id IN (
            SELECT r.agreement_id FROM signature_requests r JOIN signing_parties p ON p.request_id = r.id
            WHERE r.mode = 'accession' AND r.status = 'pending' AND p.status = 'signed')
        """
    )
    # Each organisation that signed a commitment is bound from the day it first signed a request whose
    # signatures stand (completed, or still open: a declined or withdrawn one bound nobody); while a joining is
    # open, one that has signed none of them is invited, not bound.
    signed = """
        FROM signature_requests r JOIN signing_parties p ON p.request_id = r.id
        WHERE r.agreement_id = agreement_parties.agreement_id AND r.mode = 'accession'
          AND r.status IN ('completed', 'pending')
          AND p.organisation_id = agreement_parties.organisation_id AND p.status = 'signed'
    """
    _set_join_days(signed)
    op.execute(
        f"""
        UPDATE agreement_parties SET bound = false
        WHERE NOT EXISTS (SELECT 1 {signed}) AND EXISTS (
            SELECT 1 FROM signature_requests r
            WHERE r.agreement_id = agreement_parties.agreement_id AND r.mode = 'accession' AND r.status = 'pending')
        """
    )


def _set_join_days(signed: str) -> None:
    """Each organisation that signed is bound from the Helsinki day of its first standing signature."""
    if op.get_bind().dialect.name == "postgresql":
        first = "CAST((min(p.signed_at) AT TIME ZONE 'Europe/Helsinki') AS DATE)"
        op.execute(
            f"UPDATE agreement_parties SET joined_on = (SELECT {first} {signed}) WHERE EXISTS (SELECT 1 {signed})"
        )
        return
    # SQLite keeps UTC times as text and knows no time zones: the day is found here, in Python.
    query = f"SELECT agreement_id, organisation_id, (SELECT min(p.signed_at) {signed}) FROM agreement_parties"
    update = sa.text(
        "UPDATE agreement_parties SET joined_on = :day WHERE agreement_id = :agreement AND organisation_id = :org"
    )
    for agreement_id, organisation_id, signed_at in op.get_bind().execute(sa.text(query)).all():
        if signed_at is not None:
            moment = datetime.fromisoformat(str(signed_at)).replace(tzinfo=UTC)
            day = moment.astimezone(ZoneInfo("Europe/Helsinki")).date()
            op.get_bind().execute(update, {"day": day, "agreement": agreement_id, "org": organisation_id})


def downgrade():
    several = "SELECT 1 FROM signatures GROUP BY party_id HAVING count(*) > 1"
    if op.get_bind().execute(sa.text(several)).first() is not None:
        raise RuntimeError(
            "cannot downgrade: some parties have several signers, which the earlier schema cannot hold"
        )
    op.drop_table("signing_contacts")
    op.execute("UPDATE signatures SET position = party_position")
    with op.batch_alter_table("signatures") as batch_op:
        batch_op.drop_index(batch_op.f("ix_signatures_party_id"))
        batch_op.drop_constraint(batch_op.f("fk_signatures_party_id_signing_parties"), type_="foreignkey")
        batch_op.drop_constraint("uq_signatures_party_position", type_="unique")
        batch_op.drop_constraint("uq_signatures_party_signatory", type_="unique")
        batch_op.create_unique_constraint("uq_signatures_request_position", ["request_id", "position"])
        batch_op.create_unique_constraint(
            "uq_signatures_request_organisation", ["request_id", "organisation_id"]
        )
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("party_position")
        batch_op.drop_column("party_id")
    op.execute("UPDATE signature_requests SET status = 'completed' WHERE status = 'closed'")
    with op.batch_alter_table("signature_requests") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_signature_requests_closed_only_accession"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_signature_requests_requeststatus"), type_="check")
        batch_op.create_check_constraint("requeststatus", sa.column("status").in_(REQUEST_STATUSES_BEFORE))
        batch_op.drop_constraint(batch_op.f("ck_signature_requests_signingmode"), type_="check")
        batch_op.drop_column("mode")
    with op.batch_alter_table("signing_parties") as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_parties_status"))
        batch_op.drop_index(batch_op.f("ix_signing_parties_request_id"))
        batch_op.drop_index(batch_op.f("ix_signing_parties_organisation_id"))
    op.drop_table("signing_parties")
