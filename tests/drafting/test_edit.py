"""Editing a draft: prefilled form, each save a new version, the refusal of a save made after someone
else's with nothing lost, drafts only, and cancelling."""

import re

import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.drafting import lifecycle
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from tests.support.audit import audit_actions
from tests.support.client import log_in
from tests.support.pages import form_values


def edit_url(agreement) -> str:
    return f"/agreements/{agreement.id}/edit"


def test_the_form_is_filled_from_the_latest_version(editor_client, agreement, provider):
    data = form_values(editor_client.get(edit_url(agreement)))
    assert data["title"] == "Yhteistyösopimus työelämässä oppimisesta"
    assert data["base_version"] == "1"
    assert data["start_date"] == "2026-08-01"
    assert data["field-instructor"] == "Maija Ohjaaja"
    assert data["field-fee"] == "120.50"
    assert data["field-insured"] == "y"
    assert data["field-units-0-name"] == "Puusepänalan perustutkinto"
    assert data["party_ids"] == [str(provider.id)]


def test_a_save_makes_a_new_version_with_who_and_why(editor_client, agreement, editor):
    data = form_values(editor_client.get(edit_url(agreement)))
    data.update({"field-places": "5", "change_note": "Paikkoja lisää"})
    response = editor_client.post(edit_url(agreement), data=data)
    assert response.status_code == 302
    assert "Saved as version 2." in editor_client.get(response.location).get_data(as_text=True)
    latest = agreement.latest_version
    assert (latest.number, latest.created_by, latest.change_note) == (2, editor, "Paikkoja lisää")
    assert latest.values["places"] == 5
    assert agreement.versions[0].values["places"] == 3  # the first version is kept as it was
    assert audit_actions(agreement) == ["agreement.save"]


def test_a_save_without_changes_makes_no_version(editor_client, agreement):
    response = editor_client.post(
        edit_url(agreement), data=form_values(editor_client.get(edit_url(agreement)))
    )
    assert "Nothing was changed" in editor_client.get(response.location).get_data(as_text=True)
    assert agreement.current_version_number == 1


def test_errors_keep_the_input(editor_client, agreement):
    data = form_values(editor_client.get(edit_url(agreement)))
    data.update({"title": "Uusi otsikko", "field-places": "0"})
    response = editor_client.post(edit_url(agreement), data=data)
    assert response.status_code == 200
    assert "Enter a number from 1 to 50." in response.get_data(as_text=True)
    assert form_values(response)["title"] == "Uusi otsikko"
    assert agreement.current_version_number == 1


def test_rows_can_be_added_while_editing(editor_client, agreement):
    data = form_values(
        editor_client.post(
            edit_url(agreement),
            data={**form_values(editor_client.get(edit_url(agreement))), "add_row": "units"},
        )
    )
    data["field-units-1-name"] = "Kokin osaamisala"
    editor_client.post(edit_url(agreement), data=data)
    assert [row["name"] for row in agreement.latest_version.values["units"]] == [
        "Puusepänalan perustutkinto",
        "Kokin osaamisala",
    ]


@pytest.fixture
def second_editor_client(app, make_user, workshop):
    other = app.test_client()
    with other.session_transaction() as session:
        session["locale"] = "en"
    log_in(other, make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Toni Toinen"))
    return other


def test_the_second_of_two_concurrent_saves_is_refused_and_loses_nothing(
    editor_client, second_editor_client, agreement
):
    mine = form_values(second_editor_client.get(edit_url(agreement)))
    theirs = form_values(editor_client.get(edit_url(agreement)))
    theirs.update({"title": "Eevan otsikko", "field-places": "7"})
    assert editor_client.post(edit_url(agreement), data=theirs).status_code == 302

    mine.update({"field-duties": "Tonin tarkennus", "field-places": "4"})
    response = second_editor_client.post(edit_url(agreement), data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    # the conflict is what went wrong: in the error summary at the top, linked to its section
    assert "<title>Error:" in page and 'href="#conflict-heading"' in page.split('id="error-summary"', 1)[1]
    assert "Eeva Editori saved version 2 at" in page
    changes = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]*)</td><td>([^<]*)</td></tr>', page)
    assert changes == [
        ("Title", "Eevan otsikko", "Yhteistyösopimus työelämässä oppimisesta"),
        ("Places", "7", "4"),
    ]
    kept = form_values(response)
    assert kept["field-duties"] == "Tonin tarkennus"
    assert kept["base_version"] == "2"
    assert agreement.current_version_number == 2

    assert second_editor_client.post(edit_url(agreement), data=kept).status_code == 302
    latest = agreement.latest_version
    assert latest.number == 3
    assert latest.values["duties"] == "Tonin tarkennus"
    assert latest.created_by.name == "Toni Toinen"


@pytest.mark.parametrize("status", [s for s in AgreementStatus if s not in lifecycle.EDITABLE])
def test_only_drafts_can_be_edited(editor_client, make_agreement, workshop, status):
    agreement = make_agreement(owner=workshop, status=status)
    page = editor_client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Edit the draft" not in page
    for response in (
        editor_client.get(edit_url(agreement)),
        editor_client.post(edit_url(agreement), data={}),
    ):
        assert response.status_code == 409
        assert (
            f"Only drafts can be edited. This agreement has the status “{status.title}”."
            in response.get_data(as_text=True)
        )
    assert agreement.current_version_number == 1


def test_drafting_goes_on_while_the_draft_is_out_for_comments(editor_client, make_agreement, workshop):
    agreement = make_agreement(owner=workshop, status=AgreementStatus.COMMENTING)
    page = editor_client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Edit the draft" in page
    data = form_values(editor_client.get(edit_url(agreement)))
    data["field-duties"] = "Tarkennettu kommenttien aikana"
    assert editor_client.post(edit_url(agreement), data=data).status_code == 302
    assert agreement.latest_version.number == 2
    assert agreement.versions[0].values["duties"] != "Tarkennettu kommenttien aikana"
    assert agreement.status == AgreementStatus.COMMENTING


def test_cancelling_a_draft_asks_first(editor_client, agreement):
    page = editor_client.get(f"/agreements/{agreement.id}/cancel").get_data(as_text=True)
    assert f"Cancel {agreement.reference}?" in page
    assert agreement.status == AgreementStatus.DRAFT
    response = editor_client.post(f"/agreements/{agreement.id}/cancel", data={"reason": "Ei tarvita"})
    assert response.status_code == 302
    assert f"Agreement {agreement.reference} was cancelled." in editor_client.get(response.location).get_data(
        as_text=True
    )
    assert agreement.status == AgreementStatus.CANCELLED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agreement.cancel"))
    assert event.details == {"from": "draft", "to": "cancelled", "reason": "Ei tarvita"}


def test_cancelling_needs_the_form_token(editor_client, agreement):
    assert editor_client.post(f"/agreements/{agreement.id}/cancel", data={}, csrf=False).status_code == 400
    assert agreement.status == AgreementStatus.DRAFT


def test_a_signed_agreement_cannot_be_cancelled(editor_client, make_agreement, workshop):
    agreement = make_agreement(owner=workshop, status=AgreementStatus.SIGNED)
    assert "Cancel the agreement" not in editor_client.get(f"/agreements/{agreement.id}").get_data(
        as_text=True
    )
    response = editor_client.post(f"/agreements/{agreement.id}/cancel", data={})
    assert response.status_code == 409
    assert "An agreement with the status “Signed” cannot be cancelled." in response.get_data(as_text=True)
    assert agreement.status == AgreementStatus.SIGNED
