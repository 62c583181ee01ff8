"""The audit log's hash chains: an agreement's events in one chain, and `flask audit verify` on tampering."""

from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select, text

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent, event_hash, record
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reviews import operations as reviews
from agreements.reviews.models import RoundVisibility


def chain_events(chain: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
    return list(db.session.scalars(query))


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@pytest.fixture
def agreement(make_agreement):
    """An agreement with a few events of its own."""
    agreement = make_agreement()
    record("agreement.note", agreement, {"text": "Ääkköset & <merkit>"})
    record("agreement.note", agreement, {"text": "toinen"})
    record("agreement.note", agreement, {"text": "kolmas"})
    db.session.commit()
    return agreement


def test_an_agreement_s_events_form_one_chain(agreement):
    events = chain_events(f"agreement:{agreement.id}")
    assert len(events) >= 3
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash is None
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(events))
    assert all(e.hash == event_hash(e) for e in events)


def test_comment_round_events_join_their_agreement_s_chain(agreement, make_user, make_organisation):
    drafter = make_user(organisation=agreement.owner, role=MembershipRole.EDITOR)
    provider = make_organisation(kind=OrganisationKind.PROVIDER)
    comment_round = reviews.open_round(
        agreement,
        agreement.versions[0],
        drafter,
        utcnow() + timedelta(days=3),
        None,
        "",
        "",
        (),
        RoundVisibility.ALL_INVITEES,
        organisations=[provider],
    )
    db.session.commit()
    events = chain_events(f"agreement:{agreement.id}")
    assert [e.action for e in events[-2:]] == ["agreement.open_for_comments", "comment_round.open"]
    assert events[-1].object_id == comment_round.id


def test_verify_reports_intact_chains(app, agreement, make_organisation):
    record("organisation.note", make_organisation())
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 0
    assert "All 2 audit chains are intact." in result.output


def test_verify_catches_an_event_changed_in_sql(app, agreement):
    target = chain_events(f"agreement:{agreement.id}")[1]
    changed = {"details": '{"text": "muutettu"}', "id": target.id}
    db.session.execute(text("UPDATE audit_events SET details = :details WHERE id = :id"), changed)
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"agreement:{agreement.id} event 2: content does not match its hash (altered)" in result.output


def test_verify_catches_an_event_deleted_in_sql(app, agreement):
    target = chain_events(f"agreement:{agreement.id}")[1]
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": target.id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"agreement:{agreement.id} event 3: event 2 is missing (deleted)" in result.output


def test_verify_catches_an_event_inserted_in_sql(app, agreement):
    last = chain_events(f"agreement:{agreement.id}")[-1]
    forged = {"at": last.created_at, "chain": last.chain, "seq": last.seq + 1}
    forged |= {"prev": "0" * 64, "hash": "f" * 64}
    db.session.execute(
        text(
            "INSERT INTO audit_events (created_at, action, details, chain, seq, prev_hash, hash)"
            " VALUES (:at, 'agreement.forged', '{}', :chain, :seq, :prev, :hash)"
        ),
        forged,
    )
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"event {last.seq + 1}: does not follow the event before (inserted or reordered)" in result.output
    assert f"event {last.seq + 1}: content does not match its hash (altered)" in result.output


def test_verify_catches_the_last_events_deleted_in_sql(app, agreement):
    last = chain_events(f"agreement:{agreement.id}")[-1]
    last_seq = last.seq
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last.id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    expected = f"agreement:{agreement.id} event {last_seq}: the chain does not end at its recorded last event"
    assert expected in result.output
