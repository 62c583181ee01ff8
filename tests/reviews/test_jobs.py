"""The rounds' due work: digests of new comments and deadline reminders, by function and by command."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole, UILanguage
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.reminders.jobs import send_reminders
from agreements.reminders.models import SentReminder
from agreements.reviews import jobs, operations
from tests.support.factories import PROVIDER
from tests.support.messages import only_mail, take_mail
from tests.support.review_world import round_url

# Digests of new comments


@pytest.fixture
def second_editor(make_user, workshop):
    """A second editor of the drafting workshop."""
    return make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Toinen Editori")


@pytest.fixture
def contact(make_user, workshop):
    """The round's contact person: a viewer of the drafting workshop, in Finnish."""
    return make_user(organisation=workshop, role=MembershipRole.VIEWER, locale=UILanguage.FI)


@pytest.fixture
def digest_round(open_round, provider, other_provider, commenter, other_commenter, second_editor, contact):
    """An open round with both providers invited, a contact person and an empty outbox."""
    comment_round = open_round(organisations=[provider, other_provider], contact_person=contact)
    take_mail()
    return comment_round


@pytest.fixture
def discussion(digest_round, commenter, other_commenter, drafter):
    """Comments on two sections and the whole document, a reply by the drafter and a withdrawn comment."""
    details = operations.add_comment(digest_round, commenter, "Korvaus on liian pieni.", "details")
    operations.add_comment(digest_round, other_commenter, "Hyvä pohja kokonaisuutena.")
    operations.add_comment(digest_round, commenter, "Perustiedot kunnossa.", "basics")
    operations.add_comment(digest_round, drafter, "Katsotaan korvausta.", parent=details)
    withdrawn = operations.add_comment(digest_round, other_commenter, "Hätäinen ajatus.", "basics")
    operations.withdraw_comment(withdrawn, other_commenter)
    db.session.commit()


def soon() -> datetime:
    return utcnow() + timedelta(minutes=1)


def positions(body: str, *texts: str) -> list[int]:
    """Where each text stands in the body; every one must be there."""
    found = [body.find(text) for text in texts]
    assert -1 not in found, body
    return found


def test_one_digest_per_drafter_groups_the_new_comments_by_section(
    discussion, digest_round, drafter, second_editor, contact, agreement
):
    assert jobs.send_comment_digests(soon()) == 3
    messages = take_mail()
    assert set(messages) == {drafter.email, second_editor.email, contact.email}

    digest = only_mail(messages, second_editor)
    assert digest.subject == f"4 new comments on {agreement.reference}"
    body = digest.body_text
    assert f"4 new comments have been made in the comment round on “{agreement.title}” (version 1):" in body
    sections = positions(body, "== The document as a whole ==", "== 1 Basics ==", "== 2 Details ==")
    assert sections == sorted(sections)
    comments = positions(
        body,
        "Outi Oppilaitos, Sataedu",
        "Hyvä pohja kokonaisuutena.",
        "Perustiedot kunnossa.",
        "Korvaus on liian pieni.",
        "Eeva Editori, Tampereen Työpaja (reply)",
        "Katsotaan korvausta.",
    )
    assert comments == sorted(comments) and comments[2] > sections[1] and comments[3] > sections[2]
    assert "Hätäinen ajatus." not in body
    assert round_url(digest_round) in body.split()


def test_the_drafters_own_reply_is_left_out_of_their_digest(discussion, drafter, agreement):
    jobs.send_comment_digests(soon())
    digest = only_mail(take_mail(), drafter)
    assert digest.subject == f"3 new comments on {agreement.reference}"
    assert "Katsotaan korvausta." not in digest.body_text and "(reply)" not in digest.body_text


def test_the_digest_is_in_the_recipients_language(discussion, contact):
    jobs.send_comment_digests(soon())
    body = only_mail(take_mail(), contact).body_text
    assert "== 1 Perustiedot ==" in body and "== 2 Yksityiskohdat ==" in body


