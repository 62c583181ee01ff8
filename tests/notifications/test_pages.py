"""The notification pages: the list with its unread marks, opening and reading, the navigation count, and
the preferences per kind."""

import re

import pytest
from sqlalchemy import select

from agreements.extensions import db
from agreements.notifications.models import Delivery, NotificationKind, NotificationPreference
from agreements.notifications.operations import notify, set_preferences
from tests.support.messages import notifications_of


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def plain(html: str) -> str:
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def invited(open_round, provider, commenter):
    """Two rounds' invitations waiting for the commenter, both unread: (older, newer)."""
    rounds = [open_round(organisations=[provider]) for _round in range(2)]
    older, newer = notifications_of(commenter)
    return rounds, older, newer


def test_the_list_shows_newest_first_with_the_unread_marked(user_client, commenter, invited):
    _rounds, older, newer = invited
    text = plain(page(user_client(commenter), "/notifications/"))
    assert text.count("Unread " + older.subject) == 2  # same subject: both rounds are on one agreement
    assert "2 unread notifications." in text
    assert "Requests for comments" in text
    html = page(user_client(commenter), "/notifications/")
    assert html.index(f"/notifications/{newer.id}/open") < html.index(f"/notifications/{older.id}/open")
    assert 'class="btn btn-link p-0 text-start align-baseline fw-bold"' in html


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(user_client, commenter, invited):
    (first, _second), older, newer = invited
    client = user_client(commenter)

    response = client.post(f"/notifications/{older.id}/open")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/rounds/{first.id}"
    db.session.refresh(older)
    assert older.read_at is not None and newer.read_at is None
    assert "1 unread notification." in plain(page(client, "/notifications/"))


def test_mark_all_as_read(user_client, commenter, invited):
    client = user_client(commenter)
    response = client.post("/notifications/read", follow_redirects=True)
    text = plain(response.get_data(as_text=True))
    assert "All notifications are marked as read." in text
    assert "0 unread notifications." in text and "Unread" not in text
    assert "Mark all as read" not in text
    assert all(n.read_at is not None for n in notifications_of(commenter))


def test_opening_needs_the_csrf_token(user_client, commenter, invited):
    _rounds, older, _newer = invited
    response = user_client(commenter).post(f"/notifications/{older.id}/open", csrf=False)
    assert response.status_code == 400
    assert older.read_at is None


def test_another_users_notification_is_not_found(user_client, commenter, other_commenter, make_user, invited):
    _rounds, older, _newer = invited
    for someone in (other_commenter, make_user(admin=True)):
        assert user_client(someone).post(f"/notifications/{older.id}/open").status_code == 404
        assert f"/notifications/{older.id}/open" not in page(user_client(someone), "/notifications/")
    db.session.refresh(older)
    assert older.read_at is None


@pytest.mark.parametrize("link", ["https://evil.example/x", "//evil.example/x", ""])
def test_a_link_off_the_site_or_none_leads_back_to_the_list(user_client, commenter, agreement, link):
    notification = notify(
        commenter, NotificationKind.COMMENT_ACTIVITY, "round_closed", link=link, agreement=agreement
    )
    db.session.commit()
    response = user_client(commenter).post(f"/notifications/{notification.id}/open")
    assert response.headers["Location"] == "/notifications/"


def nav_link(html: str) -> str:
    """What a screen reader announces for the navigation's notifications link."""
    link = re.search(r'<a [^>]*href="/notifications/">(.*?)</a>', html, re.S).group(1)
    spoken = re.sub(r'<span [^>]*aria-hidden="true">.*?</span>', "", link)
    return " ".join(re.sub(r"<[^>]+>", "", spoken).split())


def test_the_navigation_counts_the_unread(user_client, commenter, invited):
    _rounds, older, _newer = invited
    client = user_client(commenter)
    home = page(client, "/")
    assert nav_link(home) == "Notifications, 2 unread"
    assert 'aria-hidden="true">2</span>' in home  # the visible badge
    client.post(f"/notifications/{older.id}/open")
    assert nav_link(page(client, "/notifications/")) == "Notifications, 1 unread"
    client.post("/notifications/read")
    assert nav_link(page(client, "/")) == "Notifications"


def test_the_empty_list_says_so(user_client, make_user):
    text = plain(page(user_client(make_user()), "/notifications/"))
    assert "No notifications yet." in text and "Mark all as read" not in text


def test_the_list_is_paginated(app, user_client, make_user, agreement):
    user = make_user()
    for _n in range(app.config["PAGE_SIZE"] + 1):
        notify(user, NotificationKind.RENEWAL, "round_closed", agreement=agreement)
    db.session.commit()
    client = user_client(user)
    assert page(client, "/notifications/").count("/open") == app.config["PAGE_SIZE"]
    assert page(client, "/notifications/?page=2").count("/open") == 1


# Preferences


def test_the_preferences_page_has_a_labelled_group_per_kind(user_client, commenter):
    set_preferences(commenter, {NotificationKind.SIGNATURE_REMINDERS: Delivery.DAILY})
    db.session.commit()
    html = page(user_client(commenter), "/notifications/preferences")
    assert html.count("<fieldset") == len(NotificationKind)
    for kind in NotificationKind:
        assert re.search(rf"<legend[^>]*>{kind.title}", html)
        assert kind.description in html
    checked = re.findall(r'<input checked [^>]*name="([a-z_]+)" type="radio" value="([a-z]+)"', html)
    assert dict(checked) == {
        kind.value: "daily" if kind == NotificationKind.SIGNATURE_REMINDERS else "immediately"
        for kind in NotificationKind
    }


def test_saving_preferences_stores_only_what_differs_from_the_default(user_client, commenter):
    client = user_client(commenter)
    choices = {kind.value: "immediately" for kind in NotificationKind}
    choices.update(comment_requests="daily", renewal="off")

    response = client.post("/notifications/preferences", data=choices, follow_redirects=True)

    assert "Your notification preferences were saved." in response.get_data(as_text=True)
    rows = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == commenter.id)
    )
    assert {(row.kind, row.delivery) for row in rows} == {
        (NotificationKind.COMMENT_REQUESTS, Delivery.DAILY),
        (NotificationKind.RENEWAL, Delivery.OFF),
    }

    client.post("/notifications/preferences", data={**choices, "renewal": "immediately"})
    rows = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == commenter.id)
    )
    assert [row.kind for row in rows] == [NotificationKind.COMMENT_REQUESTS]


def test_an_unknown_choice_is_refused(user_client, commenter):
    response = user_client(commenter).post("/notifications/preferences", data={"renewal": "hourly"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(select(NotificationPreference)) is None
