"""Reminders to sign: 3 days after a signatory's turn began, then weekly, at most 4, each sent once."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from agreements.core.timeutil import HELSINKI, utcnow
from agreements.extensions import db
from agreements.reminders.jobs import send_reminders
from agreements.reminders.models import SentReminder
from agreements.signatures import operations
from agreements.signatures.models import SigningOrder
from tests.support.factories import PASSWORD
from tests.support.messages import only_mail, take_mail
from tests.support.signing import EVIDENCE, edit_agreement, helsinki, sign_url


@pytest.fixture
def sent(send):
    """Factory: send the agreement for signature (provider first) and empty the outbox."""

    def make(order=SigningOrder.PARALLEL):
        request = send(order=order)
        take_mail()
        return request

    return make


def remind(request, days: float) -> int:
    """Run the reminders ``days`` after the request was sent."""
    return send_reminders(request.sent_at + timedelta(days=days))


def sign_on(signature, moment) -> None:
    """Sign as the signatory at ``moment``."""
    user = signature.signatory
    operations.sign(signature, user, PASSWORD, user.name, True, "fi", EVIDENCE, now=moment)
    db.session.commit()


def claimed(signature) -> dict[str, str]:
    """Kind of reminder claimed for the signature → the Helsinki day it fell due."""
    query = select(SentReminder).where(SentReminder.subject == f"signature:{signature.id}")
    rows = db.session.scalars(query).all()
    assert {row.recipient_id for row in rows} <= {signature.signatory_id}
    return {row.kind: row.due_on.isoformat() for row in rows}


def day(moment, days: int) -> str:
    return (moment + timedelta(days=days)).astimezone(HELSINKI).date().isoformat()


def test_the_first_reminder_comes_three_days_after_sending_and_once(
    sent, provider_signatory, workshop_signatory, agreement
):
    request = sent()
    assert remind(request, 2) == 0
    assert remind(request, 2.99) == 0
    assert take_mail() == {}

    assert remind(request, 3) == 2
    messages = take_mail()
    assert set(messages) == {provider_signatory.email, workshop_signatory.email}
    reminder = only_mail(messages, provider_signatory)
    assert reminder.subject == f"Reminder: please sign {agreement.title} ({agreement.reference})"
    assert (
        f"has been waiting for your signature for Tredu since {helsinki(request.sent_at)}."
        in reminder.body_text
    )
    assert sign_url(request.signatures[0]) in reminder.body_text.split()

    assert remind(request, 3) == 0
    assert remind(request, 9.9) == 0
    assert take_mail() == {}
    assert claimed(request.signatures[0]) == {"signature_pending_3d": day(request.sent_at, 3)}


def test_then_weekly_and_never_more_than_four(sent, provider_signatory, workshop_signatory):
    request = sent()
    sent_at = request.sent_at
    for days in (3, 10, 17, 24):
        assert remind(request, days) == 2, days
        assert remind(request, days + 6.9) == 0, days
        messages = take_mail()
        assert [len(messages[p.email]) for p in (provider_signatory, workshop_signatory)] == [1, 1]
        assert f"signature_pending_{days}d" in claimed(request.signatures[1])

    for days in (31, 38, 100, 365):
        assert remind(request, days) == 0
    assert take_mail() == {}
    assert claimed(request.signatures[1]) == {
        "signature_pending_3d": day(sent_at, 3),
        "signature_pending_10d": day(sent_at, 10),
        "signature_pending_17d": day(sent_at, 17),
        "signature_pending_24d": day(sent_at, 24),
    }


def test_a_run_days_late_folds_the_reminders_into_one_summary(sent, provider_signatory):
    request = sent()
    assert remind(request, 30) == 2
    [summary] = take_mail()[provider_signatory.email]
    assert summary.subject == "1 reminder that could not be sent on time"
    assert sign_url(request.signatures[0]) in summary.body_text.split()
    assert set(claimed(request.signatures[0])) == {f"signature_pending_{n}d" for n in (3, 10, 17, 24)}

    assert remind(request, 31) == 0
    assert remind(request, 60) == 0
    assert take_mail() == {}


def test_a_late_run_between_reminders_sends_the_one_due_and_the_next_comes_on_time(sent, provider_signatory):
    request = sent()
    assert remind(request, 12) == 2  # the 2nd, standing for the 1st too
    assert set(claimed(request.signatures[0])) == {"signature_pending_3d", "signature_pending_10d"}
    assert remind(request, 16.9) == 0
    assert remind(request, 17) == 2
    assert len(take_mail()[provider_signatory.email]) == 2


def test_in_a_sequence_the_next_signatorys_clock_starts_when_the_one_before_signed(
    sent, provider_signatory, workshop_signatory
):
    request = sent(order=SigningOrder.SEQUENTIAL)
    first, second = request.signatures
    assert remind(request, 3) == 1
    assert set(take_mail()) == {provider_signatory.email}

    signed_at = request.sent_at + timedelta(days=5)
    sign_on(first, signed_at)
    take_mail()
    assert remind(request, 7.9) == 0
    assert remind(request, 8) == 1
    reminder = only_mail(take_mail(), workshop_signatory)
    assert f"for Tampereen Työpaja since {helsinki(signed_at)}." in reminder.body_text
    assert sign_url(second) in reminder.body_text.split()

    assert remind(request, 10) == 0
    assert remind(request, 15) == 1
    assert claimed(second) == {
        "signature_pending_3d": day(signed_at, 3),
        "signature_pending_10d": day(signed_at, 10),
    }
    assert claimed(first) == {"signature_pending_3d": day(request.sent_at, 3)}


def test_a_signed_signature_gets_no_reminder(sent, sign, workshop_signatory):
    request = sent()
    sign(request.signatures[0])
    take_mail()
    assert remind(request, 3) == 1
    assert set(take_mail()) == {workshop_signatory.email}
    assert claimed(request.signatures[0]) == {}


def test_a_completed_request_gets_no_reminders(sent, sign):
    request = sent()
    for signature in request.signatures:
        sign(signature)
    take_mail()
    assert remind(request, 3) == 0 and remind(request, 30) == 0
    assert take_mail() == {}


def test_a_withdrawn_request_gets_no_reminders(sent, drafter):
    request = sent()
    operations.withdraw(request, drafter, "Väärä versio lähti.")
    db.session.commit()
    take_mail()
    assert remind(request, 3) == 0 and remind(request, 30) == 0
    assert take_mail() == {}


def test_a_declined_request_gets_no_reminders(sent, provider_signatory):
    request = sent()
    operations.decline(request.signatures[0], provider_signatory, "Korvaus puuttuu.")
    db.session.commit()
    take_mail()
    assert remind(request, 3) == 0
    assert take_mail() == {}


def test_a_request_voided_by_an_edit_gets_no_reminders(sent, agreement, drafter):
    request = sent()
    edit_agreement(agreement, drafter)
    take_mail()
    assert remind(request, 3) == 0
    assert take_mail() == {}


def test_a_deactivated_signatory_is_not_reminded(sent, provider_signatory, workshop_signatory):
    request = sent()
    provider_signatory.active = False
    db.session.commit()
    assert remind(request, 3) == 1
    assert set(take_mail()) == {workshop_signatory.email}


# `flask reminders send`


def test_flask_reminders_send_says_how_many_it_queued(app, sent):
    request = sent()
    runner = app.test_cli_runner()
    assert "Queued 0 reminder(s)." in runner.invoke(args=["reminders", "send"]).output
    request.sent_at = utcnow() - timedelta(days=3, minutes=1)
    for party in request.parties:  # each party's turn began when it was invited, on sending
        party.invited_at = request.sent_at
    db.session.commit()
    assert "Queued 2 reminder(s)." in runner.invoke(args=["reminders", "send"]).output
    assert "Queued 0 reminder(s)." in runner.invoke(args=["reminders", "send"]).output
