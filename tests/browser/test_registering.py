"""Registering agreements signed outside the service in a real browser: the form by hand, its errors, the
agreement's page, and the bulk page refusing a file with its problems listed; every page accessible."""

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, log_in, open_page
from tests.support.signing import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.committing]


def test_an_editor_registers_an_agreement_and_a_bad_file_is_refused(page, people, tmp_path):
    editor, _workshop = people["workshop editor"]
    _, provider = people["provider signatory"]
    pdf = tmp_path / "sopimus.pdf"
    pdf.write_bytes(pdf_bytes())
    log_in(page, editor)

    open_page(page, "/agreements/register")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()  # nothing filled in: every problem shown
    expect(page.locator("#title-error")).to_be_visible()
    assert_accessible(page)

    form = page.locator("main form")
    form.locator("[name=agreement_kind]").select_option("bilateral")
    form.locator("[name=title]").fill("Vanha yhteistyösopimus")
    form.locator("[name=start_date]").fill("2024-08-01")
    form.locator("[name=end_date]").fill("2027-07-31")
    form.locator("[name=party_ids]").select_option(label=f"{provider.name} ({provider.municipality})")
    form.locator("[name=signed_pdf]").set_input_files(str(pdf))
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Vanha yhteistyösopimus")
    expect(page.locator("main")).to_contain_text("Allekirjoitettu palvelun ulkopuolella")
    assert_accessible(page)
    main_reference = page.locator("main p.lead").inner_text().split()[0]

    # an annex of it, signed outside the service too, names it as its main agreement
    open_page(page, "/agreements/register")
    form = page.locator("main form")
    form.locator("[name=agreement_kind]").select_option("annex")
    form.locator("[name=main_agreement_id]").select_option(
        label=f"{main_reference} Vanha yhteistyösopimus (Allekirjoitettu)"
    )
    form.locator("[name=title]").fill("Korvausliite")
    form.locator("[name=start_date]").fill("2025-01-01")
    form.locator("[name=end_date]").fill("2027-07-31")
    form.locator("[name=party_ids]").select_option(label=f"{provider.name} ({provider.municipality})")
    annex_pdf = tmp_path / "liite.pdf"
    annex_pdf.write_bytes(pdf_bytes(2))
    form.locator("[name=signed_pdf]").set_input_files(str(annex_pdf))
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Korvausliite")
    expect(page.locator("main")).to_contain_text(f"Liite sopimukseen {main_reference}")

    open_page(page, "/agreements/register/bulk")
    assert_accessible(page)
    expect(page.get_by_label("Asiakirjojen ZIP-tiedosto")).to_have_accessible_description(
        re.compile("yhteensä enintään 200 Mt; kukin PDF- ja .docx-tiedosto enintään 10 Mt")
    )
    csv_file = tmp_path / "sopimukset.csv"
    csv_file.write_text("kind;title;workshop;parties;start_date;pdf\nmuu;X;Tuntematon;;1.1.2024;a.pdf\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.pdf", pdf_bytes())
    zip_file = tmp_path / "sopimukset.zip"
    zip_file.write_bytes(buffer.getvalue())
    page.locator("[name=csv_file]").set_input_files(str(csv_file))
    page.locator("[name=zip_file]").set_input_files(str(zip_file))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#errors-heading")).to_have_text("Mitään ei kirjattu")
    expect(page.locator("main table").first).to_contain_text("workshop")
    assert_accessible(page)
