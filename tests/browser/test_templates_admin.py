"""The template administration in Chromium: upload, refusal, details and deactivation, each page axe-clean."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, log_in, open_page
from tests.support.template_package import docx_for, manifest, package

pytestmark = [pytest.mark.browser, pytest.mark.committing]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def choose_files(page, manifest_bytes: bytes, documents: dict[str, bytes]) -> None:
    page.set_input_files(
        "#manifest", {"name": "manifest.json", "mimeType": "application/json", "buffer": manifest_bytes}
    )
    for language in ("fi", "sv"):
        page.set_input_files(
            f"#document_{language}",
            {"name": f"{language}.docx", "mimeType": DOCX, "buffer": documents[language]},
        )
    page.get_by_role("button", name="Check and upload").click()


def test_administrator_uploads_reads_and_deactivates_a_template(page, make_user):
    log_in(page, make_user(admin=True))
    open_page(page, "/admin/templates/")
    expect(page.locator("main")).to_contain_text("There are no templates yet.")
    assert_accessible(page)

    page.get_by_role("link", name="Upload a template version").click()
    assert_accessible(page)
    broken = manifest()
    broken["fields"][0]["section"] = "appendix"
    choose_files(page, json.dumps(broken).encode(), package()[1])
    expect(page.locator("#manifest-error")).to_contain_text("The field instructor refers to a section")
    assert_accessible(page)

    choose_files(page, *package())
    expect(page.locator("h1")).to_have_text("Test agreement")
    expect(page.locator("main")).to_contain_text("Version 1 of Test agreement was added.")
    expect(page.locator("main")).to_contain_text("Instructor")
    assert_accessible(page)

    page.get_by_role("link", name="Deactivate").click()
    expect(page.locator("h1")).to_have_text("Deactivate Test agreement?")
    assert_accessible(page)
    page.get_by_role("button", name="Deactivate").click()
    expect(page.locator("main")).to_contain_text(
        "Inactive: this template cannot be chosen for new agreements."
    )
    assert_accessible(page)

    open_page(page, "/admin/templates/")
    expect(page.locator("tbody tr")).to_contain_text("Inactive")
    assert_accessible(page)


def test_a_refused_document_is_shown_under_its_own_input(page, make_user):
    log_in(page, make_user(admin=True))
    open_page(page, "/admin/templates/upload")
    test_manifest = manifest()
    documents = {
        "fi": docx_for(test_manifest, "fi", extra_paragraphs=("{{ secret }}",)),
        "sv": package()[1]["sv"],
    }

    choose_files(page, json.dumps(test_manifest).encode(), documents)

    expect(page.locator("#document_fi-error")).to_contain_text("fi.docx: secret")
    expect(page.locator("#document_fi")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
