"""The whole drafting flow in a real browser: a workshop editor drafts an agreement from a template, saves a
second version, reads the preview, the history and the comparison, and downloads the .docx; no page on
the way has a serious accessibility problem, nor do the document pages of the shipped templates."""

import io
import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from agreements import ROOT
from agreements.drafting.models import AgreementVersion
from agreements.extensions import db
from agreements.templates_lib.fields import sample_value
from agreements.templates_lib.models import TemplateSource
from agreements.templates_lib.operations import add_template_version, read_package_folder
from tests.browser.helpers import assert_accessible, log_in, open_page, switch_language

pytestmark = [pytest.mark.browser, pytest.mark.committing]

SHIPPED = sorted(
    path for path in (ROOT / "agreement_templates").glob("*") if (path / "manifest.json").is_file()
)
DUTIES_V1 = "Perehdytys & työturvallisuus <tärkeä>\nOhjaus päivittäin"
DUTIES_V2 = "Perehdytys & työturvallisuus <tärkeä>\nOhjaus ja tuki viikoittain"


def field(page: Page, label: str):
    """The form control whose label is exactly ``label``."""
    return page.get_by_label(label, exact=True)


def start_agreement(page: Page, template_title: str) -> None:
    """Choose the template and the document language on the first page of a new agreement."""
    open_page(page, "/agreements/new")
    assert_accessible(page)
    field(page, "Template").select_option(label=template_title)
    field(page, "Document language").select_option("fi")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("New agreement")


def fill_draft(page: Page, provider) -> None:
    """Fill the agreement's details and the template's fields, adding one row to the list of units."""
    field(page, "Title").fill("Yhteistyösopimus työelämässä oppimisesta")
    field(page, "Start date").fill("2026-08-01")
    field(page, "End date").fill("2027-07-31")
    field(page, "Notice period in months").fill("3")
    field(page, "Education providers").select_option(label=f"{provider.name} ({provider.municipality})")
    field(page, "Instructor").fill("Maija Ohjaaja")
    field(page, "Duties").fill(DUTIES_V1)
    field(page, "First day").fill("2026-08-10")
    field(page, "Places").fill("3")
    field(page, "Fee").fill("120,50")
    field(page, "Billing").select_option("monthly")
    field(page, "Insured").check()
    page.get_by_role("button", name="Add row").click()
    expect(field(page, "Instructor")).to_have_value("Maija Ohjaaja")
    field(page, "Unit").fill("Puusepänalan perustutkinto")
    field(page, "Students").fill("2")
    assert_accessible(page)


def save_second_version(page: Page) -> None:
    """Edit the draft: new duties and instructor, with a change note."""
    page.get_by_role("link", name="Edit the draft").click()
    expect(field(page, "Duties")).to_have_value(DUTIES_V1)
    assert_accessible(page)
    field(page, "Instructor").fill("Matti Ohjaaja")
    field(page, "Duties").fill(DUTIES_V2)
    field(page, "Change note").fill("Ohjaus viikoittain")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator("main .alert-success")).to_contain_text("Saved as version 2.")
    assert_accessible(page)


def test_editor_drafts_edits_previews_compares_and_downloads(page, people, make_template_version, tmp_path):
    template_version = make_template_version()
    editor, _ = people["workshop editor"]
    _, provider = people["provider signatory"]
    log_in(page, editor)
    switch_language(page, "en")  # the labels below are the English source texts

    start_agreement(page, template_version.text(template_version.manifest["title"], "en"))
    fill_draft(page, provider)
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator("main .alert-success")).to_contain_text("created as a draft")
    assert_accessible(page)

    save_second_version(page)

    page.get_by_role("link", name="Preview the document").click()
    expect(page.locator("article h2")).to_have_text(["1 Perustiedot", "2 Yksityiskohdat"])
    expect(page.locator("article")).to_contain_text("Instructor: Matti Ohjaaja")
    expect(page.locator("article")).to_contain_text("Puusepänalan perustutkinto / 2")
    assert_accessible(page)

    page.get_by_role("link", name="Version history").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody tr").first).to_contain_text("Ohjaus viikoittain")
    assert_accessible(page)

    page.get_by_role("button", name="Compare the chosen versions").click()
    expect(page.locator("h1")).to_have_text("Changes from version 1 to version 2")
    expect(page.locator("main del")).to_contain_text(["päivittäin"])
    expect(page.locator("main ins")).to_contain_text(["ja tuki viikoittain"])
    expect(page.locator("main table")).to_contain_text("Matti Ohjaaja")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download .docx (version 2)").click()
    download = download_info.value
    assert re.fullmatch(
        r"SOP-\d{4}-\d{4}_Yhteistyösopimus_työelämässä_oppimisesta_v2\.docx", download.suggested_filename
    )
    path = tmp_path / "agreement.docx"
    download.save_as(path)
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert "Instructor: Matti Ohjaaja" in text
    assert f"Duties: {DUTIES_V2}" in text


#: What version 2 keeps from version 1.
COPIED_FIELDS = ("title", "start_date", "end_date", "notice_period_months", "auto_renew", "party_ids")


def with_second_version(agreement, added_sentence: str) -> None:
    """Append version 2, in which the first long text field ends with ``added_sentence``."""
    first = agreement.latest_version
    key = next(field["key"] for field in agreement.template_version.fields if field["type"] == "long_text")
    agreement.versions.append(
        AgreementVersion(
            number=2,
            change_note="Lisätty lause",
            values={**first.values, key: f"{first.values[key]} {added_sentence}"},
            **{name: getattr(first, name) for name in COPIED_FIELDS},
        )
    )
    agreement.current_version_number = 2
    db.session.commit()


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda folder: folder.name)
def test_document_pages_of_each_shipped_template_are_accessible(page, people, make_agreement, folder):
    template_version, _created = add_template_version(*read_package_folder(folder), TemplateSource.SHIPPED)
    values = {field["key"]: sample_value(field) for field in template_version.fields}
    editor, workshop = people["workshop editor"]
    _, provider = people["provider signatory"]
    agreement = make_agreement(
        owner=workshop,
        providers=[provider],
        template_version=template_version,
        values=values,
        created_by=editor,
    )
    with_second_version(agreement, "Lisätty lause.")
    log_in(page, editor)

    for path in ("preview", "history", "compare"):
        open_page(page, f"/agreements/{agreement.id}/{path}")
        assert_accessible(page)
    expect(page.locator("main ins")).to_contain_text(["Lisätty lause."])
