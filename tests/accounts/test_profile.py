"""The user's own account page: name, language and password."""

import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole, UILanguage
from agreements.core.audit import AuditEvent
from agreements.extensions import db
from tests.support.factories import PASSWORD


@pytest.fixture
def user(client, make_user, make_organisation, login):
    """A logged-in editor of one workshop."""
    person = make_user(organisation=make_organisation(name="Pajala"), role=MembershipRole.EDITOR)
    login(client, person)
    return person


def change_password(client, current, new, confirm=None):
    return client.post(
        "/account/password", data={"current_password": current, "password": new, "confirm": confirm or new}
    )


def test_profile_requires_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_profile_shows_the_users_details_and_organisations(client, user):
    page = client.get("/account").get_data(as_text=True)
    assert user.email in page
    assert f'value="{user.name}"' in page
    assert "Pajala: Editor" in page
    assert 'autocomplete="current-password"' in page
    assert 'autocomplete="new-password"' in page


def test_changing_name_and_language(client, user):
    response = client.post("/account", data={"name": "  Maija Meikäläinen ", "locale": "sv"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name == "Maija Meikäläinen"
    assert user.locale == UILanguage.SV
    assert 'lang="sv"' in client.get("/account").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.profile_update"))
    assert event.details["locale"] == ["en", "sv"]


def test_an_empty_name_is_refused_and_the_input_kept(client, user):
    response = client.post("/account", data={"name": "", "locale": "fi"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert '<option selected value="fi">' in page
    db.session.refresh(user)
    assert user.locale == UILanguage.EN


def test_an_unknown_language_is_refused(client, user):
    assert client.post("/account", data={"name": user.name, "locale": "de"}).status_code == 200
    db.session.refresh(user)
    assert user.locale == UILanguage.EN


def test_changing_the_password(client, user, new_password):
    response = change_password(client, PASSWORD, new_password)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password(new_password)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.password_change"))


def test_a_wrong_current_password_is_refused(client, user, new_password):
    response = change_password(client, "Väärä-salasana-1", new_password)
    assert response.status_code == 200
    assert "The current password is not correct." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_while_the_details_form_keeps_its_values(client, user):
    response = change_password(client, PASSWORD, "lyhyt")
    page = response.get_data(as_text=True)
    assert "Use at least 12 characters." in page
    assert f'value="{user.name}"' in page
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_profile_changes_need_a_csrf_token(client, user, new_password):
    assert client.post("/account", data={"name": "X", "locale": "en"}, csrf=False).status_code == 400
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": new_password, "confirm": new_password},
        csrf=False,
    )
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.name != "X"
    assert user.check_password(PASSWORD)


def test_guessing_the_current_password_is_rate_limited(app, client, user, monkeypatch, new_password):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_IP", "2 per 5 minutes")
    for _ in range(2):
        assert change_password(client, "Väärä-salasana-1", new_password).status_code == 200
    assert change_password(client, PASSWORD, new_password).status_code == 429
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_a_new_password_ends_other_sessions_but_keeps_this_one(app, client, user, login, new_password):
    other_device = app.test_client()
    login(other_device, user)
    assert other_device.get("/account").status_code == 200
    change_password(client, PASSWORD, new_password)
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
