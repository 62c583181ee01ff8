"""Schema rules the database itself enforces: enum CHECKs, unique e-mail regardless of case, outbox state."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from agreements.accounts.models import Membership, MembershipRole, User
from agreements.core.audit import AuditEvent, record
from agreements.core.mail import MailStatus, OutboxMessage
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind, Region


def test_the_nineteen_regions_come_with_the_schema():
    regions = db.session.scalars(db.select(Region).order_by(Region.code)).all()
    assert len(regions) == 19
    names = {(r.name_fi, r.name_sv) for r in regions}
    assert ("Ahvenanmaa", "Åland") in names
    assert ("Pohjanmaa", "Österbotten") in names


@pytest.mark.parametrize(
    ("table", "column", "bad_value"),
    [("organisations", "kind", "school"), ("users", "locale", "de"), ("memberships", "role", "owner")],
)
def test_enum_columns_have_a_check_constraint(make_organisation, make_user, table, column, bad_value):
    organisation = make_organisation()
    user = make_user(organisation=organisation)
    row_ids = {"organisations": organisation.id, "users": user.id, "memberships": user.memberships[0].id}
    statement = text(f"UPDATE {table} SET {column} = :v WHERE id = :id")  # noqa: S608 - names from the test
    with pytest.raises(IntegrityError):
        db.session.execute(statement, {"v": bad_value, "id": row_ids[table]})
        db.session.flush()
    db.session.rollback()


def test_email_is_unique_regardless_of_case(make_user):
    make_user(email="Maija.Meikalainen@example.fi")
    db.session.add(User(email="maija.meikalainen@EXAMPLE.fi", name="Toinen"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_role_is_held_once_per_organisation(make_organisation, make_user):
    organisation = make_organisation(kind=OrganisationKind.PROVIDER)
    user = make_user(organisation=organisation, role=MembershipRole.SIGNATORY)
    user.memberships.append(Membership(organisation=organisation, role=MembershipRole.EDITOR))
    db.session.commit()
    user.memberships.append(Membership(organisation=organisation, role=MembershipRole.EDITOR))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_password_is_stored_as_an_argon2_hash_and_checked():
    user = User(email="a@example.fi", name="A")
    user.set_password("pitkä salasana 123")
    assert user.password_hash.startswith("$argon2id$")
    assert "pitkä" not in user.password_hash
    assert user.check_password("pitkä salasana 123")
    assert not user.check_password("pitkä salasana 124")
    assert not User(email="b@example.fi", name="B").check_password("")


def test_outbox_message_is_sent_exactly_when_sent_at_is_set():
    message = OutboxMessage(to_address="a@example.fi", subject="s", body_text="b", status=MailStatus.SENT)
    db.session.add(message)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    message = OutboxMessage(to_address="a@example.fi", subject="s", body_text="b")
    db.session.add(message)
    db.session.commit()
    message.status, message.sent_at = MailStatus.SENT, utcnow()
    db.session.commit()
    assert db.session.get(OutboxMessage, message.id).sent_at.tzinfo is not None


def test_audit_events_are_append_only(make_organisation):
    organisation = make_organisation()
    audit_event = record("organisation.test", organisation, {"note": "ä"})
    db.session.commit()
    stored = db.session.get(AuditEvent, audit_event.id)
    assert (stored.object_type, stored.object_id, stored.details) == (
        "organisations",
        organisation.id,
        {"note": "ä"},
    )
    stored.action = "changed"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.delete(db.session.get(AuditEvent, audit_event.id))
        db.session.commit()
    db.session.rollback()


def test_naive_datetimes_are_refused_so_everything_stored_is_utc():
    from datetime import datetime

    db.session.add(
        OutboxMessage(to_address="a@example.fi", subject="s", body_text="b", created_at=datetime(2026, 1, 1))
    )
    with pytest.raises(Exception, match="naive"):
        db.session.commit()
    db.session.rollback()
