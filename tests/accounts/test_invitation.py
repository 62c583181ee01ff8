"""Invitations: the mail, the single-use link, expiry and choosing the first password."""

import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole, User
from agreements.accounts.operations import find_user_by_email, invite_user, send_invitation
from agreements.accounts.tokens import TokenPurpose, make_token
from agreements.core.audit import AuditEvent
from agreements.core.errors import OperationRefused
from agreements.extensions import db
from tests.support.accounts import is_logged_in, signed_in_past, token_of
from tests.support.messages import link_path, outbox


@pytest.fixture
def invite(make_user, make_organisation):
    """Invite a new editor of a workshop; the admin who invites is created on the way."""

    def make(email="uusi.kayttaja@paja.fi", locale="fi") -> User:
        admin = make_user(admin=True)
        user = invite_user(
            email,
            "Uusi Käyttäjä",
            locale,
            admin,
            organisation=make_organisation(),
            role=MembershipRole.EDITOR,
        )
        db.session.commit()
        return user

    return make


def choose_password(client, path, password):
    return client.post(path, data={"password": password, "confirm": password})


def test_invitation_creates_a_user_without_password_and_queues_a_mail(invite):
    user = invite(email="Uusi.Kayttaja@Paja.fi")
    assert user.email == "uusi.kayttaja@paja.fi"
    assert user.password_hash is None
    assert user.invited_at is not None
    assert user.memberships[0].role == MembershipRole.EDITOR
    (message,) = outbox(user.email)
    assert "Uusi Käyttäjä" in message.body_text
    assert link_path(message).startswith("/invitation/")
    assert (
        db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == user.id)) == "user.invite"
    )


def test_invitation_link_is_absolute_even_outside_a_request(invite):
    user = invite()
    assert "http://127.0.0.1:5000/invitation/" in outbox(user.email)[0].body_text


def test_an_existing_address_is_refused_whatever_its_case(invite, make_user):
    make_user(email="olemassa@paja.fi")
    with pytest.raises(OperationRefused, match="already exists"):
        invite(email="OLEMASSA@paja.fi")


def test_following_the_mailed_link_sets_the_password_and_logs_in(client, invite, new_password):
    user = invite()
    path = link_path(outbox(user.email)[0])
    page = client.get(path).get_data(as_text=True)
    assert "Uusi Käyttäjä" in page
    assert user.email in page
    assert 'autocomplete="new-password"' in page
    response = choose_password(client, path, new_password)
    assert response.status_code == 302
    assert is_logged_in(client)
    db.session.refresh(user)
    assert user.check_password(new_password)
    assert find_user_by_email(user.email).last_login_at is not None


def test_the_link_works_only_once(client, invite, new_password):
    user = invite()
    path = link_path(outbox(user.email)[0])
    choose_password(client, path, new_password)
    client.post("/logout")
    for response in (client.get(path), choose_password(client, path, "Toinen-salasana-99")):
        assert response.status_code == 400
        assert "The link has already been used" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(new_password)


def test_an_expired_link_is_refused_with_advice(client, invite, app):
    user = invite()
    token = token_of(link_path(outbox(user.email)[0]))
    max_age = app.config["INVITATION_MAX_AGE"].total_seconds()
    assert (
        client.get(f"/invitation/{signed_in_past(token, TokenPurpose.INVITATION, max_age - 60)}").status_code
        == 200
    )
    response = client.get(f"/invitation/{signed_in_past(token, TokenPurpose.INVITATION, max_age + 60)}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The link has expired" in page
    assert "send you a new invitation" in page


@pytest.mark.parametrize("tamper", ["append", "other purpose"])
def test_a_tampered_link_is_refused(client, invite, tamper):
    user = invite()
    token = token_of(link_path(outbox(user.email)[0]))
    token = token + "x" if tamper == "append" else make_token(user, TokenPurpose.PASSWORD_RESET)
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 400
    assert "The link is not valid" in response.get_data(as_text=True)


def test_a_deactivated_user_cannot_use_the_link(client, invite):
    user = invite()
    user.active = False
    db.session.commit()
    assert client.get(link_path(outbox(user.email)[0])).status_code == 400


def test_a_weak_password_is_refused_and_nothing_changes(client, invite):
    user = invite()
    path = link_path(outbox(user.email)[0])
    response = choose_password(client, path, "123456789012345")
    assert response.status_code == 200
    assert "Do not use only digits." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash is None
    assert not is_logged_in(client)


def test_resending_sends_another_mail_and_either_link_works_once(client, invite, new_password):
    user = invite()
    send_invitation(user, None)
    db.session.commit()
    first, second = outbox(user.email)
    assert choose_password(client, link_path(first), new_password).status_code == 302
    assert client.get(link_path(second)).status_code == 400


def test_resending_is_refused_once_a_password_is_set(make_user):
    with pytest.raises(OperationRefused):
        send_invitation(make_user(), None)


def test_the_mail_is_in_the_invited_users_language(invite, app):
    user = invite(locale="sv")
    message = outbox(user.email)[0]
    assert message.subject
    assert "2 veckor" in message.body_text


def test_setting_the_password_without_csrf_token_is_rejected(client, invite, new_password):
    user = invite()
    path = link_path(outbox(user.email)[0])
    response = client.post(path, data={"password": new_password, "confirm": new_password}, csrf=False)
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.password_hash is None
