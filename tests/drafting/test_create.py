"""Creating an agreement in the browser: choosing template and language, the generated form, rows added
and removed without JavaScript, validation that keeps the input, party rules, who may create."""

from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.core.timeutil import helsinki_today
from agreements.drafting.models import Agreement
from agreements.extensions import db
from tests.support.audit import audit_actions
from tests.support.client import log_in
from tests.support.factories import PROVIDER, WORKSHOP
from tests.support.pages import form_values
from tests.support.template_package import manifest

FIELDS = {
    "title": "Yhteistyösopimus työelämässä oppimisesta",
    "start_date": "2026-08-01",
    "end_date": "2027-07-31",
    "notice_period_months": "6",
    "auto_renew": "y",
    "field-instructor": "Maija Ohjaaja <vastuu>",
    "field-duties": "Perehdytys & työturvallisuus\nToinen rivi",
    "field-first_day": "10.8.2026",
    "field-places": "4",
    "field-fee": "1 250,50",
    "field-billing": "yearly",
    "field-insured": "y",
    "change_note": "Ensimmäinen luonnos",
}


def start_url(template_version, owner, language: str = "fi") -> str:
    """The full new-agreement form for a template, language and drafting workshop."""
    return (
        f"/agreements/new?template_version_id={template_version.id}&language={language}&owner_id={owner.id}"
    )


def only_agreement() -> Agreement | None:
    return db.session.scalar(select(Agreement))


def test_step_one_offers_the_latest_version_of_each_active_template(editor_client, make_template_version):
    make_template_version(key="alpha")
    second = manifest("alpha")
    second["title"]["en"] = "Alpha, second edition"
    latest = make_template_version(key="alpha", manifest_dict=second)
    retired = make_template_version(key="retired")
    retired.template.active = False
    db.session.commit()
    page = editor_client.get("/agreements/new").get_data(as_text=True)
    assert f'<option value="{latest.id}">Alpha, second edition</option>' in page
    assert page.count("<option") == 2 + 2  # the placeholder and one template; Finnish and Swedish


def test_without_templates_the_page_says_so(editor_client):
    page = editor_client.get("/agreements/new").get_data(as_text=True)
    assert "No agreement templates are available yet." in page


def test_create_with_every_field_type_and_rows_added_without_javascript(
    editor_client, template_version, workshop, provider, editor
):
    data = {**form_values(editor_client.get(start_url(template_version, workshop))), **FIELDS}
    data["party_ids"] = [str(provider.id)]

    page = editor_client.post("/agreements/new", data={**data, "add_row": "units"})
    assert page.status_code == 200
    data = form_values(page)
    assert data["field-instructor"] == "Maija Ohjaaja <vastuu>"  # typed input kept
    assert data["field-units-0-name"] == ""
    data["field-units-0-name"] = "Poistettava rivi"

    data = form_values(editor_client.post("/agreements/new", data={**data, "add_row": "units"}))
    data["field-units-1-name"] = "Puuseppäalan perustutkinto"
    data["field-units-1-students"] = "2"
    data = form_values(editor_client.post("/agreements/new", data={**data, "remove_row": "units-0"}))
    assert data["field-units-0-name"] == "Puuseppäalan perustutkinto"
    assert "field-units-1-name" not in data
    assert only_agreement() is None  # adding and removing rows saves nothing

    response = editor_client.post("/agreements/new", data=data)
    assert response.status_code == 302
    agreement = only_agreement()
    assert response.location.endswith(f"/agreements/{agreement.id}")
    assert agreement.reference == f"SOP-{helsinki_today().year}-0001"
    version = agreement.latest_version
    assert version.values == {
        "instructor": "Maija Ohjaaja <vastuu>",
        "duties": "Perehdytys & työturvallisuus\nToinen rivi",
        "first_day": "2026-08-10",
        "places": 4,
        "fee": "1250.50",
        "billing": "yearly",
        "insured": True,
        "units": [{"name": "Puuseppäalan perustutkinto", "students": 2}],
    }
    assert (version.notice_period_months, version.auto_renew, version.change_note) == (
        6,
        True,
        "Ensimmäinen luonnos",
    )
    assert version.created_by == editor
    assert version.party_ids == [workshop.id, provider.id]
    assert agreement.language.value == "fi"
    assert audit_actions(agreement) == ["agreement.create"]
    page = editor_client.get(response.location).get_data(as_text=True)
    assert f"Agreement {agreement.reference} created as a draft." in page


def test_the_new_form_starts_with_the_manifest_defaults(editor_client, template_version, workshop):
    data = form_values(editor_client.get(start_url(template_version, workshop)))
    assert data["field-places"] == "2"
    assert data["notice_period_months"] == "3"


def test_an_open_ended_agreement_has_no_end_date(editor_client, template_version, workshop, provider):
    data = {**form_values(editor_client.get(start_url(template_version, workshop))), **FIELDS}
    data.update({"open_ended": "y", "end_date": "2027-07-31", "party_ids": [str(provider.id)]})
    assert editor_client.post("/agreements/new", data=data).status_code == 302
    assert only_agreement().end_date is None


def test_errors_are_shown_and_the_input_kept(editor_client, template_version, workshop, provider):
    data = {**form_values(editor_client.get(start_url(template_version, workshop))), **FIELDS}
    data.update({"start_date": "", "field-places": "sata", "end_date": "2026-01-01", "party_ids": []})
    data["field-instructor"] = ""
    response = editor_client.post("/agreements/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in (
        "Give the start date.",
        "Enter a whole number.",
        "Choose at least one education provider.",
        "This field is required.",
    ):
        assert message in page
    assert "<title>Error: New agreement" in page
    assert 'id="error-summary"' in page and '<a class="alert-link" href="#start_date">' in page
    kept = form_values(response)
    assert kept["title"] == FIELDS["title"]
    assert kept["field-places"] == "sata"
    assert kept["field-duties"] == FIELDS["field-duties"]
    assert only_agreement() is None


