"""Errors seen at once and pages that fit, in Chromium at 1280 pixels and in Finnish: a form sent with errors
opens at its error summary, whose links take the focus to the fields; a wrong signing password is told at
the top and at the signing form; the navigation is one row for every role; the dashboard's tables need no
sideways scrolling; and axe-core finds nothing on the way."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from agreements.accounts.models import MembershipRole, UILanguage
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.signatures import operations
from tests.browser.helpers import assert_accessible, log_in, open_page
from tests.support.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.committing]

WIDTH = 1280
ROLES = ["admin", "coordinator", "workshop editor", "provider signatory"]


@pytest.fixture
def wide(new_page) -> Page:
    """A page 1280 pixels wide, without smooth scrolling for the focus checks to wait on."""
    page = new_page()
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.emulate_media(reduced_motion="reduce")
    return page


def expect_summary_in_focus(page: Page) -> None:
    """The page opened with the error summary focused, and its title starts with "Virhe:"."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("alert")).to_contain_text("Sivulla on")
    expect(page).to_have_title(re.compile(r"^Virhe: "))
    box = summary.bounding_box()
    assert box is not None and box["y"] < page.locator("h1").bounding_box()["y"]


def follow_every_link(page: Page) -> list[str]:
    """Press each link of the summary by keyboard; each must move the focus into the element it names."""
    links = page.locator("#error-summary a")
    targets = [link.get_attribute("href").removeprefix("#") for link in links.all()]
    for index, target in enumerate(targets):
        links.nth(index).focus()
        page.keyboard.press("Enter")
        focused = page.evaluate(
            "id => { const t = document.getElementById(id); const a = document.activeElement;"
            " return a !== document.body && (a === t || t.contains(a)); }",
            target,
        )
        where = page.evaluate("document.activeElement.id")
        assert focused, f"the link to #{target} left the focus on #{where}"
    return targets


def test_an_empty_agreement_form_opens_at_its_error_summary(wide, people, make_template_version):
    template_version = make_template_version()
    editor, workshop = people["workshop editor"]
    log_in(wide, editor)
    open_page(
        wide,
        f"/agreements/new?template_version_id={template_version.id}&language=fi&owner_id={workshop.id}",
    )

    wide.get_by_role("button", name="Luo luonnos").click()

    expect_summary_in_focus(wide)
    summary = wide.locator("#error-summary")
    expect(summary.get_by_role("link", name="Nimi: Anna sopimukselle nimi.")).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("^Koulutuksen järjestäjät: "))).to_be_visible()
    assert_accessible(wide)
    targets = follow_every_link(wide)
    assert {"title", "start_date", "party_ids"} <= set(targets)
    summary.get_by_role("link", name="Nimi: Anna sopimukselle nimi.").click()
    expect(wide.get_by_label("Nimi", exact=True)).to_be_focused()
    expect(wide.get_by_label("Nimi", exact=True)).to_have_attribute("maxlength", "200")


@pytest.fixture
def signing(people, make_user, make_agreement):
    """A draft between the editor's workshop and the signatory's provider, sent for signature."""
    editor, workshop = people["workshop editor"]
    signatory, provider = people["provider signatory"]
    own = make_user(organisation=workshop, role=MembershipRole.SIGNATORY, locale=UILanguage.FI)
    agreement = make_agreement(owner=workshop, providers=[provider], created_by=editor)
    request = operations.send_for_signature(agreement, editor, [(provider, signatory), (workshop, own)])
    db.session.commit()
    (signature,) = [s for s in request.signatures if s.signatory_id == signatory.id]
    return signatory, signature


