"""User administration: access, the user list, invitations, editing and (de)activation."""

import pytest
from sqlalchemy import select

from agreements.accounts.models import Membership, MembershipRole, UILanguage, User
from agreements.core.audit import AuditEvent
from agreements.core.mail import OutboxMessage
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from tests.support.factories import PASSWORD


def mail_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


def own_browser(app, user: User):
    """A client logged in as ``user`` in a fresh app context: its own ``g``, as a real browser has."""
    with app.app_context():
        browser = app.test_client()
        browser.post("/login", data={"email": user.email, "password": PASSWORD})
    return browser


def can_log_in(app, user: User) -> bool:
    """Whether ``user`` gets through the login form from a browser of their own."""
    return opens_home(app, own_browser(app, user))


def opens_home(app, browser) -> bool:
    with app.app_context():
        return browser.get("/").status_code == 200


def audit_actions(user: User) -> list[str]:
    query = select(AuditEvent.action).where(
        AuditEvent.object_type == "users", AuditEvent.object_id == user.id
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


@pytest.fixture
def admin(client, make_user, login):
    """A national administrator, logged in with ``client``; English pages keep the assertions readable.

    Not the shared ``admin``: these tests read this one's name in lists and histories.
    """
    user = make_user(admin=True, name="Ansa Admin", email="ansa@into.fi", locale=UILanguage.EN)
    login(client, user)
    return user


@pytest.fixture
def non_admins(make_user, make_organisation, make_network):
    """One user of every role that is not a national administrator."""
    organisation = make_organisation()
    return {
        "editor": make_user(organisation=organisation, role=MembershipRole.EDITOR),
        "signatory": make_user(organisation=organisation, role=MembershipRole.SIGNATORY),
        "viewer": make_user(organisation=organisation, role=MembershipRole.VIEWER),
        "coordinator": make_user(networks=[make_network()]),
    }


@pytest.mark.parametrize("role", ["editor", "signatory", "viewer", "coordinator"])
@pytest.mark.parametrize("path", ["/admin/users/", "/admin/users/invite", "/admin/users/invitations"])
def test_pages_without_an_id_answer_403_to_non_admins(client, login, non_admins, role, path):
    login(client, non_admins[role])
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("role", ["editor", "coordinator"])
@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("get", "/edit"),
        ("post", "/edit"),
        ("get", "/deactivate"),
        ("post", "/deactivate"),
        ("post", "/reactivate"),
        ("post", "/memberships"),
        ("post", "/networks"),
        ("post", "/resend-invitation"),
    ],
)
def test_user_pages_answer_404_to_non_admins(client, login, non_admins, role, method, suffix):
    login(client, non_admins[role])
    other = non_admins["viewer"]
    response = getattr(client, method)(f"/admin/users/{other.id}{suffix}")
    assert response.status_code == 404
    assert db.session.get(User, other.id).active


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/users/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_missing_user_answers_404(client, admin):
    assert client.get("/admin/users/999999").status_code == 404