def test_the_end_date_must_not_be_before_the_start(editor_client, template_version, workshop, provider):
    data = {**form_values(editor_client.get(start_url(template_version, workshop))), **FIELDS}
    data.update({"end_date": "2026-07-01", "party_ids": [str(provider.id)]})
    page = editor_client.post("/agreements/new", data=data).get_data(as_text=True)
    assert "The end date cannot be before the start date." in page
    assert only_agreement() is None


def test_a_bilateral_agreement_offers_active_providers_only(
    editor_client, template_version, workshop, provider, make_organisation
):
    make_organisation(kind=WORKSHOP, name="Toinen Paja")
    make_organisation(kind=PROVIDER, name="Lakkautettu Opisto", active=False)
    page = editor_client.get(start_url(template_version, workshop)).get_data(as_text=True)
    assert "Tredu (Tampere)" in page
    assert "Toinen Paja" not in page
    assert "Lakkautettu Opisto" not in page


def test_a_workshop_cannot_be_posted_as_a_provider(
    editor_client, template_version, workshop, make_organisation
):
    other = make_organisation(kind=WORKSHOP, name="Toinen Paja")
    data = {**form_values(editor_client.get(start_url(template_version, workshop))), **FIELDS}
    data["party_ids"] = [str(other.id)]
    response = editor_client.post("/agreements/new", data=data)
    assert "Choose the parties from the list." in response.get_data(as_text=True)
    assert only_agreement() is None


def test_a_commitment_may_gather_any_organisations(
    editor_client, commitment_version, workshop, provider, make_organisation
):
    other_workshop = make_organisation(kind=WORKSHOP, name="Toinen Paja")
    page = editor_client.get(start_url(commitment_version, workshop))
    assert "Other organisations" in page.get_data(as_text=True)
    data = {
        **form_values(page),
        **FIELDS,
        "party_ids": [str(other_workshop.id), str(provider.id)],
    }  # list order
    assert editor_client.post("/agreements/new", data=data).status_code == 302
    assert only_agreement().latest_version.party_ids == [workshop.id, other_workshop.id, provider.id]


def test_a_commitment_of_the_workshop_alone(editor_client, commitment_version, workshop):
    data = {**form_values(editor_client.get(start_url(commitment_version, workshop))), **FIELDS}
    assert editor_client.post("/agreements/new", data=data).status_code == 302
    assert only_agreement().latest_version.party_ids == [workshop.id]


def test_a_swedish_document(editor_client, template_version, workshop, provider):
    data = {**form_values(editor_client.get(start_url(template_version, workshop, "sv"))), **FIELDS}
    data["party_ids"] = [str(provider.id)]
    editor_client.post("/agreements/new", data=data)
    assert only_agreement().language.value == "sv"


def test_an_editor_of_several_workshops_chooses_the_owner(
    client, make_user, make_organisation, template_version, provider
):
    first, second = make_organisation(name="Aaltopaja"), make_organisation(name="Björkverkstad")
    user = make_user(organisation=first)
    user.memberships.append(type(user.memberships[0])(organisation=second, role=MembershipRole.EDITOR))
    db.session.commit()
    log_in(client, user)
    page = client.get("/agreements/new").get_data(as_text=True)
    assert "Drafting workshop" in page
    assert "Aaltopaja (Tampere)" in page and "Björkverkstad (Tampere)" in page
    data = {**form_values(client.get(start_url(template_version, second))), **FIELDS}
    data["party_ids"] = [str(provider.id)]
    client.post("/agreements/new", data=data)
    assert only_agreement().owner == second


def test_an_editor_cannot_draft_for_another_workshop(
    editor_client, template_version, workshop, make_organisation
):
    other = make_organisation(name="Vieras Paja")
    page = editor_client.get(start_url(template_version, other)).get_data(as_text=True)
    assert 'name="title"' not in page  # back to the first step, where only their own workshop is offered
    assert f'<input type="hidden" name="owner_id" value="{workshop.id}">' in page
    data = {**form_values(editor_client.get(start_url(template_version, workshop))), **FIELDS}
    editor_client.post("/agreements/new", data={**data, "owner_id": str(other.id)})
    assert only_agreement() is None


def test_viewers_and_signatories_cannot_create(client, make_user, workshop):
    for role in (MembershipRole.VIEWER, MembershipRole.SIGNATORY):
        log_in(client, make_user(organisation=workshop, role=role))
        assert client.get("/agreements/new").status_code == 403
        client.post("/logout")


def test_an_editor_of_an_inactive_workshop_cannot_create(client, make_user, make_organisation):
    closed = make_organisation(active=False)
    log_in(client, make_user(organisation=closed))
    assert client.get("/agreements/new").status_code == 403


def test_a_provider_editor_cannot_create(client, make_user, provider):
    log_in(client, make_user(organisation=provider, role=MembershipRole.EDITOR))
    assert client.get("/agreements/new").status_code == 403


def test_a_title_of_spaces_is_no_title(editor_client, template_version, workshop, provider):
    data = {**form_values(editor_client.get(start_url(template_version, workshop))), **FIELDS}
    data.update({"title": "   ", "party_ids": [str(provider.id)]})
    assert "Give the agreement a title." in editor_client.post("/agreements/new", data=data).get_data(
        as_text=True
    )
    assert only_agreement() is None
