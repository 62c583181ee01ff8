"""Creating, editing, deactivating and reactivating organisations; only administrators may."""

import pytest
from sqlalchemy import select

from agreements.extensions import db
from agreements.organisations.models import Language, Organisation, OrganisationKind
from tests.support.audit import audit_events
from tests.support.factories import region


def form_data(**overrides) -> dict:
    data = {
        "kind": "workshop",
        "name": "Uusi Työpaja",
        "business_id": "2617416-4",
        "region_id": str(region("06").id),
        "municipality": "Nokia",
        "language": "fi",
    }
    return data | overrides


def test_create_organisation(admin_client):
    response = admin_client.post("/organisations/new", data=form_data(business_id=" 2617416-4 "))
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Uusi Työpaja"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisations/{organisation.id}")
    assert (organisation.kind, organisation.business_id, organisation.region.code) == (
        OrganisationKind.WORKSHOP,
        "2617416-4",
        "06",
    )
    [event] = audit_events("organisation.create")
    assert event.object_id == organisation.id and event.details["name"] == "Uusi Työpaja"


def test_new_organisation_form_lists_the_regions(admin_client):
    page = admin_client.get("/organisations/new").get_data(as_text=True)
    assert page.count("<option") >= 19 + 2 + 2
    assert "Ahvenanmaa" in page and "Pirkanmaa" in page


def test_invalid_business_id_re_renders_with_the_error_and_the_input_kept(admin_client):
    response = admin_client.post("/organisations/new", data=form_data(business_id="2617416-5"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="business_id-error"' in page and "not a valid business ID" in page
    assert 'value="2617416-5"' in page and 'value="Uusi Työpaja"' in page and 'value="Nokia"' in page
    assert db.session.scalar(select(Organisation)) is None


@pytest.mark.parametrize("name", ["Uusi\tTyöpaja", "Uusi\x1fTyöpaja", "Uusi\nTyöpaja"])
def test_a_name_with_control_characters_is_an_error(admin_client, name):
    response = admin_client.post("/organisations/new", data=form_data(name=name))
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page and "without control characters" in page
    assert db.session.scalar(select(Organisation)) is None


def test_missing_region_is_an_error(admin_client):
    response = admin_client.post("/organisations/new", data=form_data(region_id=""))
    assert 'id="region_id-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Organisation)) is None


def test_duplicate_name_and_municipality_is_a_field_error(admin_client, make_organisation):
    make_organisation(name="Uusi Työpaja", municipality="Nokia")
    response = admin_client.post("/organisations/new", data=form_data(name="uusi työpaja "))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="name-error"' in page and "already exists in Nokia" in page
    assert len(db.session.scalars(select(Organisation)).all()) == 1


def test_same_name_in_another_municipality_is_allowed(admin_client, make_organisation):
    make_organisation(name="Uusi Työpaja", municipality="Tampere")
    assert admin_client.post("/organisations/new", data=form_data()).status_code == 302


def test_edit_records_the_changed_fields(admin_client, make_organisation):
    organisation = make_organisation(name="Vanha Nimi", municipality="Nokia", business_id="2617416-4")
    response = admin_client.post(
        f"/organisations/{organisation.id}/edit", data=form_data(name="Uusi Nimi", language="sv")
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.name == "Uusi Nimi" and organisation.language == Language.SV
    [event] = audit_events("organisation.update")
    assert event.details == {"changed": {"name": ["Vanha Nimi", "Uusi Nimi"], "language": ["fi", "sv"]}}


def test_edit_keeps_its_own_name_without_a_duplicate_error(admin_client, make_organisation):
    organisation = make_organisation(name="Uusi Työpaja", municipality="Nokia", business_id="2617416-4")
    response = admin_client.post(f"/organisations/{organisation.id}/edit", data=form_data())
    assert response.status_code == 302
    assert audit_events("organisation.update") == []


def test_edit_form_shows_the_current_values(admin_client, make_organisation):
    organisation = make_organisation(name="Näytettävä Paja", municipality="Ylöjärvi")
    page = admin_client.get(f"/organisations/{organisation.id}/edit").get_data(as_text=True)
    assert 'value="Näytettävä Paja"' in page and 'value="Ylöjärvi"' in page


def test_deactivate_shows_a_confirmation_page_and_changes_nothing_on_get(admin_client, make_organisation):
    organisation = make_organisation()
    response = admin_client.get(f"/organisations/{organisation.id}/deactivate")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Deactivate " in page and '<form method="post">' in page and 'name="csrf_token"' in page
    db.session.refresh(organisation)
    assert organisation.active


def test_deactivate_and_reactivate_by_post(admin_client, make_organisation):
    organisation = make_organisation()
    assert admin_client.post(f"/organisations/{organisation.id}/deactivate").status_code == 302
    db.session.refresh(organisation)
    assert not organisation.active
    assert admin_client.post(f"/organisations/{organisation.id}/reactivate").status_code == 302
    db.session.refresh(organisation)
    assert organisation.active
    assert [len(audit_events(a)) for a in ("organisation.deactivate", "organisation.reactivate")] == [1, 1]


def test_deactivate_without_csrf_token_is_refused(admin_client, make_organisation):
    organisation = make_organisation()
    response = admin_client.post(f"/organisations/{organisation.id}/deactivate", csrf=False)
    assert response.status_code == 400
    db.session.refresh(organisation)
    assert organisation.active


def test_deactivating_twice_is_a_conflict(admin_client, make_organisation):
    organisation = make_organisation(active=False)
    assert admin_client.post(f"/organisations/{organisation.id}/deactivate").status_code == 409


@pytest.mark.parametrize(
    "path", ["/organisations/new", "/organisations/import", "/organisations/import/example.csv"]
)
def test_coordinator_may_not_use_admin_pages_without_an_id(coordinator_client, path):
    assert coordinator_client.get(path).status_code == 403


@pytest.mark.parametrize("action", ["edit", "deactivate", "reactivate"])
def test_coordinator_gets_404_for_admin_pages_of_a_visible_organisation(
    coordinator_client, make_organisation, action
):
    organisation = make_organisation()
    assert coordinator_client.get(f"/organisations/{organisation.id}").status_code == 200
    assert coordinator_client.get(f"/organisations/{organisation.id}/{action}").status_code == 404
    assert coordinator_client.post(f"/organisations/{organisation.id}/{action}").status_code == 404


def test_member_cannot_edit_their_own_organisation(member_client):
    organisation = member_client.organisation
    response = member_client.post(f"/organisations/{organisation.id}/edit", data=form_data(name="Kaapattu"))
    assert response.status_code == 404
    db.session.refresh(organisation)
    assert organisation.name == "Oma Työpaja"