def test_invite_creates_a_pending_user_with_membership_and_queues_the_mail(client, admin, make_organisation):
    workshop = make_organisation(name="Pajala")
    response = client.post(
        "/admin/users/invite",
        data={
            "email": "Uusi.Kayttaja@Paja.fi",
            "name": "Uusi Käyttäjä",
            "locale": "sv",
            "organisation": workshop.id,
            "role": "signatory",
        },
    )
    user = db.session.scalar(select(User).where(User.name == "Uusi Käyttäjä"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/users/{user.id}")
    assert user.password_hash is None and user.active and user.locale == "sv"
    assert user.invited_by_id == admin.id and user.invited_at is not None
    assert [(m.organisation_id, m.role) for m in user.memberships] == [
        (workshop.id, MembershipRole.SIGNATORY)
    ]
    assert len(mail_to(user.email)) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation pending since" in page


def test_invite_without_organisation_creates_a_user_without_memberships(client, admin):
    client.post("/admin/users/invite", data={"email": "yksin@paja.fi", "name": "Yksin", "locale": "fi"})
    user = db.session.scalar(select(User).where(User.email == "yksin@paja.fi"))
    assert user is not None and user.memberships == []
    assert len(mail_to("yksin@paja.fi")) == 1


def test_invite_refuses_an_existing_email_in_another_case_and_keeps_the_input(client, admin, make_user):
    make_user(email="olemassa@paja.fi")
    response = client.post(
        "/admin/users/invite",
        data={"email": "OLEMASSA@Paja.fi", "name": "Toinen Henkilö", "locale": "fi"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="email-error"' in page
    assert 'value="OLEMASSA@Paja.fi"' in page and 'value="Toinen Henkilö"' in page
    assert db.session.scalar(select(User).where(User.name == "Toinen Henkilö")) is None
    assert mail_to("olemassa@paja.fi") == []


def test_invite_refuses_a_role_without_an_organisation(client, admin):
    response = client.post(
        "/admin/users/invite",
        data={"email": "rooli@paja.fi", "name": "Rooli", "locale": "fi", "role": "editor"},
    )
    assert response.status_code == 200
    assert 'id="role-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "rooli@paja.fi")) is None


def listed_names(client, query: str = "") -> set[str]:
    """Names of the users the list shows for a query string."""
    page = client.get(f"/admin/users/?{query}").get_data(as_text=True)
    return {user.name for user in db.session.scalars(select(User)) if f">{user.name}</a>" in page}


def test_search_matches_name_or_email_regardless_of_case(client, admin, make_user):
    make_user(name="Maija Meikäläinen", email="maija@tredu.fi")
    make_user(name="Pekka Puupää", email="pekka@gradia.fi")
    assert listed_names(client, "q=MAIJA") == {"Maija Meikäläinen"}
    assert listed_names(client, "q=Gradia.FI") == {"Pekka Puupää"}
    assert listed_names(client, "q=100%25") == set()


def test_search_without_matches_shows_the_empty_state(client, admin):
    page = client.get("/admin/users/?q=nobody-like-this").get_data(as_text=True)
    assert "No users match your search." in page


@pytest.fixture
def population(admin, make_user, make_organisation, make_network):
    """Users in different organisations, roles and states."""
    workshop, provider = make_organisation(name="Paja A"), make_organisation(name="Opisto B")
    return {
        "admin": admin,
        "editor": make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Eeva Editori"),
        "signatory": make_user(
            organisation=provider, role=MembershipRole.SIGNATORY, name="Sami Allekirjoittaja"
        ),
        "coordinator": make_user(networks=[make_network()], name="Kaisa Koordinaattori"),
        "pending": make_user(
            organisation=provider, role=MembershipRole.VIEWER, name="Pirjo Kutsuttu", password_hash=None
        ),
        "deactivated": make_user(organisation=workshop, name="Dan Poistettu", active=False),
        "organisation_admin": make_user(organisation=workshop, role=MembershipRole.ADMIN, name="Oona Pää"),
        "organisations": {"workshop": workshop, "provider": provider},
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=national_admin", {"admin"}),
        ("role=admin", {"organisation_admin"}),
        ("role=coordinator", {"coordinator"}),
        ("role=signatory", {"signatory"}),
        ("role=editor", {"editor", "deactivated"}),
        ("state=pending", {"pending"}),
        ("state=deactivated", {"deactivated"}),
        ("state=active", {"admin", "editor", "signatory", "coordinator", "organisation_admin"}),
        ("organisation={provider}", {"signatory", "pending"}),
        ("organisation={workshop}&role=editor&state=active", {"editor"}),
        ("organisation={workshop}&role=viewer", set()),
    ],
)
def test_filters_by_organisation_role_and_state(client, population, query, expected):
    ids = {key: organisation.id for key, organisation in population["organisations"].items()}
    assert listed_names(client, query.format(**ids)) == {population[key].name for key in expected}


def test_an_unknown_filter_value_is_ignored(client, population):
    assert len(listed_names(client, "role=superuser&state=x&organisation=abc")) == 7


def test_the_list_is_paginated(app, client, admin, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for name in ("Aino", "Bertta", "Cecilia", "Doris"):
        make_user(name=name)
    assert listed_names(client) == {"Aino", "Ansa Admin"}
    assert listed_names(client, "page=3") == {"Doris"}
    assert "5 users" in client.get("/admin/users/").get_data(as_text=True)


def test_invitations_lists_pending_invitations_and_sends_again(client, admin, make_organisation):
    workshop = make_organisation(name="Kutsupaja")
    client.post(
        "/admin/users/invite",
        data={
            "email": "k@paja.fi",
            "name": "Kalle Kutsuttu",
            "locale": "fi",
            "organisation": workshop.id,
            "role": "editor",
        },
    )
    page = client.get("/admin/users/invitations").get_data(as_text=True)
    assert "Kalle Kutsuttu" in page and "Kutsupaja" in page and "Ansa Admin" in page
    user = db.session.scalar(select(User).where(User.email == "k@paja.fi"))
    response = client.post(
        f"/admin/users/{user.id}/resend-invitation", data={"next": "/admin/users/invitations"}
    )
    assert response.headers["Location"].endswith("/admin/users/invitations")
    assert len(mail_to("k@paja.fi")) == 2
    assert "user.invitation_resent" in audit_actions(user)


def test_resending_never_redirects_off_site(client, admin, make_user):
    user = make_user(invited_at=utcnow())
    user.password_hash = None
    db.session.commit()
    response = client.post(f"/admin/users/{user.id}/resend-invitation", data={"next": "//evil.example/"})
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert len(mail_to(user.email)) == 1


def test_invitations_page_has_an_empty_state(client, admin):
    assert "There are no pending invitations." in client.get("/admin/users/invitations").get_data(
        as_text=True
    )


def test_resending_is_refused_once_the_password_is_set(client, admin, make_user):
    user = make_user(invited_at=utcnow())
    response = client.post(f"/admin/users/{user.id}/resend-invitation", follow_redirects=True)
    assert "has already set a password" in response.get_data(as_text=True)
    assert mail_to(user.email) == []


def test_edit_saves_the_details_and_audits_them(client, admin, make_user):
    user = make_user(name="Vanha Nimi", email="vanha@paja.fi")
    response = client.post(
        f"/admin/users/{user.id}/edit",
        data={"name": "Uusi Nimi", "email": "Uusi@Paja.fi", "locale": "en", "is_admin": "y"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.email, user.locale, user.is_admin) == ("Uusi Nimi", "uusi@paja.fi", "en", True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.actor_id == admin.id and event.details["changes"]["email"] == [
        "vanha@paja.fi",
        "uusi@paja.fi",
    ]


def test_edit_refuses_an_email_of_another_user_regardless_of_case(client, admin, make_user):
    user = make_user(email="eka@paja.fi")
    make_user(email="toka@paja.fi")
    response = client.post(
        f"/admin/users/{user.id}/edit", data={"name": user.name, "email": "TOKA@paja.fi", "locale": "fi"}
    )
    assert response.status_code == 200
    assert 'id="email-error"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "eka@paja.fi"


def test_edit_accepts_the_users_own_email_in_another_case(client, admin, make_user):
    user = make_user(email="sama@paja.fi")
    response = client.post(
        f"/admin/users/{user.id}/edit",
        data={"name": "Sama Henkilö", "email": "Sama@Paja.fi ", "locale": "fi"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.email) == ("Sama Henkilö", "sama@paja.fi")


def test_an_admin_cannot_remove_their_own_admin_rights(client, admin):
    response = client.post(
        f"/admin/users/{admin.id}/edit", data={"name": admin.name, "email": admin.email, "locale": "fi"}
    )
    assert response.status_code == 200
    assert "You cannot remove your own administrator rights." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.is_admin


def test_an_admin_can_remove_another_admins_rights(client, admin, make_user):
    other = make_user(admin=True)
    client.post(
        f"/admin/users/{other.id}/edit", data={"name": other.name, "email": other.email, "locale": "fi"}
    )
    db.session.refresh(other)
    assert not other.is_admin


def test_deactivate_asks_first_then_the_user_cannot_log_in(client, admin, make_user, app):
    user = make_user()
    open_session = own_browser(app, user)
    assert opens_home(app, open_session)
    confirmation = client.get(f"/admin/users/{user.id}/deactivate")
    assert confirmation.status_code == 200 and "csrf_token" in confirmation.get_data(as_text=True)
    assert db.session.get(User, user.id).active
    client.post(f"/admin/users/{user.id}/deactivate")
    db.session.refresh(user)
    assert not user.active and not user.is_active
    assert audit_actions(user)[-1] == "user.deactivate"
    assert not can_log_in(app, user)
    assert not opens_home(app, open_session)


def test_reactivate_lets_the_user_log_in_again(client, admin, make_user, app):
    user = make_user(active=False)
    assert not can_log_in(app, user)
    client.post(f"/admin/users/{user.id}/reactivate")
    db.session.refresh(user)
    assert user.active and can_log_in(app, user)


def test_an_admin_cannot_deactivate_themselves(client, admin):
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_the_detail_page_shows_state_memberships_and_history(client, admin, make_user, make_organisation):
    workshop = make_organisation(name="Näyttöpaja")
    user = make_user(organisation=workshop, role=MembershipRole.VIEWER, name="Näkyvä Käyttäjä")
    client.post(f"/admin/users/{user.id}/deactivate")
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Näyttöpaja" in page and "Deactivated" in page
    assert f"/admin/users/{user.id}/memberships/{user.memberships[0].id}/remove" in page
    assert "Ansa Admin" in page  # who deactivated, in the history
    assert db.session.scalar(select(Membership).where(Membership.user_id == user.id)) is not None
