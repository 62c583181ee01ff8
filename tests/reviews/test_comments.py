"""Commenting: by section or on the whole, threads, editing and withdrawing, the deadline, "no comments"."""

import re
from datetime import timedelta

import pytest

from agreements.accounts.models import MembershipRole
from agreements.core.errors import OperationRefused
from agreements.extensions import db
from agreements.reviews import operations, queries
from agreements.reviews.models import RoundVisibility
from tests.support.factories import PROVIDER

CLOSED = re.escape("This comment round has closed: comments can no longer be added or changed.")


def after_deadline(comment_round):
    return comment_round.deadline + timedelta(seconds=1)


def test_an_invitee_comments_on_a_section_and_on_the_whole(comment_round, commenter, provider):
    on_section = operations.add_comment(comment_round, commenter, "  Korvaus on liian pieni.  ", "details")
    on_whole = operations.add_comment(comment_round, commenter, "Hyvä pohja.")
    db.session.commit()
    assert (on_section.section_key, on_section.body) == ("details", "Korvaus on liian pieni.")
    assert on_whole.section_key is None
    assert on_section.author_organisation == provider
    assert queries.unresolved_comments(comment_round) == [on_section, on_whole]


def test_the_section_must_be_in_the_document(comment_round, commenter):
    with pytest.raises(OperationRefused, match="no section “appendix”"):
        operations.add_comment(comment_round, commenter, "Liite puuttuu.", "appendix")


def test_an_empty_comment_is_refused(comment_round, commenter):
    with pytest.raises(OperationRefused, match="Write a comment"):
        operations.add_comment(comment_round, commenter, "   ")


def test_an_organisation_not_invited_cannot_comment(comment_round, make_user, make_organisation):
    outsider = make_user(organisation=make_organisation(kind=PROVIDER, name="Omnia"))
    with pytest.raises(OperationRefused, match="You are not invited to comment in this round"):
        operations.add_comment(comment_round, outsider, "Saammeko mekin sanoa?")


def test_the_drafter_replies_in_a_thread_but_does_not_start_one(comment_round, commenter, drafter, workshop):
    comment = operations.add_comment(comment_round, commenter, "Miksi kolme kuukautta?", "basics")
    reply = operations.add_comment(comment_round, drafter, "Laki edellyttää.", parent=comment)
    answer = operations.add_comment(comment_round, commenter, "Selvä, kiitos.", parent=reply)
    assert reply.parent == comment and answer.parent == reply
    assert reply.section_key == "basics" and reply.author_organisation == workshop
    assert comment.replies == [reply]
    # replies are discussion; only the comment itself waits for a resolution
    assert queries.unresolved_comments(comment_round) == [comment]
    with pytest.raises(OperationRefused, match="not invited"):
        operations.add_comment(comment_round, drafter, "Oma huomio.")


def test_no_comment_after_the_deadline(comment_round, commenter):
    comment = operations.add_comment(comment_round, commenter, "Ajoissa.")
    late = after_deadline(comment_round)
    with pytest.raises(OperationRefused, match=CLOSED):
        operations.add_comment(comment_round, commenter, "Myöhässä.", now=late)
    with pytest.raises(OperationRefused, match=CLOSED):
        operations.add_comment(comment_round, commenter, "Myöhässä.", parent=comment, now=late)
    with pytest.raises(OperationRefused, match=CLOSED):
        operations.edit_comment(comment, commenter, "Muutettu.", now=late)
    with pytest.raises(OperationRefused, match=CLOSED):
        operations.withdraw_comment(comment, commenter, now=late)
    assert comment.body == "Ajoissa." and comment.withdrawn_at is None


def test_no_comment_in_a_closed_round(comment_round, commenter, drafter):
    operations.close_round(comment_round, drafter)
    with pytest.raises(OperationRefused, match=CLOSED):
        operations.add_comment(comment_round, commenter, "Vielä yksi.")


