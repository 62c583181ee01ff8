"""In the browser: an editor starts an annex and chooses its main agreement, sees the annexes on the main
agreement's page and the main agreement on the annex's, and records notice on the main agreement keeping
one annex in force while the other ends with it. Every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from tests.browser.helpers import assert_accessible, log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.committing]


def test_annexes_of_a_main_agreement(page, people, make_agreement, make_template_version):
    editor, workshop = people["workshop editor"]
    _signatory, provider = people["provider signatory"]
    annex_version = make_template_version(key="browser_annex", kind="annex")
    main = make_agreement(
        owner=workshop, providers=[provider], status=AgreementStatus.SIGNED, title="Pääsopimus"
    )
    ending, kept = (
        make_agreement(
            owner=workshop,
            providers=[provider],
            status=AgreementStatus.SIGNED,
            title=title,
            template_version=annex_version,
        )
        for title in ("Päättyvä liite", "Voimaan jäävä liite")
    )
    ending.main_agreement = kept.main_agreement = main
    db.session.commit()
    log_in(page, editor)

    open_page(
        page, f"/agreements/new?template_version_id={annex_version.id}&language=fi&owner_id={workshop.id}"
    )
    expect(page.get_by_label("Pääsopimus")).to_contain_text(main.reference)
    assert_accessible(page)

    open_page(page, f"/agreements/{main.id}")
    expect(page.get_by_role("link", name=f"{ending.reference} Päättyvä liite")).to_be_visible()
    assert_accessible(page)

    open_page(page, f"/agreements/{ending.id}")
    expect(page.get_by_role("link", name=f"{main.reference} Pääsopimus")).to_be_visible()
    assert_accessible(page)

    open_page(page, f"/agreements/{main.id}/renew")
    assert_accessible(page)

    open_page(page, f"/agreements/{main.id}/notice")
    assert_accessible(page)
    page.get_by_label(f"Jätä {kept.reference} Voimaan jäävä liite (Allekirjoitettu) voimaan").check()
    page.locator("select[name=given_by]").select_option(str(workshop.id))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/agreements/{main.id}$"))
    expect(page.get_by_text(f"Liite {ending.reference} seurasi pääsopimusta.")).to_be_visible()
    db.session.expire_all()
    assert (main.status, ending.status, kept.status) == (
        AgreementStatus.TERMINATED,
        AgreementStatus.TERMINATED,
        AgreementStatus.SIGNED,
    )
