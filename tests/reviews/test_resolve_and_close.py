"""The drafter's side: resolving every comment with a reasoning, closing by hand or at the deadline."""

from datetime import timedelta

import pytest

from agreements.accounts.models import MembershipRole
from agreements.core.errors import OperationRefused
from agreements.drafting.models import AgreementStatus, AgreementVersion
from agreements.extensions import db
from agreements.reviews import operations, queries
from agreements.reviews.models import Resolution, RoundStatus
from tests.support.audit import audit_actions

COPIED = ("title", "start_date", "end_date", "notice_period_months", "auto_renew", "party_ids", "values")


@pytest.fixture
def comment(comment_round, commenter):
    return operations.add_comment(comment_round, commenter, "Korvaus on liian pieni.", "details")


@pytest.mark.parametrize("resolution", list(Resolution))
def test_the_drafter_resolves_a_comment_with_a_reasoning(comment_round, comment, drafter, resolution):
    operations.resolve_comment(comment, resolution, "  Korvausta korotetaan.  ", drafter)
    db.session.commit()
    assert comment.resolution == resolution
    assert comment.resolution_reasoning == "Korvausta korotetaan."
    assert comment.resolved_by == drafter and comment.resolved_at is not None
    assert queries.unresolved_comments(comment_round) == []


def test_a_resolution_needs_a_reasoning(comment, drafter):
    with pytest.raises(OperationRefused, match="Give the reasoning for the resolution"):
        operations.resolve_comment(comment, Resolution.NOTED, "   ", drafter)
    assert comment.resolution is None


def test_only_the_drafting_organisations_editors_resolve(comment, commenter, make_user, workshop):
    viewer = make_user(organisation=workshop, role=MembershipRole.VIEWER)
    for user in (commenter, viewer):
        with pytest.raises(OperationRefused, match="Only editors of the drafting organisation"):
            operations.resolve_comment(comment, Resolution.ACCEPTED, "Hyvä.", user)


def test_a_withdrawn_comment_is_not_resolved(comment, commenter, drafter):
    operations.withdraw_comment(comment, commenter)
    with pytest.raises(OperationRefused, match="This comment has been withdrawn"):
        operations.resolve_comment(comment, Resolution.NOTED, "Tiedoksi.", drafter)


def test_closing_the_round_by_hand_returns_the_agreement_to_draft(comment_round, agreement, drafter, comment):
    operations.close_round(comment_round, drafter)
    db.session.commit()
    assert comment_round.status == RoundStatus.CLOSED
    assert comment_round.closed_by == drafter and comment_round.closed_at is not None
    assert agreement.status == AgreementStatus.DRAFT
    assert audit_actions(agreement)[-2:] == ["agreement.open_for_comments", "agreement.return_to_draft"]
    # comments are resolved after the round has closed, too
    operations.resolve_comment(comment, Resolution.PARTLY_ACCEPTED, "Osittain.", drafter)
    assert queries.unresolved_comments(comment_round) == []


def test_a_closed_round_is_not_closed_again(comment_round, drafter):
    operations.close_round(comment_round, drafter)
    with pytest.raises(OperationRefused, match="This comment round has closed"):
        operations.close_round(comment_round, drafter)


def test_only_the_drafting_organisations_editors_close(comment_round, commenter):
    with pytest.raises(OperationRefused, match="Only editors of the drafting organisation"):
        operations.close_round(comment_round, commenter)
    assert comment_round.is_open


def test_the_agreement_stays_out_for_comments_while_another_round_is_open(
    open_round, provider, agreement, drafter
):
    first = open_round(organisations=[provider])
    open_round(organisations=[provider])
    operations.close_round(first, drafter)
    assert agreement.status == AgreementStatus.COMMENTING


def test_expired_rounds_close_once(open_round, provider, agreement, drafter):
    soon = open_round(organisations=[provider], deadline=operations.utcnow() + timedelta(days=1))
    later = open_round(organisations=[provider], deadline=operations.utcnow() + timedelta(days=10))
    two_days_on = operations.utcnow() + timedelta(days=2)

    assert operations.close_expired_rounds(now=two_days_on) == [soon]
    assert operations.close_expired_rounds(now=two_days_on) == []
    db.session.commit()
    assert soon.status == RoundStatus.CLOSED and soon.closed_by is None
    assert later.is_open and agreement.status == AgreementStatus.COMMENTING

    assert operations.close_expired_rounds(now=two_days_on + timedelta(days=10)) == [later]
    assert agreement.status == AgreementStatus.DRAFT
    assert audit_actions(agreement).count("agreement.return_to_draft") == 1


def test_an_expired_round_of_a_cancelled_agreement_closes_without_moving_it(
    comment_round, agreement, drafter
):
    from agreements.drafting import lifecycle

    lifecycle.cancel_draft(agreement, drafter)
    assert operations.close_expired_rounds(now=comment_round.deadline) == [comment_round]
    assert agreement.status == AgreementStatus.CANCELLED


def test_a_new_version_records_the_comments_it_answers(comment_round, comment, agreement, drafter):
    first = agreement.versions[0]
    second = AgreementVersion(
        number=2,
        created_by=drafter,
        change_note="Korvausta korotettu kommenttien perusteella.",
        answered_comments=[comment],
        **{key: getattr(first, key) for key in COPIED},
    )
    agreement.versions.append(second)
    db.session.commit()
    db.session.expire_all()
    assert second.answered_comments == [comment]
    assert comment.answered_in == [second]