def test_a_digest_is_sent_once_and_the_next_has_only_later_comments(
    discussion, digest_round, other_commenter, drafter, second_editor, contact, agreement
):
    first_run = soon()
    jobs.send_comment_digests(first_run)
    take_mail()
    assert jobs.send_comment_digests(first_run + timedelta(minutes=5)) == 0
    assert take_mail() == {}

    later = first_run + timedelta(hours=1)
    operations.add_comment(digest_round, other_commenter, "Vielä yksi asia.", "details", now=later)
    assert jobs.send_comment_digests(later + timedelta(minutes=1)) == 3
    messages = take_mail()
    assert set(messages) == {drafter.email, second_editor.email, contact.email}
    digest = only_mail(messages, drafter)
    assert digest.subject == f"A new comment on {agreement.reference}"
    assert "Vielä yksi asia." in digest.body_text
    for earlier in ("Korvaus on liian pieni.", "Hyvä pohja kokonaisuutena.", "Perustiedot kunnossa."):
        assert earlier not in digest.body_text


def test_a_comment_made_after_the_run_waits_for_the_next(digest_round, commenter, drafter):
    run = soon()
    operations.add_comment(digest_round, commenter, "Myöhemmin.", now=run + timedelta(minutes=1))
    assert jobs.send_comment_digests(run) == 0
    assert jobs.send_comment_digests(run + timedelta(minutes=2)) == 3
    assert "Myöhemmin." in only_mail(take_mail(), drafter).body_text


def test_no_digest_for_a_withdrawn_comment_or_the_drafters_reply_alone(
    digest_round, commenter, drafter, second_editor, contact
):
    comment = operations.add_comment(digest_round, commenter, "Ensimmäinen.")
    jobs.send_comment_digests(soon())
    take_mail()

    later = soon() + timedelta(hours=1)
    withdrawn = operations.add_comment(digest_round, commenter, "Peruttu.", now=later)
    operations.withdraw_comment(withdrawn, commenter, now=later)
    operations.add_comment(digest_round, drafter, "Kiitos.", parent=comment, now=later)
    assert jobs.send_comment_digests(later + timedelta(minutes=1)) == 2
    messages = take_mail()
    assert set(messages) == {second_editor.email, contact.email}
    assert "Peruttu." not in only_mail(messages, second_editor).body_text


# Deadline reminders


@pytest.fixture
def silent_organisation(make_organisation):
    """An invited organisation that has not answered."""
    return make_organisation(kind=PROVIDER, name="Omnia")


@pytest.fixture
def silent(make_user, silent_organisation):
    """A member of the organisation that has not answered."""
    return make_user(organisation=silent_organisation, name="Hiljainen Henkilö")


@pytest.fixture
def expert(make_user):
    """A person invited personally who has not answered."""
    return make_user(name="Erkki Asiantuntija")


@pytest.fixture
def reminded_round(
    open_round,
    provider,
    other_provider,
    silent_organisation,
    silent,
    expert,
    commenter,
    other_commenter,
    make_user,
):
    """A round in which provider has commented and other_provider answered "no comments"; the outbox empty."""
    make_user(organisation=silent_organisation, name="Poissa Oleva", active=False)
    comment_round = open_round(
        organisations=[provider, other_provider, silent_organisation],
        users=[expert],
        deadline=utcnow() + timedelta(days=10),
    )
    operations.add_comment(comment_round, commenter, "Korvaus on liian pieni.", "details")
    operations.answer_no_comments(comment_round, other_provider, other_commenter)
    db.session.commit()
    take_mail()
    return comment_round


def reminder_kinds(comment_round) -> dict[str, set[int]]:
    """Kind of reminder → ids of the users who were sent one about the round."""
    kinds: dict[str, set[int]] = {}
    rows = db.session.scalars(select(SentReminder).where(SentReminder.subject == f"round:{comment_round.id}"))
    for row in rows:
        kinds.setdefault(row.kind, set()).add(row.recipient_id)
    return kinds


