"""Home pages per role, language switching, localised error pages, date format and development mail."""

import re
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from flask import render_template_string

from agreements import create_app
from agreements.accounts.models import MembershipRole, UILanguage
from agreements.accounts.operations import invite_user
from agreements.core.mail import MailStatus, OutboxMessage, deliver_queued
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from config import TestingConfig


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_member_home_lists_their_organisations_and_roles(client, login, make_organisation, make_user):
    workshop = make_organisation(name="Nuorten Verstas Tammela")
    login(client, make_user(organisation=workshop, role=MembershipRole.SIGNATORY, locale=UILanguage.EN))
    page = client.get("/").get_data(as_text=True)
    assert "Nuorten Verstas Tammela" in page
    assert "Signatory" in page
    assert "National administration" not in page


def test_coordinator_home_counts_organisations_in_their_networks(
    client, login, make_organisation, make_user, make_network
):
    network = make_network(name="ALU Länsi ja Sisä-Suomi", region_codes=("06", "13"))
    make_organisation(region_code="06")
    make_organisation(region_code="13")
    make_organisation(kind=OrganisationKind.PROVIDER, region_code="13")
    make_organisation(region_code="01")  # outside the network
    login(client, make_user(networks=[network], locale=UILanguage.EN))
    page = client.get("/").get_data(as_text=True)
    assert "My networks" in page
    row = page.split("ALU Länsi ja Sisä-Suomi", 1)[1].split("</tr>", 1)[0]
    assert [cell.strip() for cell in row.split("<td>")[2:]] == ["2</td>", "1</td>"]


def test_admin_home_shows_national_counts(client, login, make_organisation, make_user):
    make_organisation()
    make_organisation(kind=OrganisationKind.PROVIDER)
    make_organisation(active=False)
    login(client, make_user(admin=True, locale=UILanguage.EN))
    page = client.get("/").get_data(as_text=True)
    counts = re.findall(r'<dt class="col-8 fw-normal">([^<]+)</dt><dd class="col-4">(\d+)</dd>', page)
    assert ("Workshops", "1") in counts  # the inactive one is not counted
    assert ("Education providers", "1") in counts


def test_language_choice_is_remembered_on_the_account(client, login, make_user):
    user = make_user()
    login(client, user)
    response = client.post("/language", data={"locale": "sv", "next": "/account"})
    assert response.headers["Location"] == "/account"
    db.session.refresh(user)
    assert user.locale == UILanguage.SV
    assert '<html lang="sv">' in client.get("/").get_data(as_text=True)


def test_language_choice_before_login_lasts_the_session_and_off_site_next_is_ignored(client):
    response = client.post("/language", data={"locale": "sv", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="sv">' in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"locale": "klingon"})
    assert '<html lang="sv">' in client.get("/login").get_data(as_text=True)


def test_the_interface_is_finnish_by_default(app):
    page = app.test_client().get("/login").get_data(as_text=True)
    assert '<html lang="fi">' in page
    assert "Kirjaudu" in page


@pytest.mark.parametrize(
    ("locale", "text"), [("fi", "Sivua ei löydy"), ("sv", "Sidan hittades inte"), ("en", "Page not found")]
)
def test_error_pages_speak_the_users_language(client, login, make_user, locale, text):
    login(client, make_user(locale=UILanguage(locale)))
    response = client.get("/organisations/999999")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_an_unexpected_error_shows_the_500_page_without_details(database_url):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        PROPAGATE_EXCEPTIONS = False

    app = create_app(Config)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "secret internals" not in page
    assert "Error code 500" in page or "Virhekoodi 500" in page


def test_too_large_a_request_is_refused_with_413(client, login, make_user):
    login(client, make_user(admin=True, locale=UILanguage.EN))
    too_big = b"x" * (client.application.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        "/organisations/import", data={"file": (__import__("io").BytesIO(too_big), "a.csv")}
    )
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)


def test_dates_are_shown_in_finnish_format_in_helsinki_time(app):
    with app.test_request_context():
        rendered = render_template_string(
            "{{ d|date }} {{ t|datetime }}", d=date(2026, 3, 9), t=datetime(2026, 6, 30, 21, 30, tzinfo=UTC)
        )
    assert rendered == "9.3.2026 1.7.2026 00.30"


def test_development_mail_is_written_to_eml_files(app, tmp_path, make_user, make_organisation):
    admin = make_user(admin=True)
    with app.test_request_context():
        invite_user(
            "uusi.kayttaja@example.fi",
            "Uusi Käyttäjä",
            "fi",
            admin,
            make_organisation(),
            MembershipRole.VIEWER,
        )
        db.session.commit()
        app.config.update(MAIL_TRANSPORT="files", MAIL_FILE_DIR=str(tmp_path))
        try:
            assert deliver_queued() == 1
        finally:
            app.config["MAIL_TRANSPORT"] = "none"
    message = db.session.scalar(db.select(OutboxMessage))
    assert message.status == MailStatus.SENT and message.sent_at is not None
    (eml,) = tmp_path.glob("*.eml")
    email = message_from_bytes(eml.read_bytes(), policy=default_policy)
    assert email["To"] == "uusi.kayttaja@example.fi"
    assert "/invitation/" in email.get_content()


@pytest.mark.parametrize(("path", "email"), [("/login", "a\x00b@paja.fi"), ("/login?next=/%00", "a@paja.fi")])
def test_a_nul_character_in_a_value_is_a_bad_request(client, path, email):
    response = client.post(path, data={"email": email, "password": "x"})
    assert response.status_code == 400