def test_a_wrong_signing_password_is_told_at_the_top_and_at_the_signing_form(wide, signing):
    signatory, signature = signing
    log_in(wide, signatory)
    open_page(wide, f"/signatures/{signature.id}/sign")
    form = wide.get_by_role("region", name="Allekirjoituksesi")
    form.get_by_label("Nimesi").fill(signatory.name)
    form.get_by_label("Salasanasi").fill(PASSWORD + "x")
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Allekirjoita", exact=True).click()

    expect_summary_in_focus(wide)
    wrong = re.compile("^Salasanasi: Salasana on väärä")
    link = wide.locator("#error-summary").get_by_role("link", name=wrong)
    form = wide.get_by_role("region", name="Allekirjoituksesi")
    expect(form).to_contain_text("Et ole vielä allekirjoittanut.")
    password = form.get_by_label("Salasanasi")
    expect(password).to_have_accessible_description(re.compile("^Salasana on väärä"))
    assert_accessible(wide)
    link.click()
    expect(password).to_be_focused()
    expect(password).to_be_in_viewport()
    expect(form.get_by_label("Nimesi")).to_have_value(signatory.name)


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_is_one_row_at_1280_pixels(wide, people, role):
    user, _ = people[role]
    user.name = "Maria-Kristiina Koordinaattori-Ylläpitäjä"  # a long name must not push the bar to two rows
    db.session.commit()
    log_in(wide, user)
    wide.wait_for_load_state("load")  # measured once the style sheets apply

    bar = wide.get_by_role("navigation", name="Päävalikko")
    items = bar.locator(".navbar-brand, .navbar-nav > li, form, #user-menu")
    tops = [box["y"] for box in (item.bounding_box() for item in items.all()) if box]
    assert len(tops) >= 6
    assert max(tops) - min(tops) < 12, f"the bar of the {role} wraps: item tops {tops}"
    assert bar.bounding_box()["height"] < 70
    assert wide.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_the_administration_menu_works_by_keyboard(wide, people):
    admin, _ = people["admin"]
    log_in(wide, admin)
    menu = wide.get_by_role("button", name="Ylläpito")
    menu.focus()
    wide.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    wide.keyboard.press("ArrowDown")
    expect(wide.get_by_role("link", name="Organisaatiot")).to_be_focused()
    assert_accessible(wide)
    wide.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    wide.keyboard.press("Enter")
    wide.get_by_role("link", name="Käyttäjät").click()
    expect(wide.locator("h1")).to_have_count(1)
    expect(wide.get_by_role("button", name="Ylläpito")).to_have_class(re.compile(r"\bactive\b"))
    wide.get_by_role("button", name="Ylläpito").click()
    expect(wide.get_by_role("link", name="Käyttäjät")).to_have_attribute("aria-current", "page")


def test_the_dashboard_tables_fit_1280_pixels(wide, people, make_network, make_agreement):
    admin, _ = people["admin"]
    _editor, workshop = people["workshop editor"]
    _signatory, provider = people["provider signatory"]
    make_network(name="ULA – svenskspråkiga och tvåspråkiga verkstäder", region_codes=("06", "15"))
    today = date.today()
    make_agreement(
        owner=workshop,
        providers=[provider],
        status=AgreementStatus.SIGNED,
        start_date=date(today.year - 1, 1, 1),
        end_date=date(today.year + 1, 12, 31),
    )
    log_in(wide, admin)
    open_page(wide, "/dashboard/")
    wide.wait_for_load_state("load")

    for wrapper in wide.locator("main .table-responsive").all():
        caption = wrapper.locator("caption").inner_text()
        widths = wrapper.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert widths[0] <= widths[1], f"“{caption}” scrolls sideways at {WIDTH} px: {widths}"
    header = wide.get_by_role("columnheader", name="Työpajat, joilla on voimassa oleva sopimus").first
    expect(header).to_contain_text("Voimassa")
    expect(wide.locator(".trend-chart")).to_be_visible()
    assert_accessible(wide)
    wide.get_by_text("Mitä lyhyet sarakeotsikot tarkoittavat").first.click()
    expect(wide.locator("main details[open] dl").first).to_contain_text("Koulutuksen järjestäjät, joilla on")
