"""What a person does in the browser, and the axe-core accessibility check of a page."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from agreements.core.accessibility import KNOWN_GAPS, KnownGap, known_gap_rules
from tests.support.factories import PASSWORD

_axe = Axe()
#: The home page of the live server, whatever its port.
HOME = re.compile(r"^http://127\.0\.0\.1:\d+/$")


def assert_accessible(page: Page, gaps: tuple[KnownGap, ...] = KNOWN_GAPS) -> None:
    """Fail listing every axe-core violation on the current page whose rule is not a known gap.

    Every impact counts, minor ones too: the accessibility statement says the tested pages have no problem
    axe-core finds except the known gaps it lists (``gaps``: by default ``accessibility.KNOWN_GAPS``).
    """
    page.wait_for_load_state("load")  # contrast is judged on styled pages, not before the CSS arrives
    tolerated = known_gap_rules(gaps)
    violations = [v for v in _axe.run(page).response["violations"] if v["id"] not in tolerated]
    assert not violations, f"axe-core violations on {page.url}:\n" + "\n".join(map(_describe, violations))


def _describe(violation: dict) -> str:
    targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
    return f"- [{violation['impact']}] {violation['id']}: {violation['help']} at {'; '.join(targets)}"


def open_page(page: Page, path: str) -> None:
    """Go to ``path`` and expect it to answer 200 with exactly one <h1>."""
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path} answered {response.status}"
    expect(page.locator("h1")).to_have_count(1)


def log_in(page: Page, user, password: str = PASSWORD) -> None:
    """Log in through the login form and expect to land on the home page."""
    open_page(page, "/login")
    form = page.locator("main form")
    form.locator("input[name=email]").fill(user.email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(HOME)


def fresh_page(new_page) -> Page:
    """A page in its own browser context, without colour transitions for axe to judge half-way."""
    page = new_page()
    page.emulate_media(reduced_motion="reduce")
    return page


def expect_flash(page: Page, text: str) -> None:
    """Expect a success message that includes ``text``."""
    expect(page.locator("main .alert-success").filter(has_text=text)).to_be_visible()


def join_commitment(page: Page, signer, reference: str, name: str) -> None:
    """``signer``, logged in on the home page, opens the invitation to join ``reference`` and signs for the
    organisation ``name``."""
    waiting = page.get_by_role("region", name="Signatures waiting for you")
    waiting.get_by_role("link", name=re.compile(re.escape(reference))).click()
    signature = page.get_by_role("region", name="Your signature")
    signature.get_by_label("Your name").fill(signer.name)
    signature.get_by_label("Your password").fill(PASSWORD)
    signature.get_by_role("checkbox").check()
    signature.get_by_role("button", name="Sign", exact=True).click()
    expect_flash(page, f"You signed the agreement for {name}.")


def switch_language(page: Page, code: str) -> None:
    """Press the navbar's language button for ``code`` and expect the page to be in that language."""
    page.locator(f"nav button[name=locale][value={code}]").click()
    expect_language(page, code)


def expect_language(page: Page, code: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", code)
