"""Each role in a real browser: logs in, sees its own home page, switches language, meets no serious
accessibility problem on any page it reaches."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, expect_language, log_in, open_page, switch_language

pytestmark = [pytest.mark.browser, pytest.mark.committing]

ROLES = ["admin", "coordinator", "workshop editor", "provider signatory"]

#: What only that role's home page shows, in English (the source language), as (selector, text).
HOME_IN_ENGLISH = {
    "admin": ("#admin-heading", "National administration"),
    "coordinator": ("#coordinator-heading", "My networks"),
    "workshop editor": ("#orgs-heading + ul", "Youth workshop · Editor"),
    "provider signatory": ("#orgs-heading + ul", "Education provider · Signatory"),
}
#: Text on the role's home page in any language: its own network or organisation.
HOME_IN_ANY_LANGUAGE = {
    "admin": ("nav #admin-menu", None),
    "coordinator": ("#coordinator-heading + table", "ALU Selainverkosto"),
    "workshop editor": ("#orgs-heading + ul", "Työpaja Selain"),
    "provider signatory": ("#orgs-heading + ul", "Selaimen ammattiopisto"),
}


def pages_for(page, role: str, organisation) -> list[str]:
    """Every navigation link of the role (the administration menu's too), plus the organisation pages and
    admin lists it may open."""
    links = page.locator("nav .navbar-nav a.nav-link, nav .navbar-nav a.dropdown-item")
    paths = [link.get_attribute("href") for link in links.all()]
    if role in ("admin", "coordinator"):
        paths.append("/organisations/")
    if role == "admin":
        paths += ["/networks/", "/admin/users/", "/admin/users/invitations"]
    paths += [f"/organisations/{organisation.id}", "/account"]
    return list(dict.fromkeys(paths))


def test_login_page_is_accessible_and_its_language_can_be_switched(page):
    open_page(page, "/login")
    expect_language(page, "fi")
    assert_accessible(page)

    switch_language(page, "sv")
    page.reload()
    expect_language(page, "sv")
    assert_accessible(page)


@pytest.mark.parametrize("role", ROLES)
def test_role_logs_in_and_sees_its_own_home_page(page, people, role):
    user, _ = people[role]

    log_in(page, user)

    expect_language(page, "fi")
    selector, text = HOME_IN_ANY_LANGUAGE[role]
    expect(page.locator(selector)).to_be_visible()
    if text:
        expect(page.locator(selector)).to_contain_text(text)
    assert_accessible(page)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_the_role_reaches_is_accessible(page, people, role):
    user, organisation = people[role]
    log_in(page, user)

    paths = pages_for(page, role, organisation)

    assert "/" in paths and "/account" in paths
    for path in paths:
        open_page(page, path)
        assert_accessible(page)


@pytest.mark.parametrize("role", ROLES)
def test_language_switch_changes_the_page_and_is_remembered_for_the_user(page, new_page, people, role):
    user, _ = people[role]
    log_in(page, user)

    switch_language(page, "sv")
    page.reload()
    expect_language(page, "sv")
    page.locator("nav #user-menu").click()
    page.locator("nav .dropdown-menu a[href='/account']").click()
    expect_language(page, "sv")
    assert_accessible(page)

    switch_language(page, "en")
    open_page(page, "/")
    selector, text = HOME_IN_ENGLISH[role]
    expect(page.locator(selector)).to_contain_text(text)

    elsewhere = new_page()
    log_in(elsewhere, user)
    expect_language(elsewhere, "en")
