"""Exactly once and never lost: reruns and a second process send nothing again; after the scheduler was
down, what fell due is sent on the next run, and reminders long past come together in one summary mail."""

from datetime import date, timedelta

from sqlalchemy import select

from agreements.extensions import db
from agreements.reminders.jobs import send_reminders
from agreements.reminders.models import ReminderKind, SentReminder
from agreements.reminders.rules import set_rules
from tests.support.messages import take_mail
from tests.support.reminders import at, run_day


def test_the_reminder_job_run_twice_sends_once(signed, editor):
    agreement = signed(end_date=date(2027, 7, 31))
    assert send_reminders(at(date(2027, 7, 1))) == 1
    assert send_reminders(at(date(2027, 7, 1))) == 0
    assert send_reminders(at(date(2027, 7, 1), hour=15)) == 0
    db.session.commit()
    assert [m.subject for m in take_mail()[editor.email]] == [
        f"Agreement ends 31.7.2027: {agreement.title} ({agreement.reference})"
    ]


def test_a_scheduler_down_for_three_days_catches_up_without_duplicates(signed, editor):
    # reminders of the three agreements fall due on 28.6., 29.6. and 1.7. at 8.00; the scheduler was down
    # from the evening of 27.6. and runs again on 1.7. at 9.00
    long_past = signed(title="Kaksi päivää myöhässä", end_date=date(2027, 7, 28))
    just_missed = signed(title="Eilen", end_date=date(2027, 7, 30))
    due_today = signed(title="Tänään", end_date=date(2027, 7, 31))
    assert run_day(date(2027, 6, 27), hour=20) == {}

    messages = run_day(date(2027, 7, 1))[editor.email]

    subjects = sorted(message.subject for message in messages)
    assert subjects == sorted(
        [
            "1 reminder that could not be sent on time",
            f"Agreement ends 30.7.2027: {just_missed.title} ({just_missed.reference})",
            f"Agreement ends 31.7.2027: {due_today.title} ({due_today.reference})",
        ]
    )
    [summary] = [m for m in messages if m.subject.startswith("1 reminder")]
    assert f"Agreement ending: {long_past.title} ({long_past.reference})" in summary.body_text
    assert f"/agreements/{long_past.id}" in summary.body_text
    assert run_day(date(2027, 7, 1), hour=10) == {}
    assert run_day(date(2027, 7, 2)) == {}
    kept = db.session.scalars(select(SentReminder).order_by(SentReminder.agreement_id)).all()
    assert [(r.agreement_id, r.folded) for r in kept] == [
        (long_past.id, True),
        (just_missed.id, False),
        (due_today.id, False),
    ]


def test_after_a_long_outage_earlier_reminders_of_one_deadline_are_covered_by_the_latest(signed, editor):
    agreement = signed(end_date=date(2027, 7, 31))
    messages = run_day(date(2027, 7, 25))[editor.email]  # both the 30-day and the 7-day reminder are due
    assert [m.subject for m in messages] == [
        f"Agreement ends 31.7.2027: {agreement.title} ({agreement.reference})"
    ]
    kinds = db.session.scalars(select(SentReminder.kind).order_by(SentReminder.kind)).all()
    assert kinds == ["end_of_validity_30d", "end_of_validity_7d"]


def test_an_agreement_days_set_replace_the_defaults_and_off_means_none(signed, editor):
    own = signed(title="Omat päivät", end_date=date(2027, 7, 31))
    silent = signed(title="Ei muistutuksia", end_date=date(2027, 7, 31))
    set_rules(own, {ReminderKind.END_OF_VALIDITY: (60,)}, editor)
    set_rules(silent, {ReminderKind.END_OF_VALIDITY: (), ReminderKind.NOTICE_DEADLINE: ()}, editor)
    db.session.commit()

    mailed = {}
    for offset in range(70):
        day = date(2027, 5, 23) + timedelta(days=offset)
        for message in run_day(day).get(editor.email, []):
            mailed.setdefault(message.subject, []).append(day)
    assert mailed == {f"Agreement ends 31.7.2027: {own.title} ({own.reference})": [date(2027, 6, 1)]}


def test_a_claim_is_undone_with_the_job_that_rolls_back(signed, editor):
    signed(end_date=date(2027, 7, 31))
    assert send_reminders(at(date(2027, 7, 1))) == 1
    db.session.rollback()  # as the scheduler does when a job fails after claiming
    assert db.session.scalars(select(SentReminder)).all() == []
    assert send_reminders(at(date(2027, 7, 1))) == 1  # so the next run sends it: it is not lost
