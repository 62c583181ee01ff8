"""A membership network's pages in a real browser: its members, adding and removing one, and the network form
with its kind, meet no serious accessibility problem."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.committing]


def test_an_administrator_manages_a_membership_networks_members_accessibly(page, people, make_network):
    admin, workshop = people["admin"]
    network = make_network(name="ULA Selain", members=[workshop])
    log_in(page, admin)

    for path in (
        f"/networks/{network.id}",
        f"/networks/{network.id}/members/add",
        f"/networks/{network.id}/members/{workshop.id}/remove",
        f"/networks/{network.id}/edit",
        "/networks/",
    ):
        open_page(page, path)
        assert_accessible(page)

    open_page(page, f"/networks/{network.id}/members/add")
    page.get_by_label("Selaimen ammattiopisto", exact=False).check()
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Selaimen ammattiopisto")
