"""The organisation administrator: manages the members of their own organisation, and of no other."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from agreements.accounts.members import operations
from agreements.accounts.models import Membership, MembershipRole, UILanguage, User
from agreements.accounts.queries import active_members
from agreements.core.errors import OperationRefused
from agreements.extensions import db
from agreements.organisations.models import Organisation
from tests.support.audit import audit_events
from tests.support.messages import link_path, outbox

ADMIN, EDITOR, SIGNATORY, VIEWER = (
    MembershipRole.ADMIN,
    MembershipRole.EDITOR,
    MembershipRole.SIGNATORY,
    MembershipRole.VIEWER,
)


@pytest.fixture
def home(make_organisation):
    """X: the organisation the organisation administrator administers."""
    return make_organisation(name="Kotipaja")


@pytest.fixture
def elsewhere(make_organisation):
    """Y: another organisation, with its own member."""
    return make_organisation(name="Naapuripaja")


@pytest.fixture
def org_admin(make_user, home):
    return make_user(organisation=home, role=ADMIN, name="Outi Pääkäyttäjä")


@pytest.fixture
def colleague(make_user, home):
    """An editor of X."""
    return make_user(organisation=home, role=EDITOR, name="Eeva Editori", email="eeva@kotipaja.fi")


@pytest.fixture
def neighbour(make_user, elsewhere):
    """An editor of Y."""
    return make_user(organisation=elsewhere, role=EDITOR, name="Niko Naapuri")


@pytest.fixture
def org_admin_client(client, login, org_admin):
    login(client, org_admin)
    return client


def members_url(organisation, *rest) -> str:
    return "/".join([f"/organisations/{organisation.id}/members", *map(str, rest)])


def roles_of(user, organisation) -> set[MembershipRole]:
    db.session.expire_all()
    query = select(Membership.role).where(
        Membership.user_id == user.id, Membership.organisation_id == organisation.id
    )
    return set(db.session.scalars(query))


def page(response) -> str:
    return response.get_data(as_text=True)


def checked(form: str) -> list[str]:
    """The roles ticked on a roles form."""
    return re.findall(r'<input checked[^>]* name="roles" type="checkbox" value="(\w+)"', form)


# The organisation page leads there, for those who may use it.


def test_the_organisation_page_links_its_administrator_to_the_members_page(org_admin_client, home):
    assert members_url(home, "") in page(org_admin_client.get(f"/organisations/{home.id}"))


def test_the_national_administrator_manages_any_organisations_members(admin_client, home, colleague):
    assert members_url(home, "") in page(admin_client.get(f"/organisations/{home.id}"))
    assert "Eeva Editori" in page(admin_client.get(members_url(home, "")))


def test_an_editor_sees_no_link_and_gets_404(client, login, home, colleague):
    login(client, colleague)
    assert "/members" not in page(client.get(f"/organisations/{home.id}"))
    assert client.get(members_url(home, "")).status_code == 404
    assert client.get(members_url(home, "add")).status_code == 404


# The list.


def test_the_list_shows_members_with_their_roles(org_admin_client, home, colleague, make_user):
    make_user(organisation=home, role=VIEWER, name="Ville Katselija", password_hash=None)
    listing = page(org_admin_client.get(members_url(home, "")))
    assert "3 members" in listing
    assert "Eeva Editori" in listing and "eeva@kotipaja.fi" in listing and "Editor" in listing
    assert "Outi Pääkäyttäjä" in listing and "Organisation administrator" in listing
    assert "Invitation pending" in listing


def test_the_list_is_searched_by_name_or_e_mail(org_admin_client, home, colleague, neighbour):
    assert "Eeva Editori" in page(org_admin_client.get(members_url(home, "?q=KOTIPAJA.fi")))
    found = page(org_admin_client.get(members_url(home, "?q=eeva")))
    assert "Eeva Editori" in found and "1 member" in found
    nothing = page(org_admin_client.get(members_url(home, "?q=Niko")))
    assert "No members match your search." in nothing and "Niko Naapuri" not in nothing


def test_the_list_is_paginated(app, org_admin_client, home, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for name in ("Aino", "Bertta", "Cecilia"):
        make_user(organisation=home, role=VIEWER, name=name)
    assert "Cecilia" not in page(org_admin_client.get(members_url(home, "")))
    last = page(org_admin_client.get(members_url(home, "?page=2")))
    assert "Cecilia" in last and "Outi Pääkäyttäjä" in last and "Aino" not in last


def test_an_organisation_without_members_says_how_to_add_one(admin_client, make_organisation):
    empty = make_organisation(name="Tyhjä Paja")
    listing = page(admin_client.get(members_url(empty, "")))
    assert "The organisation has no members yet. Add the first person" in listing
    assert members_url(empty, "add") in listing


# Adding a person.


def test_an_existing_account_gets_the_membership_and_it_is_audited(
    org_admin_client, org_admin, home, neighbour
):
    response = org_admin_client.post(
        members_url(home, "add"),
        data={"email": "  " + neighbour.email.upper(), "roles": ["viewer", "editor"]},
    )
    assert response.status_code == 302
    assert roles_of(neighbour, home) == {EDITOR, VIEWER}
    events = audit_events("membership.add")
    assert [(e.object_id, e.actor_id, e.details["role"]) for e in events] == [
        (neighbour.id, org_admin.id, "editor"),
        (neighbour.id, org_admin.id, "viewer"),
    ]
    assert "Niko Naapuri was added to Kotipaja. Roles: Editor, Viewer." in page(org_admin_client.get("/"))


def test_an_unknown_address_gets_an_invitation(org_admin_client, org_admin, home):
    response = org_admin_client.post(
        members_url(home, "add"),
        data={"email": "Uusi@Kotipaja.fi", "name": "Uuno Uusi", "locale": "sv", "roles": ["signatory"]},
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "uusi@kotipaja.fi"))
    assert (user.name, user.locale.value, user.password_hash) == ("Uuno Uusi", "sv", None)
    assert roles_of(user, home) == {SIGNATORY}
    (message,) = outbox(user.email)
    assert link_path(message).startswith("/invitation/") and "Outi Pääkäyttäjä" in message.body_text
    (invite,) = audit_events("user.invite")
    assert (invite.object_id, invite.actor_id, invite.details["organisation_id"]) == (
        user.id,
        org_admin.id,
        home.id,
    )
    assert [e.details["role"] for e in audit_events("membership.add")] == ["signatory"]


def test_an_invitation_needs_a_name(org_admin_client, home):
    response = org_admin_client.post(
        members_url(home, "add"), data={"email": "nimeton@kotipaja.fi", "roles": ["viewer"]}
    )
    assert response.status_code == 409
    assert "give the person&#39;s name" in page(response) and 'value="nimeton@kotipaja.fi"' in page(response)
    assert db.session.scalar(select(User).where(User.email == "nimeton@kotipaja.fi")) is None


def test_adding_needs_a_role(org_admin_client, home, neighbour):
    response = org_admin_client.post(members_url(home, "add"), data={"email": neighbour.email})
    assert response.status_code == 200 and "Choose at least one role." in page(response)
    assert roles_of(neighbour, home) == set()


def test_a_member_is_not_added_twice(org_admin_client, home, colleague):
    response = org_admin_client.post(
        members_url(home, "add"), data={"email": colleague.email, "roles": ["viewer"]}
    )
    assert response.status_code == 409
    assert "Eeva Editori is already a member of Kotipaja." in page(response)
    assert roles_of(colleague, home) == {EDITOR}


def test_a_deactivated_account_is_not_added(org_admin_client, home, make_user):
    gone = make_user(name="Poistettu", active=False)
    response = org_admin_client.post(
        members_url(home, "add"), data={"email": gone.email, "roles": ["viewer"]}
    )
    assert response.status_code == 409 and "is deactivated" in page(response)
    assert roles_of(gone, home) == set()


def test_nobody_is_added_to_an_inactive_organisation(admin_client, home, neighbour):
    home.active = False
    db.session.commit()
    response = admin_client.post(
        members_url(home, "add"), data={"email": neighbour.email, "roles": ["viewer"]}
    )
    assert response.status_code == 409 and "Kotipaja is inactive" in page(response)


# Changing roles; the signatory role is how the organisation confirms who may sign for it.


def test_granting_the_signatory_role_confirms_who_may_sign(org_admin_client, org_admin, home, colleague):
    assert colleague not in active_members([home.id], SIGNATORY)
    form = page(org_admin_client.get(members_url(home, colleague.id)))
    assert checked(form) == ["editor"]
    response = org_admin_client.post(members_url(home, colleague.id), data={"roles": ["editor", "signatory"]})
    assert response.status_code == 302 and response.headers["Location"].endswith(members_url(home, ""))
    assert roles_of(colleague, home) == {EDITOR, SIGNATORY}
    assert colleague in active_members([home.id], SIGNATORY)
    (event,) = audit_events("membership.add")
    assert (event.object_id, event.actor_id, event.details["role"]) == (
        colleague.id,
        org_admin.id,
        "signatory",
    )


def test_changing_roles_adds_and_removes_each_audited(org_admin_client, home, colleague):
    org_admin_client.post(members_url(home, colleague.id), data={"roles": ["viewer"]})
    assert roles_of(colleague, home) == {VIEWER}
    assert [e.details["role"] for e in audit_events("membership.add")] == ["viewer"]
    assert [e.details["role"] for e in audit_events("membership.remove")] == ["editor"]


def test_the_same_roles_change_nothing(org_admin_client, home, colleague):
    org_admin_client.post(members_url(home, colleague.id), data={"roles": ["editor"]})
    assert "Nothing was changed." in page(org_admin_client.get("/"))
    assert audit_events("membership.add") == audit_events("membership.remove") == []


def test_a_member_keeps_at_least_one_role(org_admin_client, home, colleague):
    response = org_admin_client.post(members_url(home, colleague.id), data={})
    assert response.status_code == 200 and "Choose at least one role." in page(response)
    assert roles_of(colleague, home) == {EDITOR}


def test_an_unknown_role_is_an_error_on_the_form_not_a_failure(org_admin_client, home, colleague):
    response = org_admin_client.post(members_url(home, colleague.id), data={"roles": ["owner"]})
    assert response.status_code == 200 and 'id="roles-error"' in page(response)
    assert roles_of(colleague, home) == {EDITOR}


# Removing a member, after a confirmation.


def test_removing_a_member_asks_first_then_removes_every_role(org_admin_client, org_admin, home, make_user):
    member = make_user(organisation=home, role=EDITOR, name="Lähtevä Jäsen")
    member.memberships.append(Membership(organisation=home, role=SIGNATORY))
    db.session.commit()
    confirmation = org_admin_client.get(members_url(home, member.id, "remove"))
    assert "Remove Lähtevä Jäsen from Kotipaja?" in page(confirmation)
    assert roles_of(member, home) == {EDITOR, SIGNATORY}
    response = org_admin_client.post(members_url(home, member.id, "remove"))
    assert response.status_code == 302 and response.headers["Location"].endswith(members_url(home, ""))
    assert roles_of(member, home) == set()
    assert db.session.get(User, member.id).active
    removed = audit_events("membership.remove")
    assert sorted(e.details["role"] for e in removed) == ["editor", "signatory"]
    assert {(e.object_id, e.actor_id) for e in removed} == {(member.id, org_admin.id)}


def test_a_form_without_its_csrf_token_is_refused(org_admin_client, home, colleague):
    response = org_admin_client.post(members_url(home, colleague.id, "remove"), csrf=False)
    assert response.status_code == 400
    assert roles_of(colleague, home) == {EDITOR}


# The last organisation administrator.


def test_the_last_organisation_administrator_cannot_leave(org_admin_client, org_admin, home):
    response = org_admin_client.post(members_url(home, org_admin.id, "remove"))
    assert response.status_code == 409
    assert "Kotipaja must keep at least one organisation administrator." in page(response)
    response = org_admin_client.post(members_url(home, org_admin.id), data={"roles": ["editor"]})
    assert response.status_code == 409 and "must keep at least one" in page(response)
    assert roles_of(org_admin, home) == {ADMIN}
    assert audit_events("membership.remove") == []


def test_an_administrator_can_hand_over_and_leave(org_admin_client, org_admin, home, colleague):
    org_admin_client.post(members_url(home, colleague.id), data={"roles": ["editor", "admin"]})
    response = org_admin_client.post(members_url(home, org_admin.id, "remove"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert roles_of(org_admin, home) == set() and roles_of(colleague, home) == {EDITOR, ADMIN}
    assert org_admin_client.get(members_url(home, "")).status_code == 404


def test_a_deactivated_administrator_does_not_count(org_admin_client, org_admin, home, make_user):
    make_user(organisation=home, role=ADMIN, name="Entinen", active=False)
    response = org_admin_client.post(members_url(home, org_admin.id, "remove"))
    assert response.status_code == 409


def test_the_national_administrator_may_remove_the_last_one(admin_client, org_admin, home):
    response = admin_client.post(members_url(home, org_admin.id, "remove"))
    assert response.status_code == 302
    assert roles_of(org_admin, home) == set()


# Only the organisation's own memberships.


def test_another_organisations_members_page_is_404(org_admin_client, elsewhere, neighbour):
    assert org_admin_client.get(members_url(elsewhere, "")).status_code == 404
    for path in ("add", neighbour.id, f"{neighbour.id}/remove"):
        url = members_url(elsewhere, path)
        assert org_admin_client.get(url).status_code == 404
        assert (
            org_admin_client.post(url, data={"email": neighbour.email, "roles": ["admin"]}).status_code == 404
        )
    assert roles_of(neighbour, elsewhere) == {EDITOR}


def test_someone_elses_member_is_404_through_ones_own_organisation(org_admin_client, home, neighbour):
    assert org_admin_client.get(members_url(home, neighbour.id)).status_code == 404
    assert org_admin_client.post(members_url(home, neighbour.id, "remove")).status_code == 404
    assert roles_of(neighbour, home) == set()


def test_only_the_organisations_own_memberships_change(org_admin_client, home, elsewhere, make_user):
    both = make_user(organisation=home, role=EDITOR, name="Kahden Paja")
    both.memberships.append(Membership(organisation=elsewhere, role=EDITOR))
    db.session.commit()
    org_admin_client.post(members_url(home, both.id, "remove"))
    assert roles_of(both, home) == set() and roles_of(both, elsewhere) == {EDITOR}


def test_the_operations_refuse_anyone_who_does_not_administer_the_organisation(
    org_admin, elsewhere, neighbour
):
    with pytest.raises(OperationRefused, match="You cannot manage the members of Naapuripaja"):
        operations.remove_member(elsewhere, org_admin, neighbour)
    with pytest.raises(OperationRefused):
        operations.change_roles(elsewhere, org_admin, neighbour, [ADMIN])
    with pytest.raises(OperationRefused):
        operations.add_member(elsewhere, org_admin, org_admin.email, [ADMIN])


def test_an_organisation_administrator_has_no_national_administration(org_admin_client, colleague):
    for path in ("/admin/users/", f"/admin/users/{colleague.id}", f"/admin/users/{colleague.id}/deactivate"):
        assert org_admin_client.get(path).status_code in (403, 404)


# No input makes the pages fail.


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not an address", "roles": ["viewer"]},
        {"email": "a" * 250 + "@kotipaja.fi", "roles": ["viewer"]},
        {"email": "x@kotipaja.fi", "name": "N" * 121, "roles": ["viewer"]},
        {"email": "x@kotipaja.fi", "name": "Nimi", "locale": "xx", "roles": ["viewer"]},
        {"email": "x@kotipaja.fi", "name": "Nimi", "roles": ["viewer", "superuser"]},
    ],
)
def test_odd_input_to_the_add_form_is_an_error_on_it(org_admin_client, home, data):
    response = org_admin_client.post(members_url(home, "add"), data=data)
    assert response.status_code == 200 and "invalid-feedback" in page(response)
    assert audit_events("membership.add") == []


@pytest.mark.parametrize(
    "query", ["?q=" + "x" * 5000, "?page=abc", "?page=-3", "?page=99999999999", "?q=%25_"]
)
def test_odd_list_addresses_answer_a_page(org_admin_client, home, query):
    assert org_admin_client.get(members_url(home, query)).status_code == 200


@pytest.mark.parametrize("user_id", [0, 999_999, 2**31, 2**63])
def test_a_missing_member_is_404(org_admin_client, home, user_id):
    assert org_admin_client.get(members_url(home, user_id)).status_code == 404
    assert org_admin_client.post(members_url(home, user_id, "remove")).status_code == 404


def test_the_members_page_speaks_finnish(client, login, make_user, home):
    login(client, make_user(organisation=home, role=ADMIN, name="Suvi Suomi", locale=UILanguage.FI))
    with client.session_transaction() as session:
        session.pop("locale", None)
    listing = page(client.get(members_url(home, "")))
    assert "Organisaation Kotipaja jäsenet" in listing and "Organisaation pääkäyttäjä" in listing
    assert "Hae jäseniä" in listing and "Lisää henkilö" in listing


@pytest.mark.postgresql
@pytest.mark.committing  # threads, each with its own connection
def test_two_administrators_removing_each_other_at_once_leave_one(app, home, org_admin, make_user):
    """Both see the other as the one who stays; the organisation's row lock makes the second see the first."""
    other = make_user(organisation=home, role=ADMIN, name="Toinen Pääkäyttäjä")
    barrier = threading.Barrier(2)

    def remove(actor_id: int, member_id: int) -> bool:
        with app.app_context():
            organisation = db.session.get(Organisation, home.id)
            actor, member = db.session.get(User, actor_id), db.session.get(User, member_id)
            barrier.wait()
            try:
                operations.remove_member(organisation, actor, member)
            except OperationRefused:
                db.session.rollback()
                return False
            time.sleep(0.05)  # hold the organisation a moment, so the other must wait for it
            db.session.commit()
            return True

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(remove, (org_admin.id, other.id), (other.id, org_admin.id)))
    assert sorted(done) == [False, True]
    db.session.expire_all()
    assert len(active_members([home.id], ADMIN)) == 1
