"""The round pages: opening a round, reading and commenting by section, answering, resolving, closing."""

import re
from datetime import timedelta

import pytest

from agreements.core.timeutil import HELSINKI, utcnow
from agreements.extensions import db
from agreements.reviews import operations
from agreements.reviews.models import CommentRound, Resolution, RoundStatus, RoundVisibility
from tests.support.factories import PROVIDER


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


@pytest.fixture
def commenter_client(app, login, commenter):
    other = app.test_client()
    with other.session_transaction() as session:
        session["locale"] = "en"
    login(other, commenter)
    return other


def test_the_drafter_opens_a_round_from_the_agreement_page(
    drafter_client, agreement, provider, drafter, make_user
):
    personal = make_user(name="Petra Henkilö")
    assert "Open a comment round" in page(drafter_client, f"/agreements/{agreement.id}")
    form = page(drafter_client, f"/rounds/new/{agreement.id}")
    assert "Who is asked" in form and provider.name in form
    deadline = (utcnow() + timedelta(days=10)).astimezone(HELSINKI)
    response = drafter_client.post(
        f"/rounds/new/{agreement.id}",
        data={
            "version_number": "1",
            "deadline_date": deadline.strftime("%d.%m.%Y"),
            "deadline_time": "15:30",
            "contact_person_id": str(drafter.id),
            "background": "Uusi pohja",
            "questions": "Onko korvaus sopiva?",
            "sections": ["details"],
            "visibility": "drafter_only",
            "organisation_ids": [str(provider.id)],
            "user_emails": personal.email.upper(),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    comment_round = db.session.scalars(db.select(CommentRound)).one()
    assert response.headers["Location"].endswith(f"/rounds/{comment_round.id}")
    local = comment_round.deadline.astimezone(HELSINKI)
    assert (local.date(), local.hour, local.minute) == (deadline.date(), 15, 30)
    assert comment_round.sections == ["details"]
    assert comment_round.visibility == RoundVisibility.DRAFTER_ONLY
    assert {i.organisation_id or i.user_id for i in comment_round.invitations} == {provider.id, personal.id}
    detail = page(drafter_client, f"/rounds/{comment_round.id}")
    assert "Onko korvaus sopiva?" in detail and "Not answered" in detail


def test_a_national_round_invites_every_active_organisation(
    drafter_client, agreement, drafter, provider, other_provider, make_organisation
):
    inactive = make_organisation(kind=PROVIDER, name="Lakkautettu", active=False)
    deadline = (utcnow() + timedelta(days=10)).astimezone(HELSINKI)
    response = drafter_client.post(
        f"/rounds/new/{agreement.id}",
        data={
            "version_number": "1",
            "deadline_date": deadline.strftime("%d.%m.%Y"),
            "deadline_time": "12:00",
            "contact_person_id": str(drafter.id),
            "visibility": "all_invitees",
            "everyone": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    comment_round = db.session.scalars(db.select(CommentRound)).one()
    invited = {invitation.organisation_id for invitation in comment_round.invitations}
    assert {provider.id, other_provider.id} <= invited
    assert inactive.id not in invited and agreement.owner_id not in invited


def test_the_open_form_keeps_input_and_names_problems(drafter_client, agreement, provider):
    response = drafter_client.post(
        f"/rounds/new/{agreement.id}",
        data={
            "version_number": "1",
            "deadline_date": "1.1.2020",
            "deadline_time": "12:00",
            "contact_person_id": "",
            "background": "Säilyy",
            "visibility": "all_invitees",
            "user_emails": "tuntematon@example.fi",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No active user has the address tuntematon@example.fi" in body
    assert "Säilyy" in body
    assert db.session.scalars(db.select(CommentRound)).all() == []


def test_an_invitee_reads_the_document_and_comments_on_a_section(
    commenter_client, comment_round, commenter, provider
):
    detail = page(commenter_client, f"/rounds/{comment_round.id}")
    assert "Comment on this section" in detail and "Comment on the document as a whole" in detail
    assert "Answer for Tredu: no comments" in detail
    response = commenter_client.post(
        f"/rounds/{comment_round.id}/comments",
        data={"slot": "section:details", "body": "Liian pieni korvaus."},
    )
    assert response.status_code == 302
    (comment,) = comment_round.comments
    assert (comment.section_key, comment.author_organisation_id) == ("details", provider.id)
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    assert "Liian pieni korvaus." in page(commenter_client, f"/rounds/{comment_round.id}")


def test_an_empty_comment_is_shown_again_with_the_error(commenter_client, comment_round):
    response = commenter_client.post(
        f"/rounds/{comment_round.id}/comments", data={"slot": "whole", "body": " "}
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<a class="alert-link" href="#comment-body-whole">Comment: Write a comment.</a>' in body
    assert body.startswith("<!doctype html>") and "<title>Error: " in body
    assert comment_round.comments == []


def test_the_comment_box_stops_at_the_longest_comment_kept(commenter_client, comment_round):
    body = page(commenter_client, f"/rounds/{comment_round.id}")
    assert re.search(r'id="comment-body-whole" name="body" rows="4"\s+maxlength="10000"', body)


def test_after_the_deadline_the_text_is_kept_and_nothing_is_added(commenter_client, comment_round):
    comment_round.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    detail = page(commenter_client, f"/rounds/{comment_round.id}")
    assert "The deadline has passed" in detail and "Comment on this section" not in detail
    response = commenter_client.post(
        f"/rounds/{comment_round.id}/comments", data={"slot": "whole", "body": "Myöhässä mutta tärkeä."}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This comment round has closed" in body and "Myöhässä mutta tärkeä." in body
    assert 'href="#unsaved-text">Comment: This comment round has closed' in body
    assert comment_round.comments == []


def test_an_organisation_not_invited_gets_404(app, login, comment_round, make_user, make_organisation):
    outsider = make_user(organisation=make_organisation(kind=PROVIDER, name="Omnia"))
    other = app.test_client()
    login(other, outsider)
    for url in (f"/rounds/{comment_round.id}", f"/rounds/{comment_round.id}/document.docx"):
        assert other.get(url).status_code == 404
    assert (
        other.post(f"/rounds/{comment_round.id}/comments", data={"slot": "whole", "body": "x"}).status_code
        == 404
    )


def test_edit_and_withdraw_one_s_own_comment(commenter_client, comment_round, commenter):
    comment = operations.add_comment(comment_round, commenter, "Ensimmäinen versio.")
    db.session.commit()
    assert "Ensimmäinen versio." in page(commenter_client, f"/rounds/comments/{comment.id}/edit")
    response = commenter_client.post(f"/rounds/comments/{comment.id}/edit", data={"body": "Korjattu."})
    assert response.status_code == 302
    assert comment.body == "Korjattu." and comment.edited_at is not None
    assert "Withdraw your comment?" in page(commenter_client, f"/rounds/comments/{comment.id}/withdraw")
    assert commenter_client.post(f"/rounds/comments/{comment.id}/withdraw").status_code == 302
    assert comment.withdrawn_at is not None
    assert "Korjattu." not in page(commenter_client, f"/rounds/{comment_round.id}")


def test_nobody_edits_another_s_comment(commenter_client, comment_round, other_commenter):
    theirs = operations.add_comment(comment_round, other_commenter, "Heidän.")
    db.session.commit()
    response = commenter_client.post(f"/rounds/comments/{theirs.id}/edit", data={"body": "Muutettu"})
    assert response.status_code == 409
    assert theirs.body == "Heidän."


def test_an_organisation_answers_no_comments(commenter_client, comment_round, provider):
    url = f"/rounds/{comment_round.id}/no-comments?organisation_id={provider.id}"
    assert "No comments from Tredu?" in page(commenter_client, url)
    response = commenter_client.post(
        f"/rounds/{comment_round.id}/no-comments", data={"organisation_id": provider.id}
    )
    assert response.status_code == 302
    invitation = next(i for i in comment_round.invitations if i.organisation_id == provider.id)
    assert invitation.answered_no_comments_at is not None
    assert "Answer for Tredu: no comments" not in page(commenter_client, f"/rounds/{comment_round.id}")


def test_the_drafter_replies_resolves_and_closes(drafter_client, comment_round, commenter):
    comment = operations.add_comment(comment_round, commenter, "Pidempi koeaika.", "details")
    db.session.commit()
    detail = page(drafter_client, f"/rounds/{comment_round.id}")
    assert "No resolution yet" in detail and "1 comment still needs a resolution." in detail
    assert "Tredu" in detail and "Sataedu" in detail  # the answers table
    response = drafter_client.post(
        f"/rounds/{comment_round.id}/comments", data={"slot": f"reply:{comment.id}", "body": "Mietitään."}
    )
    assert response.status_code == 302
    assert [reply.body for reply in comment.replies] == ["Mietitään."]
    resolve_url = f"/rounds/comments/{comment.id}/resolve"
    assert "Pidempi koeaika." in page(drafter_client, resolve_url)
    missing = drafter_client.post(resolve_url, data={"resolution": "accepted", "reasoning": ""})
    assert "Give the reasoning for the resolution." in missing.get_data(as_text=True)
    saved = drafter_client.post(resolve_url, data={"resolution": "partly_accepted", "reasoning": "Osin."})
    assert saved.status_code == 302
    assert comment.resolution == Resolution.PARTLY_ACCEPTED
    assert "Every comment has a resolution" in page(drafter_client, f"/rounds/{comment_round.id}/close")
    assert drafter_client.post(f"/rounds/{comment_round.id}/close").status_code == 302
    assert comment_round.status == RoundStatus.CLOSED
    assert comment_round.summary_shared_at is not None
    assert "Summary report" in page(drafter_client, f"/rounds/{comment_round.id}")


def test_invitees_cannot_resolve_or_close(commenter_client, comment_round, commenter):
    comment = operations.add_comment(comment_round, commenter, "Oma.")
    db.session.commit()
    assert commenter_client.get(f"/rounds/comments/{comment.id}/resolve").status_code == 404
    assert commenter_client.post(f"/rounds/{comment_round.id}/close").status_code == 404
    assert comment_round.is_open


def test_a_withdrawn_comment_has_no_resolve_page(drafter_client, comment_round, commenter):
    comment = operations.add_comment(comment_round, commenter, "Peruttava.")
    operations.withdraw_comment(comment, commenter)
    db.session.commit()
    assert drafter_client.get(f"/rounds/comments/{comment.id}/resolve").status_code == 404
    assert drafter_client.post(f"/rounds/comments/{comment.id}/resolve").status_code == 404


def test_in_a_private_round_invitees_do_not_see_each_other(
    commenter_client, open_round, provider, other_provider, other_commenter
):
    comment_round = open_round(
        organisations=[provider, other_provider], visibility=RoundVisibility.DRAFTER_ONLY
    )
    theirs = operations.add_comment(comment_round, other_commenter, "Salainen näkemys.")
    db.session.commit()
    assert "Salainen näkemys." not in page(commenter_client, f"/rounds/{comment_round.id}")
    assert commenter_client.get(f"/rounds/comments/{theirs.id}/edit").status_code == 404


def test_the_rounds_list_shows_invitations_and_own_rounds(commenter_client, drafter_client, comment_round):
    for client in (commenter_client, drafter_client):
        listing = page(client, "/rounds/")
        assert comment_round.agreement.reference in listing


def test_the_document_under_comment_downloads(commenter_client, comment_round):
    response = commenter_client.get(f"/rounds/{comment_round.id}/document.docx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
    assert re.search(r"_v1\.docx", response.headers["Content-Disposition"])


def test_the_home_page_lists_open_requests_for_views(commenter_client, comment_round, open_round):
    home = page(commenter_client, "/")
    assert "1 comment round asks for your views." in home and comment_round.agreement.title in home
    operations.close_round(comment_round, comment_round.opened_by)
    db.session.commit()
    assert "No comment round is asking for your views." in page(commenter_client, "/")


def test_cancelling_the_agreement_closes_its_open_rounds(drafter_client, comment_round, commenter_client):
    agreement = comment_round.agreement
    assert (
        drafter_client.post(f"/agreements/{agreement.id}/cancel", data={"reason": "Ei tarvita"}).status_code
        == 302
    )
    assert agreement.status.value == "cancelled"
    assert comment_round.status == RoundStatus.CLOSED and comment_round.closed_at is not None
    response = commenter_client.post(
        f"/rounds/{comment_round.id}/comments", data={"slot": "whole", "body": "Vielä"}
    )
    assert response.status_code == 409