def test_reminders_three_days_and_one_day_before_the_deadline_to_those_without_an_answer(
    reminded_round, silent, expert, agreement
):
    deadline = reminded_round.deadline
    assert send_reminders(deadline - timedelta(days=4)) == 0
    assert take_mail() == {}

    assert send_reminders(deadline - timedelta(days=3)) == 2
    messages = take_mail()
    assert set(messages) == {silent.email, expert.email}
    reminder = only_mail(messages, silent)
    assert reminder.subject == f"Comment deadline approaching: {agreement.title} ({agreement.reference})"
    assert "we have no answer from you yet" in reminder.body_text
    assert round_url(reminded_round) in reminder.body_text.split()

    assert send_reminders(deadline - timedelta(days=3)) == 0
    assert send_reminders(deadline - timedelta(days=2)) == 0
    assert take_mail() == {}

    assert send_reminders(deadline - timedelta(days=1)) == 2
    assert set(take_mail()) == {silent.email, expert.email}
    assert send_reminders(deadline - timedelta(hours=1)) == 0
    assert reminder_kinds(reminded_round) == {
        "comment_deadline_3d": {silent.id, expert.id},
        "comment_deadline_1d": {silent.id, expert.id},
    }


def test_a_late_first_run_sends_only_the_most_urgent_reminder(reminded_round, silent, expert):
    assert send_reminders(reminded_round.deadline - timedelta(hours=12)) == 2
    messages = take_mail()
    assert [len(messages[user.email]) for user in (silent, expert)] == [1, 1]
    folded = db.session.scalars(select(SentReminder.kind).where(SentReminder.folded)).all()
    assert sorted(folded) == ["comment_deadline_3d", "comment_deadline_3d"]  # covered by the 1-day one
    assert reminder_kinds(reminded_round) == {
        "comment_deadline_1d": {silent.id, expert.id},
        "comment_deadline_3d": {silent.id, expert.id},
    }


def test_an_answer_stops_the_reminders(reminded_round, silent, expert):
    deadline = reminded_round.deadline
    send_reminders(deadline - timedelta(days=3))
    take_mail()
    operations.add_comment(reminded_round, expert, "Ehdin sittenkin.", now=deadline - timedelta(days=2))
    assert send_reminders(deadline - timedelta(days=1)) == 1
    assert set(take_mail()) == {silent.email}


def test_no_reminders_after_the_deadline_or_for_a_closed_round(reminded_round, drafter):
    deadline = reminded_round.deadline
    assert send_reminders(deadline) == 0
    assert send_reminders(deadline + timedelta(days=1)) == 0

    operations.close_round(reminded_round, drafter, now=deadline - timedelta(days=5))
    take_mail()
    assert send_reminders(deadline - timedelta(days=1)) == 0
    assert take_mail() == {}
    assert reminder_kinds(reminded_round) == {}


# `flask reviews` commands


def test_send_digests_says_how_many_it_queued(app, digest_round, commenter):
    runner = app.test_cli_runner()
    operations.add_comment(digest_round, commenter, "Kommentti.")
    db.session.commit()
    assert "Queued 3 comment digest(s)." in runner.invoke(args=["reviews", "send-digests"]).output
    assert "Queued 0 comment digest(s)." in runner.invoke(args=["reviews", "send-digests"]).output


def test_flask_reminders_send_says_how_many_it_queued(app, open_round, provider, commenter):
    runner = app.test_cli_runner()
    open_round(organisations=[provider], deadline=utcnow() + timedelta(days=2))
    assert "Queued 1 reminder(s)." in runner.invoke(args=["reminders", "send"]).output
    assert "Queued 0 reminder(s)." in runner.invoke(args=["reminders", "send"]).output
