"""Forms that make something do it once: a new agreement, a comment round, a signature request and a notice.

Each form carries a one-time token; the same form sent again (Back and submit, a double click, two tabs at
once) takes the user to what the first submission made, and a freshly shown form makes a new one.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from agreements.accounts.models import MembershipRole
from agreements.core.once import KEPT_FOR, FormSubmission, forget_old_submissions
from agreements.core.timeutil import HELSINKI, helsinki_today, utcnow
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reviews.models import CommentRound
from agreements.signatures.models import SignatureRequest
from tests.support.client import logged_in
from tests.support.pages import form_values, page_text

AGREEMENT_FIELDS = {
    "title": "Yhteistyösopimus työelämässä oppimisesta",
    "start_date": "2026-08-01",
    "end_date": "2027-07-31",
    "notice_period_months": "6",
    "field-instructor": "Maija Ohjaaja",
    "field-duties": "Perehdytys",
    "field-first_day": "10.8.2026",
    "field-places": "4",
    "field-fee": "1 250,50",
    "field-billing": "yearly",
}
AGREEMENT_AGAIN = "This form was already sent; here is the agreement it created."


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def new_agreement_form(client, template_version, workshop, provider) -> dict:
    """The new-agreement form as shown, filled in."""
    url = f"/agreements/new?template_version_id={template_version.id}&language=fi&owner_id={workshop.id}"
    return {**form_values(client.get(url)), **AGREEMENT_FIELDS, "party_ids": [str(provider.id)]}


@pytest.fixture
def editor_client(app, editor):
    return logged_in(app, editor)


def test_each_showing_of_the_form_carries_a_new_unguessable_token(
    editor_client, template_version, workshop, provider
):
    first = new_agreement_form(editor_client, template_version, workshop, provider)["submission_token"]
    second = new_agreement_form(editor_client, template_version, workshop, provider)["submission_token"]
    assert len(first) == len(second) == 43 and first != second


def test_a_submission_is_remembered_for_thirty_days_then_forgotten(
    editor_client, template_version, workshop, provider
):
    data = new_agreement_form(editor_client, template_version, workshop, provider)
    made = editor_client.post("/agreements/new", data=data).headers["Location"]
    now = utcnow()
    assert forget_old_submissions(now + KEPT_FOR - timedelta(minutes=1)) == 0
    assert editor_client.post("/agreements/new", data=data).headers["Location"] == made
    assert forget_old_submissions(now + KEPT_FOR + timedelta(minutes=1)) == 1
    assert count(FormSubmission) == 0


def test_a_new_agreement_sent_twice_is_made_once_and_the_second_answer_shows_it(
    editor_client, template_version, workshop, provider
):
    data = new_agreement_form(editor_client, template_version, workshop, provider)
    first = editor_client.post("/agreements/new", data=data)
    assert first.status_code == 302, page_text(first)[:2000]
    again = editor_client.post("/agreements/new", data=data)
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert count(Agreement) == 1
    shown = page_text(editor_client.get(again.headers["Location"]))
    assert AGREEMENT_AGAIN in shown and AGREEMENT_FIELDS["title"] in shown

    fresh = new_agreement_form(editor_client, template_version, workshop, provider)
    second = editor_client.post("/agreements/new", data=fresh)
    assert second.status_code == 302 and second.headers["Location"] != first.headers["Location"]
    assert count(Agreement) == 2


def test_a_form_corrected_after_an_error_keeps_its_token_and_is_made_once(
    editor_client, template_version, workshop, provider
):
    data = new_agreement_form(editor_client, template_version, workshop, provider)
    refused = editor_client.post("/agreements/new", data={**data, "title": ""})
    assert refused.status_code == 200 and form_values(refused)["submission_token"] == data["submission_token"]
    assert count(FormSubmission) == 0  # nothing made, nothing recorded
    made = editor_client.post("/agreements/new", data=data)
    assert made.status_code == 302
    assert editor_client.post("/agreements/new", data=data).headers["Location"] == made.headers["Location"]
    assert count(Agreement) == 1


def test_another_users_token_shows_nothing_of_what_it_made(
    app, editor_client, template_version, workshop, provider, make_user, make_organisation
):
    data = new_agreement_form(editor_client, template_version, workshop, provider)
    made = editor_client.post("/agreements/new", data=data)
    assert made.status_code == 302
    other_workshop = make_organisation(kind=OrganisationKind.WORKSHOP, name="Toinen Paja")
    stranger = make_user(organisation=other_workshop, role=MembershipRole.EDITOR, name="Ville Vieras")
    response = logged_in(app, stranger).post("/agreements/new", data=data)
    assert response.status_code == 400 and "Location" not in response.headers
    assert AGREEMENT_FIELDS["title"] not in page_text(response)
    assert count(Agreement) == 1


def test_a_token_of_another_kind_of_form_is_refused(editor_client, template_version, workshop, provider):
    data = new_agreement_form(editor_client, template_version, workshop, provider)
    editor_client.post("/agreements/new", data=data)
    agreement = db.session.scalars(select(Agreement)).one()
    notice = {"submission_token": data["submission_token"], "given_by": str(provider.id)}
    agreement.status = AgreementStatus.SIGNED
    db.session.commit()
    assert editor_client.post(f"/agreements/{agreement.id}/notice", data=notice).status_code == 400


def test_a_malformed_token_is_no_token_and_the_form_still_works(
    editor_client, template_version, workshop, provider
):
    data = new_agreement_form(editor_client, template_version, workshop, provider)
    for token in ("x" * 100_000, "ä" * 43, "&lt;" * 43):
        assert (
            editor_client.post("/agreements/new", data={**data, "submission_token": token}).status_code == 302
        )
    assert count(Agreement) == 3 and count(FormSubmission) == 0


# Comment rounds


def round_form(client, url: str, invited) -> dict:
    """The form opening a round (or a next phase) as shown at ``url``, filled in to invite ``invited``."""
    deadline = (utcnow() + timedelta(days=10)).astimezone(HELSINKI)
    return {
        **form_values(client.get(url)),
        "deadline_date": deadline.strftime("%d.%m.%Y"),
        "deadline_time": "15:30",
        "organisation_ids": [str(invited.id)],
    }


def test_a_comment_round_opened_twice_is_opened_once(editor_client, agreement, provider):
    data = round_form(editor_client, f"/rounds/new/{agreement.id}", provider)
    first = editor_client.post(f"/rounds/new/{agreement.id}", data=data)
    assert first.status_code == 302, page_text(first)[:2000]
    again = editor_client.post(f"/rounds/new/{agreement.id}", data=data)
    assert again.headers["Location"] == first.headers["Location"]
    assert count(CommentRound) == 1
    shown = page_text(editor_client.get(again.headers["Location"]))
    assert "This form was already sent; here is the comment round it opened." in shown

    fresh = round_form(editor_client, f"/rounds/new/{agreement.id}", provider)
    assert editor_client.post(f"/rounds/new/{agreement.id}", data=fresh).status_code == 302
    assert count(CommentRound) == 2


def test_a_next_phase_opened_twice_is_opened_once(editor_client, agreement, provider, make_organisation):
    editor_client.post(
        f"/rounds/new/{agreement.id}", data=round_form(editor_client, f"/rounds/new/{agreement.id}", provider)
    )
    first_phase = db.session.scalars(select(CommentRound)).one()
    other = make_organisation(kind=OrganisationKind.PROVIDER, name="Sasky")
    url = f"/rounds/{first_phase.id}/next-phase"
    data = round_form(editor_client, url, other)
    first = editor_client.post(url, data=data)
    assert first.status_code == 302, page_text(first)[:2000]
    again = editor_client.post(url, data=data)  # without the token: 409, the phase has been opened
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert count(CommentRound) == 2


# Signature requests


def test_sending_for_signature_twice_makes_one_request(
    editor_client, agreement, workshop, provider, make_user
):
    signatories = {
        party: make_user(
            organisation=party, role=MembershipRole.SIGNATORY, name=f"Allekirjoittaja {party.name}"
        )
        for party in (workshop, provider)
    }
    url = f"/signatures/send/{agreement.id}"
    data = form_values(editor_client.get(url))
    for party, person in signatories.items():
        data[f"party_{party.id}-signatory"] = str(person.id)
    first = editor_client.post(url, data=data)
    assert first.status_code == 302, page_text(first)[:2000]
    again = editor_client.post(url, data=data)  # without the token: 409, the agreement was sent already
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert count(SignatureRequest) == 1
    shown = page_text(editor_client.get(again.headers["Location"]))
    assert "This form was already sent; here is the signature request it made." in shown


# Notice


@pytest.fixture
def signed_three(make_agreement, make_organisation, workshop, provider, editor):
    """A signed agreement of the workshop with two providers, in force until 2099."""
    second = make_organisation(kind=OrganisationKind.PROVIDER, name="Sasky")
    today = helsinki_today()
    return make_agreement(
        owner=workshop,
        providers=[provider, second],
        status=AgreementStatus.SIGNED,
        created_by=editor,
        start_date=today - timedelta(days=30),
        end_date=date(2099, 7, 31),
    )


def test_notice_recorded_twice_is_recorded_once_and_a_fresh_form_records_another(
    editor_client, signed_three, workshop, provider
):
    url = f"/agreements/{signed_three.id}/notice"
    data = {**form_values(editor_client.get(url)), "given_by": str(provider.id)}
    first = editor_client.post(url, data=data)
    assert first.status_code == 302, page_text(first)[:2000]
    again = editor_client.post(url, data=data)  # without the token: "Not a valid choice"
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    shown = page_text(editor_client.get(again.headers["Location"]))
    assert "This form was already sent; here is the agreement the notice was recorded on." in shown
    db.session.refresh(signed_three)
    assert signed_three.status == AgreementStatus.SIGNED

    data = {**form_values(editor_client.get(url)), "given_by": str(workshop.id)}
    assert editor_client.post(url, data=data).status_code == 302
    assert editor_client.post(url, data=data).status_code == 302  # ended: the repeat still finds its way
    db.session.refresh(signed_three)
    assert signed_three.status == AgreementStatus.TERMINATED
    assert editor_client.get(url).status_code == 404  # but no notice form for an ended agreement


# Two submissions at the same moment


@pytest.mark.committing  # two requests on their own connections
def test_two_submissions_at_once_make_one_agreement_and_both_show_it(
    app, editor, template_version, workshop, provider
):
    clients = [logged_in(app, editor) for _ in range(2)]
    data = new_agreement_form(clients[0], template_version, workshop, provider)
    barrier = threading.Barrier(2)

    def submit(client):
        barrier.wait()
        return client.post("/agreements/new", data=data)

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(submit, clients))
    assert [response.status_code for response in responses] == [302, 302]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    assert count(Agreement) == 1


@pytest.mark.postgresql
@pytest.mark.committing  # the first submission's transaction is the test's own connection
def test_the_submission_that_loses_the_race_rolls_back_and_shows_the_winners_agreement(
    app, editor, agreement, template_version, workshop, provider
):
    client = logged_in(app, editor)
    data = new_agreement_form(client, template_version, workshop, provider)
    winner = {"token": data["submission_token"], "user": editor.id, "made": agreement.id}
    with db.engine.connect() as first:
        # The first submission has claimed the token and made its agreement, but not committed yet.
        first.execute(
            text(
                "INSERT INTO form_submissions (token, user_id, kind, object_id, created_at) "
                "VALUES (:token, :user, 'agreement', :made, now())"
            ),
            winner,
        )
        with ThreadPoolExecutor(max_workers=1) as pool:
            second = pool.submit(client.post, "/agreements/new", data=data)
            _wait_until_blocked()  # the second has passed the first look and waits to claim the token
            first.commit()
            response = second.result(timeout=60)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/agreements/{agreement.id}")
    assert count(Agreement) == 1  # the fixture's: the second submission made nothing


def _wait_until_blocked() -> None:
    """Wait until another session waits for a lock this connection holds."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    with db.engine.connect() as observer:
        for _ in range(600):
            if observer.execute(waiting).scalar_one():
                return
            observer.rollback()
            threading.Event().wait(0.05)
    raise AssertionError("the second submission never waited for the first")
