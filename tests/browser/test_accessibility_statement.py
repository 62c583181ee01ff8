"""The accessibility statement in a browser, and the keyboard-only tasks the statement says are tested."""

import pytest
from flask_babel import lazy_gettext as _l
from playwright.sync_api import expect

from agreements.core.accessibility import KNOWN_GAPS, KnownGap
from tests.browser.helpers import HOME, assert_accessible, expect_language, open_page, switch_language
from tests.support.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.committing]


def test_the_statement_is_reached_from_the_footer_and_is_accessible_in_finnish_and_swedish(page):
    open_page(page, "/login")
    page.locator("footer").get_by_role("link", name="Saavutettavuusseloste").click()
    expect(page.locator("h1")).to_have_text("Saavutettavuusseloste")
    expect_language(page, "fi")
    assert_accessible(page)
    switch_language(page, "sv")
    expect(page.locator("h1")).to_have_text("Tillgänglighetsutlåtande")
    expect(page.get_by_role("link", name="www.tillganglighetskrav.fi")).to_be_visible()
    assert_accessible(page)
    switch_language(page, "en")
    for gap in KNOWN_GAPS:
        expect(page.locator("#gaps-heading + *")).to_contain_text(str(gap.description))


def test_skipping_to_the_content_and_logging_in_work_with_the_keyboard_alone(page, make_user):
    user = make_user()
    open_page(page, "/login")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("main input[name=email]")).to_be_focused()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    expect(page.locator("main input[name=password]")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(HOME)
    assert_accessible(page)


def test_a_page_fails_on_an_axe_violation_unless_its_rule_is_a_known_gap(page):
    page.set_content('<html lang="fi"><title>Kuva</title><main><h1>Kuva</h1><img src="/x.png"></main></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
    assert_accessible(page, gaps=(KnownGap(("image-alt",), _l("Some images have no text alternative.")),))
