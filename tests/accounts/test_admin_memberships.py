"""User administration: memberships in organisations, coordinator networks and the audit trail."""

import pytest
from sqlalchemy import select

from agreements.accounts.models import Membership, MembershipRole, UILanguage
from agreements.core.audit import AuditEvent, record
from agreements.extensions import db


@pytest.fixture
def member(make_user, make_organisation):
    """A user who is an editor in one workshop."""
    return make_user(organisation=make_organisation(name="Kotipaja"), role=MembershipRole.EDITOR)


def roles_of(user) -> set[tuple[str, MembershipRole]]:
    db.session.expire_all()
    return {(m.organisation.name, m.role) for m in db.session.get(type(user), user.id).memberships}


def last_event(action: str) -> AuditEvent:
    return db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
    )


def test_adding_a_membership_gives_the_role_and_is_audited(admin_client, member, make_organisation):
    provider = make_organisation(name="Ammattiopisto Esimerkki")
    response = admin_client.post(
        f"/admin/users/{member.id}/memberships", data={"organisation": provider.id, "role": "signatory"}
    )
    assert response.status_code == 302
    assert roles_of(member) == {
        ("Kotipaja", MembershipRole.EDITOR),
        ("Ammattiopisto Esimerkki", MembershipRole.SIGNATORY),
    }
    event = last_event("membership.add")
    assert (event.object_type, event.object_id) == ("users", member.id)
    assert event.details["organisation_id"] == provider.id and event.details["role"] == "signatory"


def test_the_role_choices_are_in_the_administrators_language(client, make_user, login, member):
    login(client, make_user(admin=True, locale=UILanguage.FI))
    page = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert '<option value="editor">Muokkaaja</option>' in page


def test_a_second_role_in_the_same_organisation_is_allowed(admin_client, member):
    organisation_id = member.memberships[0].organisation_id
    admin_client.post(
        f"/admin/users/{member.id}/memberships", data={"organisation": organisation_id, "role": "viewer"}
    )
    assert roles_of(member) == {("Kotipaja", MembershipRole.EDITOR), ("Kotipaja", MembershipRole.VIEWER)}


def test_a_duplicate_membership_is_refused_with_a_message(admin_client, member):
    organisation_id = member.memberships[0].organisation_id
    response = admin_client.post(
        f"/admin/users/{member.id}/memberships", data={"organisation": organisation_id, "role": "editor"}
    )
    assert response.status_code == 200
    assert "The user already has this role in this organisation." in response.get_data(as_text=True)
    assert roles_of(member) == {("Kotipaja", MembershipRole.EDITOR)}
    assert last_event("membership.add") is None


def test_a_membership_needs_an_organisation(admin_client, member):
    response = admin_client.post(
        f"/admin/users/{member.id}/memberships", data={"organisation": 0, "role": "editor"}
    )
    assert "Choose an organisation." in response.get_data(as_text=True)
    assert roles_of(member) == {("Kotipaja", MembershipRole.EDITOR)}


def test_removing_a_membership_asks_first_then_removes_and_audits(admin_client, member):
    path = f"/admin/users/{member.id}/memberships/{member.memberships[0].id}/remove"
    confirmation = admin_client.get(path).get_data(as_text=True)
    assert "Remove the role Editor of" in confirmation and "Kotipaja" in confirmation
    assert roles_of(member) == {("Kotipaja", MembershipRole.EDITOR)}
    response = admin_client.post(path)
    assert response.headers["Location"].endswith(f"/admin/users/{member.id}")
    assert roles_of(member) == set()
    assert last_event("membership.remove").details["organisation"] == "Kotipaja"
    assert "is not a member of any organisation" in admin_client.get(f"/admin/users/{member.id}").get_data(
        as_text=True
    )


def test_a_membership_of_another_user_answers_404(admin_client, member, make_user):
    other = make_user()
    path = f"/admin/users/{other.id}/memberships/{member.memberships[0].id}/remove"
    assert admin_client.get(path).status_code == 404
    assert admin_client.post(path).status_code == 404
    assert db.session.scalar(select(Membership).where(Membership.user_id == member.id)) is not None


def test_coordinator_networks_are_saved_and_audited(admin_client, make_user, make_network):
    user = make_user()
    east, north, lapland = (make_network(name=name) for name in ("ALU Itä", "ALU Pohjoinen", "ALU Lappi"))
    page = admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert 'type="checkbox" name="networks"' in page and "ALU Lappi" in page
    admin_client.post(f"/admin/users/{user.id}/networks", data={"networks": [east.id, lapland.id]})
    db.session.refresh(user)
    assert {network.name for network in user.coordinated_networks} == {"ALU Itä", "ALU Lappi"}
    assert last_event("user.coordinator_networks").details == {
        "added": ["ALU Itä", "ALU Lappi"],
        "removed": [],
    }

    admin_client.post(f"/admin/users/{user.id}/networks", data={"networks": [north.id]})
    db.session.refresh(user)
    assert [network.name for network in user.coordinated_networks] == ["ALU Pohjoinen"]
    assert last_event("user.coordinator_networks").details == {
        "added": ["ALU Pohjoinen"],
        "removed": ["ALU Itä", "ALU Lappi"],
    }


def test_unticking_every_network_ends_the_coordinator_role(admin_client, make_user, make_network):
    user = make_user(networks=[make_network()])
    admin_client.post(f"/admin/users/{user.id}/networks", data={})
    db.session.refresh(user)
    assert not user.is_coordinator


def test_an_unknown_network_is_refused(admin_client, make_user, make_network):
    user = make_user()
    make_network()
    response = admin_client.post(f"/admin/users/{user.id}/networks", data={"networks": ["424242"]})
    assert response.status_code == 200
    assert 'id="networks-error"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.coordinated_networks == []


def test_the_audit_trail_shows_the_latest_twenty_events_of_the_user(admin_client, member, make_user):
    bystander = make_user()
    for number in range(25):
        record("user.update", member, {"changes": {"name": [f"old {number}", f"new {number}"]}})
    record("user.update", bystander, {"changes": {"name": ["x", "bystander change"]}})
    db.session.commit()
    page = admin_client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert "name: old 24 → new 24" in page and "name: old 5 → new 5" in page
    assert "old 4 →" not in page and "bystander change" not in page
