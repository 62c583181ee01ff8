"""In the browser: a coordinator opens the dashboard, narrows it to a region, follows a figure to the list
behind it and opens an organisation from there; every page passes axe-core."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from agreements.drafting.models import AgreementStatus
from agreements.organisations.models import OrganisationKind
from tests.browser.helpers import assert_accessible, log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.committing]


def test_dashboard_and_drill_down(page, people, make_organisation, make_agreement):
    coordinator, _ = people["coordinator"]
    _editor, workshop = people["workshop editor"]
    _signatory, provider = people["provider signatory"]
    idle = make_organisation(OrganisationKind.WORKSHOP, name="Hiljainen Paja", region_code="06")
    today = date.today()
    make_agreement(
        owner=workshop,
        providers=[provider],
        status=AgreementStatus.SIGNED,
        start_date=date(today.year - 1, 1, 1),
        end_date=date(today.year + 1, 12, 31),
    )
    log_in(page, coordinator)

    open_page(page, "/dashboard/")
    assert_accessible(page)
    page.locator("select#region").select_option(label="Pirkanmaa")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/\?network=&region=\d+"))
    assert_accessible(page)

    uptake = page.locator("main table a[href*='workshops_without']").first
    expect(uptake).to_have_text("50")
    uptake.click()
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main table")).to_contain_text(idle.name)
    expect(page.locator("main table")).not_to_contain_text(workshop.name)
    assert_accessible(page)

    page.get_by_role("link", name=idle.name).click()
    expect(page.locator("h1")).to_contain_text(idle.name)
    assert_accessible(page)

    open_page(page, "/dashboard/print")
    assert_accessible(page)
