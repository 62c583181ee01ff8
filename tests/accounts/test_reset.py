"""Password reset: the same answer for every address, single-use links and the password policy."""

import re

import pytest

from agreements.accounts.tokens import TokenPurpose
from agreements.extensions import db
from tests.support.accounts import is_logged_in, signed_in_past, token_of
from tests.support.factories import PASSWORD
from tests.support.messages import link_path, outbox

SENT = "If the address is registered in the service, a link for choosing a new password has been sent"


def ask_for_link(client, email):
    response = client.post("/password/forgot", data={"email": email}, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def reset_path(client, user) -> str:
    ask_for_link(client, user.email)
    return link_path(outbox(user.email)[-1])


def choose_password(client, path, password, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def test_the_link_points_at_the_configured_address_whatever_host_the_request_names(client, make_user):
    user = make_user()
    forged = "http://evil.example"
    page = client.get("/password/forgot", base_url=forged).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"email": user.email, "csrf_token": token}
    assert client.post("/password/forgot", data=data, base_url=forged, csrf=False).status_code == 302
    (message,) = outbox(user.email)
    assert "evil.example" not in message.body_text
    assert "http://127.0.0.1:5000/password/reset/" in message.body_text


def test_forgot_page_has_an_email_field(client):
    page = client.get("/password/forgot").get_data(as_text=True)
    assert 'autocomplete="username"' in page
    assert '<label class="form-label" for="email">' in page


def test_a_known_user_gets_a_mail(client, make_user):
    user = make_user()
    page = ask_for_link(client, user.email.upper())
    assert SENT in page
    (message,) = outbox(user.email)
    assert link_path(message).startswith("/password/reset/")


@pytest.mark.parametrize("case", ["unknown", "inactive", "invited, no password yet"])
def test_others_get_the_same_answer_and_no_mail(client, make_user, case):
    email = "ei.ole@example.fi"
    if case == "inactive":
        make_user(email=email, active=False)
    elif case != "unknown":
        make_user(email=email, password_hash=None)
    assert SENT in ask_for_link(client, email)
    assert outbox() == []


def test_the_link_sets_a_new_password_and_logs_in(client, make_user, new_password):
    user = make_user()
    path = reset_path(client, user)
    page = client.get(path).get_data(as_text=True)
    assert 'autocomplete="new-password"' in page
    assert choose_password(client, path, new_password).status_code == 302
    assert is_logged_in(client)
    db.session.refresh(user)
    assert user.check_password(new_password)
    assert not user.check_password(PASSWORD)


def test_the_link_works_only_once(client, make_user, new_password):
    user = make_user()
    path = reset_path(client, user)
    choose_password(client, path, new_password)
    client.post("/logout")
    response = choose_password(client, path, "Kolmas-salasana-2026")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The link has already been used" in page
    assert "Ask for a new link" in page
    db.session.refresh(user)
    assert user.check_password(new_password)


def test_a_changed_password_voids_earlier_links(client, make_user, new_password):
    user = make_user()
    path = reset_path(client, user)
    user.set_password(new_password)
    db.session.commit()
    assert client.get(path).status_code == 400


def test_an_expired_link_is_refused(client, make_user, app):
    user = make_user()
    token = token_of(reset_path(client, user))
    max_age = app.config["PASSWORD_RESET_MAX_AGE"].total_seconds()
    response = client.get(
        f"/password/reset/{signed_in_past(token, TokenPurpose.PASSWORD_RESET, max_age + 1)}"
    )
    assert response.status_code == 400
    assert "The link has expired" in response.get_data(as_text=True)


def test_an_invitation_link_does_not_reset_a_password(client, make_user):
    user = make_user()
    token = token_of(reset_path(client, user))
    assert client.get(f"/invitation/{token}").status_code == 400


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("Lyhyt-1", None, "Use at least 12 characters."),
        ("123456789012", None, "Do not use only digits."),
        ("Pitka-salasana-1", "Pitka-salasana-2", "The passwords do not match."),
        ("EMAIL", None, "Do not use your e-mail address as the password."),
    ],
)
def test_a_weak_password_is_refused_and_the_form_keeps_the_input(
    client, make_user, password, confirm, message
):
    user = make_user(email="maija.paja@example.fi")
    password = user.email.upper() if password == "EMAIL" else password
    path = reset_path(client, user)
    response = choose_password(client, path, password, confirm)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert f'value="{user.email}"' in page
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    assert client.get(path).status_code == 200


def test_forgot_form_without_csrf_token_is_rejected(client, make_user):
    user = make_user()
    response = client.post("/password/forgot", data={"email": user.email}, csrf=False)
    assert response.status_code == 400
    assert outbox() == []


def test_forgot_form_is_rate_limited_per_address(client, make_user):
    user = make_user()
    for _ in range(5):  # the default: 5 per 15 minutes
        ask_for_link(client, user.email)
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 429
    assert len(outbox(user.email)) == 5
