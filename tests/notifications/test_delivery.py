"""How notifications reach people: immediately by mail, in the daily digest, or only in the service."""

import threading
import time
from datetime import timedelta

import pytest
from flask import current_app

from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.notifications.jobs import SCHEDULE, send_daily_digests
from agreements.notifications.models import Delivery, NotificationKind
from agreements.notifications.operations import notify, set_preferences
from agreements.reviews import operations
from tests.support.messages import mails_to, notifications_of
from tests.support.review_world import round_url
from tests.support.signing import helsinki

KIND = NotificationKind


def test_by_default_a_round_invitation_is_listed_and_mailed_at_once(open_round, provider, commenter, drafter):
    comment_round = open_round(organisations=[provider])

    (notification,) = notifications_of(commenter)
    (mail,) = mails_to(commenter)
    assert notification.kind == KIND.COMMENT_REQUESTS
    assert (
        notification.subject
        == mail.subject
        == f"Request for comments: {comment_round.agreement.title} "
        + (f"({comment_round.agreement.reference})")
    )
    assert notification.body_text == mail.body_text
    assert notification.link == round_url(comment_round)
    assert notification.read_at is None and notification.mailed_at is not None
    assert mail.caused_by_id == drafter.id


def test_off_lists_the_notification_without_mail(
    open_round, provider, commenter, other_commenter, other_provider
):
    set_preferences(commenter, {KIND.COMMENT_REQUESTS: Delivery.OFF})

    open_round(organisations=[provider, other_provider])

    assert [n.kind for n in notifications_of(commenter)] == [KIND.COMMENT_REQUESTS]
    assert mails_to(commenter) == []
    assert send_daily_digests(utcnow() + timedelta(days=1)) == 0
    assert mails_to(commenter) == []
    # the choice is the commenter's alone
    assert len(mails_to(other_commenter)) == 1


def test_a_preference_covers_only_its_own_kind(open_round, provider, commenter, drafter):
    set_preferences(commenter, {KIND.COMMENT_ACTIVITY: Delivery.OFF})
    open_round(organisations=[provider])
    assert len(mails_to(commenter)) == 1


def test_daily_notifications_wait_for_one_digest_that_holds_them_all(
    open_round, provider, commenter, drafter, agreement
):
    set_preferences(commenter, {KIND.COMMENT_REQUESTS: Delivery.DAILY, KIND.COMMENT_ACTIVITY: Delivery.DAILY})
    comment_round = open_round(organisations=[provider])
    operations.add_comment(comment_round, commenter, "Korvaus on sopiva.")
    operations.close_round(comment_round, drafter)
    db.session.commit()

    invitation, closed = notifications_of(commenter)
    assert (invitation.kind, closed.kind) == (KIND.COMMENT_REQUESTS, KIND.COMMENT_ACTIVITY)
    assert mails_to(commenter) == []

    assert send_daily_digests(utcnow() + timedelta(minutes=1)) == 1
    db.session.commit()

    (digest,) = mails_to(commenter)
    assert digest.subject == "Your daily summary: 2 notifications"
    body = digest.body_text
    assert body.startswith("Hello Kalle Kommentoija,")
    assert "These 2 notifications came since your last summary (times in Finnish time):" in body
    first = f"- {helsinki(invitation.created_at)} {invitation.subject}\n  {round_url(comment_round)}"
    second = f"- {helsinki(closed.created_at)} {closed.subject}\n  {round_url(comment_round)}"
    assert first in body and second in body
    assert body.index(first) < body.index(second)  # oldest first
    assert f"{current_app.config['BASE_URL']}/notifications/preferences" in body
    assert all(n.mailed_at is not None for n in notifications_of(commenter))

    # a rerun, or a second scheduler, finds nothing left to send
    assert send_daily_digests(utcnow() + timedelta(minutes=2)) == 0
    assert len(mails_to(commenter)) == 1


def test_the_digest_takes_only_what_came_before_its_run(open_round, provider, commenter):
    set_preferences(commenter, {KIND.COMMENT_REQUESTS: Delivery.DAILY})
    before = utcnow() - timedelta(minutes=1)
    open_round(organisations=[provider])

    assert send_daily_digests(before) == 0
    assert mails_to(commenter) == []
    assert send_daily_digests() == 1


def test_inactive_users_get_nothing(make_user):
    retired = make_user(active=False)
    assert notify(retired, KIND.RENEWAL, "round_invitation") is None
    assert notifications_of(retired) == [] and mails_to(retired) == []


def test_an_inactive_user_gets_no_digest(open_round, provider, commenter):
    set_preferences(commenter, {KIND.COMMENT_REQUESTS: Delivery.DAILY})
    open_round(organisations=[provider])
    commenter.active = False
    db.session.commit()
    assert send_daily_digests(utcnow() + timedelta(minutes=1)) == 0
    assert mails_to(commenter) == []


def test_the_digest_is_scheduled_every_morning():
    (job,) = SCHEDULE
    assert (job.id, job.func, job.trigger, job.trigger_args) == (
        "notifications.daily_digest",
        send_daily_digests,
        "cron",
        {"hour": 7, "minute": 0},
    )


@pytest.mark.postgresql
@pytest.mark.committing  # threads, each with its own connection
def test_two_processes_at_once_send_one_digest(app, open_round, provider, commenter):
    """Both runs find the waiting notifications; the second waits for the first's row locks, then has none."""
    set_preferences(commenter, {KIND.COMMENT_REQUESTS: Delivery.DAILY})
    open_round(organisations=[provider])
    db.session.commit()
    now = utcnow() + timedelta(minutes=1)
    barrier = threading.Barrier(2)

    def run() -> int:
        with app.app_context():
            barrier.wait()
            count = send_daily_digests(now)
            time.sleep(0.1)  # hold the claim a moment before committing
            db.session.commit()
            return count

    results = []
    threads = [threading.Thread(target=lambda: results.append(run())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [0, 1]
    assert len(mails_to(commenter)) == 1
