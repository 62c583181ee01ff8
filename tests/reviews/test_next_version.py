"""The next version after a comment round: it records which comments it answers, the edit page offers
them, the redline and the version history show them — within what each reader may see of the round."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from agreements.core.audit import AuditEvent
from agreements.core.timeutil import utcnow
from agreements.drafting import operations as drafting
from agreements.extensions import db
from agreements.reviews import operations
from agreements.reviews.models import Resolution, RoundVisibility
from tests.support.client import log_in
from tests.support.pages import form_values
from tests.support.review_world import open_plain_round
from tests.support.review_world import save_next_version as save_next

REFUSED = "A version can answer only comments made in this agreement's comment rounds"
FIELDSET = "Comments this version answers"


@pytest.fixture
def agreement(make_agreement, workshop, drafter, provider, other_provider):
    """A draft whose parties include both invited providers, so their members read its pages."""
    return make_agreement(owner=workshop, providers=[provider, other_provider], created_by=drafter)


def page_text(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def edit_url(agreement) -> str:
    return f"/agreements/{agreement.id}/edit"


def compare_url(agreement, old=1, new=2) -> str:
    return f"/agreements/{agreement.id}/compare?from={old}&to={new}"


# -- the operation ---------------------------------------------------------------------------------------


def test_a_saved_version_records_the_comments_it_answers(comment_round, agreement, commenter, drafter):
    on_places = operations.add_comment(comment_round, commenter, "Paikkoja on liian vähän.", "details")
    on_whole = operations.add_comment(comment_round, commenter, "Hyvä pohja.")
    version = save_next(agreement, drafter, [on_places, on_whole], places=5)
    db.session.expire_all()
    assert version.number == 2
    assert version.answered_comments == [on_places, on_whole]
    assert on_places.answered_in == [version]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement.save")).one()
    assert event.details["answered_comments"] == [on_places.id, on_whole.id]


def test_answering_comments_alone_makes_no_version(comment_round, agreement, commenter, drafter):
    comment = operations.add_comment(comment_round, commenter, "Paikkoja on liian vähän.", "details")
    assert save_next(agreement, drafter, [comment]) is None
    assert agreement.current_version_number == 1
    assert comment.answered_in == []


@pytest.fixture
def foreign_comment(make_agreement, workshop, drafter, provider, commenter):
    """A comment in a round of another agreement of the same workshop."""
    other = make_agreement(owner=workshop, providers=[provider], created_by=drafter)
    other_round = open_plain_round(other, drafter, utcnow() + timedelta(days=14), [provider])
    return operations.add_comment(other_round, commenter, "Toisen sopimuksen kommentti.")


@pytest.mark.parametrize("kind", ["of another agreement", "a reply", "withdrawn"])
def test_only_live_comments_of_the_agreement_can_be_answered(
    kind, comment_round, agreement, commenter, drafter, request
):
    comment = operations.add_comment(comment_round, commenter, "Paikkoja on liian vähän.", "details")
    if kind == "of another agreement":
        comment = request.getfixturevalue("foreign_comment")
    elif kind == "a reply":
        comment = operations.add_comment(comment_round, drafter, "Lisätään.", parent=comment)
    else:
        operations.withdraw_comment(comment, commenter)
    with pytest.raises(drafting.InvalidAgreement, match=REFUSED) as refusal:
        save_next(agreement, drafter, [comment], places=5)
    assert list(refusal.value.errors) == ["answered_comments"]
    db.session.rollback()
    assert agreement.current_version_number == 1


# -- the edit page ---------------------------------------------------------------------------------------


@pytest.fixture
def comments(comment_round, commenter, other_commenter, drafter):
    """A resolved comment on a section already answered in version 2, a comment on the whole document, a
    reply and a withdrawn comment."""
    on_places = operations.add_comment(comment_round, commenter, "Paikkoja on liian vähän.", "details")
    operations.resolve_comment(on_places, Resolution.ACCEPTED, "Lisätään kaksi paikkaa.", drafter)
    on_whole = operations.add_comment(comment_round, other_commenter, "Hyvä pohja, kiitos.")
    reply = operations.add_comment(comment_round, drafter, "Kiitos palautteesta.", parent=on_whole)
    withdrawn = operations.add_comment(comment_round, commenter, "Unohtakaa tämä.")
    operations.withdraw_comment(withdrawn, commenter)
    save_next(comment_round.agreement, drafter, [on_places], places=5)
    return {"on_places": on_places, "on_whole": on_whole, "reply": reply, "withdrawn": withdrawn}


def post_edit(client, agreement, comment_ids, **fields):
    """Submit the edit page as the browser would, with ``comment_ids`` ticked and ``fields`` changed."""
    data = form_values(client.get(edit_url(agreement)))
    data.update({"answered_comment_ids": [str(comment_id) for comment_id in comment_ids], **fields})
    return client.post(edit_url(agreement), data=data)


def test_the_edit_page_offers_the_comments_unchecked_and_stores_the_chosen(client, comments, drafter):
    agreement = comments["on_places"].round.agreement
    log_in(client, drafter)
    page = client.get(edit_url(agreement))
    text = page_text(page)
    assert FIELDSET in text
    assert (
        "Tredu , 2 Details: “Paikkoja on liian vähän.” · Resolution: Accepted · already answered in version 2"
        in text
    )
    assert "Sataedu , The document as a whole: “Hyvä pohja, kiitos.”" in text
    assert "Kiitos palautteesta." not in text and "Unohtakaa tämä." not in text
    assert "answered_comment_ids" not in form_values(page)
    response = post_edit(client, agreement, [comments["on_whole"].id], **{"field-places": "6"})
    assert response.status_code == 302
    assert agreement.latest_version.number == 3
    assert agreement.latest_version.answered_comments == [comments["on_whole"]]


def test_a_comment_not_offered_is_a_form_error(client, comments, drafter):
    agreement = comments["on_places"].round.agreement
    log_in(client, drafter)
    response = post_edit(client, agreement, [comments["reply"].id], **{"field-places": "6"})
    assert response.status_code == 200
    assert "Choose the comments from the list." in page_text(response)
    assert agreement.current_version_number == 2


def test_the_choice_is_kept_on_errors_and_on_a_conflict(client, comments, drafter):
    agreement = comments["on_places"].round.agreement
    chosen = str(comments["on_whole"].id)
    log_in(client, drafter)
    response = post_edit(client, agreement, [chosen], **{"field-places": "0"})
    assert response.status_code == 200
    assert form_values(response)["answered_comment_ids"] == chosen

    data = form_values(response)
    save_next(agreement, drafter, places=7)  # someone else saves meanwhile
    response = client.post(edit_url(agreement), data={**data, "field-places": "6"})
    assert response.status_code == 409
    assert form_values(response)["answered_comment_ids"] == chosen


def test_without_comments_the_edit_page_has_no_such_fieldset(client, agreement, drafter, comment_round):
    log_in(client, drafter)
    assert FIELDSET not in page_text(client.get(edit_url(agreement)))


# -- the redline and the history -------------------------------------------------------------------------


def test_the_redline_shows_the_answered_comments_by_section(
    client, comment_round, agreement, commenter, other_commenter, drafter
):
    on_places = operations.add_comment(comment_round, commenter, "Paikkoja on liian vähän.", "details")
    operations.resolve_comment(on_places, Resolution.NOT_ACCEPTED, "Tilat eivät riitä.", drafter)
    on_basics = operations.add_comment(comment_round, commenter, "Ohjaaja puuttuu.", "basics")
    on_whole = operations.add_comment(comment_round, other_commenter, "Hyvä pohja.")
    save_next(agreement, drafter, [on_places, on_basics, on_whole], places=5)
    log_in(client, commenter)
    text = page_text(client.get(compare_url(agreement)))
    details = text.index("2 Details")
    answered = text.index("Answered comments")
    assert details < text.index("Comments answered") < text.index("Paikkoja on liian vähän.") < answered
    assert (
        "Tredu , Kalle Kommentoija Paikkoja on liian vähän. Resolution Not accepted "
        "Reasoning Tilat eivät riitä. Answered in Version 2" in text
    )
    # the whole document first, then the sections without changes
    whole, basics = text.index("The document as a whole"), text.index("1 Basics")
    assert answered < whole < text.index("Hyvä pohja.") < basics < text.index("Ohjaaja puuttuu.")
    assert "Sataedu , Outi Oppilaitos Hyvä pohja. Resolution Not resolved yet" in text


@pytest.fixture
def private_answers(open_round, provider, other_provider, commenter, other_commenter, drafter, agreement):
    """A private round in which both providers commented; version 2 answers both comments."""
    comment_round = open_round(
        organisations=[provider, other_provider], visibility=RoundVisibility.DRAFTER_ONLY
    )
    own = operations.add_comment(comment_round, commenter, "Oma huomio paikoista.", "details")
    others = operations.add_comment(comment_round, other_commenter, "Toisen huomio.", "details")
    save_next(agreement, drafter, [own, others], places=5)
    return own, others


@pytest.mark.parametrize(("reader", "sees_others", "count"), [("commenter", False, 1), ("drafter", True, 2)])
def test_a_private_round_shows_others_comments_only_to_the_drafter(
    client, private_answers, agreement, reader, sees_others, count, request
):
    log_in(client, request.getfixturevalue(reader))
    text = page_text(client.get(compare_url(agreement)))
    assert "Oma huomio paikoista." in text
    assert ("Toisen huomio." in text) is sees_others
    history = page_text(client.get(f"/agreements/{agreement.id}/history"))
    assert f"Answers {count} comment" in history


def test_the_history_counts_the_answered_comments_and_links_the_redline(
    client, comment_round, agreement, commenter, other_commenter, drafter
):
    answered = [
        operations.add_comment(comment_round, commenter, "Paikkoja on liian vähän.", "details"),
        operations.add_comment(comment_round, other_commenter, "Hyvä pohja."),
    ]
    save_next(agreement, drafter, answered, places=5)
    save_next(agreement, drafter, places=6)
    log_in(client, commenter)
    response = client.get(f"/agreements/{agreement.id}/history")
    link = f'href="/agreements/{agreement.id}/compare?from=1&amp;to=2">Answers 2 comments</a>'
    assert link in response.get_data(as_text=True)
    assert page_text(response).count("None") == 2  # versions 1 and 3 answer nothing
