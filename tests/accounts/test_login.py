"""Logging in and out: credentials, inactive accounts, `next`, CSRF and brute-force limits."""

import pytest
from sqlalchemy import select

from agreements.core.audit import AuditEvent
from agreements.extensions import db
from tests.support.accounts import is_logged_in
from tests.support.factories import PASSWORD

GENERIC_ERROR = "The e-mail address or password is not correct"


def post_login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_login_page_has_labelled_fields_with_autocomplete(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    assert '<label class="form-label" for="email">' in page


def test_correct_password_logs_in_and_is_recorded(client, make_user):
    user = make_user()
    response = post_login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_logged_in(client)
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert audit_actions() == ["account.login"]


def test_email_is_case_insensitive(client, make_user):
    make_user(email="Maija.Meikalainen@Paja.fi")
    assert post_login(client, "  maija.MEIKALAINEN@paja.FI ").status_code == 302
    assert is_logged_in(client)


@pytest.mark.parametrize("case", ["wrong password", "unknown e-mail", "inactive", "no password"])
def test_refusals_look_the_same(client, make_user, case):
    user = make_user(active=case != "inactive", **({"password_hash": None} if case == "no password" else {}))
    email = "nobody@example.fi" if case == "unknown e-mail" else user.email
    response = post_login(client, email, "Väärä-salasana-1" if case == "wrong password" else PASSWORD)
    assert response.status_code == 200
    assert GENERIC_ERROR in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_failed_login_is_audited_with_the_email_but_not_the_password(client, make_user):
    user = make_user()
    post_login(client, user.email, "Väärä-salasana-1")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.login_failed"))
    assert event.details == {"email": user.email}
    assert event.object_id == user.id
    assert "Väärä" not in str(event.details)


def test_failed_login_keeps_the_email_but_not_the_password(client, make_user):
    user = make_user()
    page = post_login(client, user.email, "Väärä-salasana-1").get_data(as_text=True)
    assert f'value="{user.email}"' in page
    assert "Väärä-salasana-1" not in page


def test_logged_in_user_is_sent_home_from_the_login_page(client, make_user, login):
    login(client, make_user())
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_protected_page_sends_to_login_and_back(client, make_user):
    user = make_user()
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account"' in page
    response = post_login(client, user.email, next="/account")
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user()
    response = post_login(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_with_surrounding_whitespace_redirects_to_the_path_itself(client, make_user):
    user = make_user()
    response = post_login(client, user.email, next="\t/organisations/\r\n")
    assert response.headers["Location"] == "/organisations/"


def test_next_in_query_string_is_honoured_for_a_local_path(client, make_user):
    user = make_user()
    response = client.post("/login?next=/organisations/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/organisations/"


def test_remember_me_sets_a_remember_cookie(client, make_user):
    user = make_user()
    post_login(client, user.email, remember="y")
    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_there_is_no_remember_cookie(client, make_user):
    user = make_user()
    post_login(client, user.email)
    assert client.get_cookie("remember_token") is None


def test_logout_logs_out_and_returns_to_login(client, make_user, login):
    login(client, make_user())
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not is_logged_in(client)


def test_logout_by_get_is_not_possible(client, make_user, login):
    login(client, make_user())
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)


def test_logout_without_csrf_token_is_rejected(client, make_user, login):
    login(client, make_user())
    response = client.post("/logout", csrf=False)
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    assert is_logged_in(client)


def test_login_without_csrf_token_is_rejected(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert not is_logged_in(client)


def fail_logins(client, email, times):
    for _ in range(times):
        assert post_login(client, email, "Väärä-salasana-1").status_code == 200


def test_account_is_locked_after_too_many_failures(app, client, make_user):
    user, other = make_user(), make_user()
    fail_logins(client, user.email.upper(), 5)  # the default: 5 per 15 minutes
    response = post_login(client, user.email)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "wait 15 minutes" in page
    assert post_login(client, other.email).status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(client, make_user):
    user = make_user()
    for _ in range(7):
        assert post_login(client, user.email).status_code == 302
        client.post("/logout")
    assert post_login(client, user.email).status_code == 302


def test_one_address_is_limited_across_many_accounts(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_IP", "3 per 5 minutes")
    users = [make_user() for _ in range(4)]
    for user in users[:3]:
        fail_logins(client, user.email, 1)
    assert post_login(client, users[3].email).status_code == 429