def test_the_author_edits_and_withdraws_before_the_deadline(comment_round, commenter):
    comment = operations.add_comment(comment_round, commenter, "Ensimmäinen ajatus.")
    operations.edit_comment(comment, commenter, "Parempi ajatus.")
    assert comment.body == "Parempi ajatus." and comment.edited_at is not None
    operations.withdraw_comment(comment, commenter)
    db.session.commit()
    assert comment.withdrawn_at is not None
    assert queries.unresolved_comments(comment_round) == []
    assert queries.visible_comments(comment_round, commenter) == []
    with pytest.raises(OperationRefused, match="This comment has been withdrawn"):
        operations.edit_comment(comment, commenter, "Takaisin.")
    assert audit_actions_of(comment) == ["comment.add", "comment.edit", "comment.withdraw"]


def audit_actions_of(comment) -> list[str]:
    from sqlalchemy import select

    from agreements.core.audit import AuditEvent

    query = select(AuditEvent.action).where(
        AuditEvent.object_type == "comments", AuditEvent.object_id == comment.id
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_only_the_author_edits_or_withdraws(comment_round, commenter, make_user, provider):
    colleague = make_user(organisation=provider, role=MembershipRole.EDITOR)
    comment = operations.add_comment(comment_round, commenter, "Oma kommentti.")
    with pytest.raises(OperationRefused, match="Only the author"):
        operations.edit_comment(comment, colleague, "Toisen muokkaama.")
    with pytest.raises(OperationRefused, match="Only the author"):
        operations.withdraw_comment(comment, colleague)


def test_an_organisation_answers_no_comments_once(comment_round, commenter, provider):
    invitation = operations.answer_no_comments(comment_round, provider, commenter)
    first = invitation.answered_no_comments_at
    assert first is not None and invitation.answered_no_comments_by_id == commenter.id
    operations.answer_no_comments(comment_round, provider, commenter)
    assert invitation.answered_no_comments_at == first


def test_no_comments_only_for_an_invited_organisation_by_its_member(
    comment_round, commenter, provider, other_provider, workshop, drafter
):
    with pytest.raises(OperationRefused, match="not invited"):
        operations.answer_no_comments(comment_round, other_provider, commenter)
    with pytest.raises(OperationRefused, match="not invited"):
        operations.answer_no_comments(comment_round, workshop, drafter)
    with pytest.raises(OperationRefused, match=CLOSED):
        operations.answer_no_comments(comment_round, provider, commenter, now=after_deadline(comment_round))


def test_everyone_sees_every_comment_in_an_open_visibility_round(comment_round, commenter, other_commenter):
    mine = operations.add_comment(comment_round, commenter, "Tredun näkemys.")
    theirs = operations.add_comment(comment_round, other_commenter, "Sataedun näkemys.")
    assert queries.visible_comments(comment_round, commenter) == [mine, theirs]


def test_a_private_round_hides_other_invitees_comments(
    open_round, provider, other_provider, commenter, other_commenter, drafter, make_user
):
    comment_round = open_round(
        organisations=[provider, other_provider], visibility=RoundVisibility.DRAFTER_ONLY
    )
    mine = operations.add_comment(comment_round, commenter, "Tredun näkemys.")
    theirs = operations.add_comment(comment_round, other_commenter, "Sataedun näkemys.")
    reply = operations.add_comment(comment_round, drafter, "Kiitos, Sataedu.", parent=theirs)
    colleague = make_user(organisation=provider, role=MembershipRole.VIEWER)
    assert queries.visible_comments(comment_round, commenter) == [mine]
    assert queries.visible_comments(comment_round, colleague) == [mine]
    assert queries.visible_comments(comment_round, other_commenter) == [theirs, reply]
    assert queries.visible_comments(comment_round, drafter) == [mine, theirs, reply]
    with pytest.raises(OperationRefused):
        operations.add_comment(comment_round, commenter, "Vastaan Sataedulle.", parent=theirs)
