"""The template library pages: list, versions, downloads and (de)activation, for administrators only."""

import io
import json
import re

from docx import Document
from sqlalchemy import select

from agreements.accounts.models import UILanguage
from agreements.core.audit import AuditEvent
from agreements.extensions import db
from agreements.templates_lib.models import TemplateSource
from agreements.templates_lib.operations import add_template_version
from tests.support.pages import page_text
from tests.support.template_package import manifest, package


def a_second_version(template_key: str = "test_template"):
    """A changed package of the same template, stored as its next version."""
    changed = manifest(template_key)
    changed["title"]["en"] = "Test agreement, revised"
    changed["fields"] = [f for f in changed["fields"] if f["key"] != "fee"]
    version, _ = add_template_version(*package(changed), TemplateSource.UPLOADED)
    db.session.commit()
    return version


def test_list_shows_each_template_with_kind_latest_version_status_and_usage(
    admin_client, make_template_version, make_agreement
):
    version = make_template_version()
    make_agreement(template_version=version)
    make_agreement(template_version=version)
    a_second_version()
    commitment = make_template_version(key="guidelines", kind="commitment")
    commitment.template.active = False
    db.session.commit()

    response = admin_client.get("/admin/templates/")

    text = page_text(response)
    assert response.status_code == 200
    rows = [" ".join(row.split()) for row in text.split("<tr>")[2:]]
    assert "Test agreement Commitment to the guidelines 1 Inactive 0" in _cells(rows[0])
    assert "Test agreement, revised Bilateral cooperation agreement 2 Active 2" in _cells(rows[1])


def _cells(row: str) -> str:
    """The text of a table row without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_list_says_when_there_are_no_templates(admin_client):
    response = admin_client.get("/admin/templates/")

    assert "There are no templates yet." in page_text(response)


def test_detail_shows_versions_and_the_latest_versions_fields(admin_client, make_template_version):
    first = make_template_version()
    latest = a_second_version()

    text = page_text(admin_client.get(f"/admin/templates/{first.template_id}"))

    assert "Version 2 (shown below)" in text and "Show version 1" in text
    assert first.checksum[:12] in text and latest.checksum[:12] in text
    assert "Sections and fields of version 2 (the latest)" in text
    assert "1 Basics" in text and "2 Details" in text
    assert "Instructor" in text and "List of rows" in text and "Whole number" in text
    assert "monthly" in text and "yearly" in text
    assert "Students (Whole number)" in text
    assert "Fee" not in text  # removed in version 2
    assert "Active: workshops can choose this template for new agreements." in text


def test_an_older_version_can_be_shown(admin_client, make_template_version):
    first = make_template_version()
    a_second_version()

    text = page_text(admin_client.get(f"/admin/templates/{first.template_id}?version=1"))

    assert "Sections and fields of version 1" in text and "(the latest)" not in text
    assert "Fee" in text
    assert admin_client.get(f"/admin/templates/{first.template_id}?version=9").status_code == 404


def test_labels_follow_the_interface_language(client, login, make_user, make_template_version):
    version = make_template_version()
    login(client, make_user(admin=True, locale=UILanguage.SV))

    text = page_text(client.get(f"/admin/templates/{version.template_id}"))

    assert "Instructor (sv)" in text and "2 Detaljer" in text and "månadsvis" in text


def test_uploader_and_defaults_are_shown(admin_client, admin):
    with_defaults = manifest()
    fields = {f["key"]: f for f in with_defaults["fields"]}
    fields["fee"]["default"] = "1250.00"
    fields["billing"]["default"] = "yearly"
    fields["insured"]["default"] = False
    fields["first_day"]["default"] = "2026-08-01"
    version, _ = add_template_version(*package(with_defaults), TemplateSource.UPLOADED, created_by=admin)
    db.session.commit()

    text = page_text(admin_client.get(f"/admin/templates/{version.template_id}"))

    assert "Anna Ylläpitäjä" in text and "Uploaded" in text
    for shown in ("1\xa0250,00\xa0€", "yearly", "1.8.2026", "<td>No</td>", "<td>2</td>"):
        assert shown in text, shown


def test_documents_and_manifest_download_as_stored(admin_client, make_template_version):
    version = make_template_version()

    finnish = admin_client.get(f"/admin/templates/versions/{version.id}/fi.docx")
    swedish = admin_client.get(f"/admin/templates/versions/{version.id}/sv.docx")
    manifest_file = admin_client.get(f"/admin/templates/versions/{version.id}/manifest.json")

    assert finnish.data == version.docx_fi and swedish.data == version.docx_sv
    assert "test_template-v1-fi.docx" in finnish.headers["Content-Disposition"]
    assert any(p.text == "2 Detaljer" for p in Document(io.BytesIO(swedish.data)).paragraphs)
    assert json.loads(manifest_file.data) == version.manifest
    assert "attachment" in manifest_file.headers["Content-Disposition"]
    assert admin_client.get(f"/admin/templates/versions/{version.id}/en.docx").status_code == 404


def test_deactivation_is_confirmed_then_the_template_is_no_longer_offered(
    admin_client, admin, make_template_version
):
    template = make_template_version().template
    url = f"/admin/templates/{template.id}/deactivate"

    confirmation = admin_client.get(url)
    response = admin_client.post(url)

    assert "Deactivate Test agreement?" in page_text(confirmation)
    assert response.status_code == 302
    db.session.refresh(template)
    assert template.active is False
    text = page_text(admin_client.get(response.headers["Location"]))
    assert "Test agreement can no longer be chosen for new agreements." in text
    assert "Inactive: this template cannot be chosen for new agreements." in text
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "template.deactivate"))
    assert (audit.actor_id, audit.object_id) == (admin.id, template.id)


def test_an_inactive_template_can_be_activated_again(admin_client, make_template_version):
    template = make_template_version().template
    template.active = False
    db.session.commit()

    response = admin_client.post(f"/admin/templates/{template.id}/activate")

    db.session.refresh(template)
    assert template.active is True
    assert "can again be chosen for new agreements" in page_text(
        admin_client.get(response.headers["Location"])
    )


def test_activating_an_active_template_is_refused(admin_client, make_template_version):
    template = make_template_version().template

    response = admin_client.post(f"/admin/templates/{template.id}/activate")

    assert response.status_code == 409
    assert "The template is already active." in page_text(response)


def test_deactivation_without_csrf_token_changes_nothing(admin_client, make_template_version):
    template = make_template_version().template

    response = admin_client.post(f"/admin/templates/{template.id}/deactivate", csrf=False)

    db.session.refresh(template)
    assert response.status_code == 400 and template.active is True


def test_other_users_get_403_on_the_list_and_404_on_a_template(
    client, login, make_user, make_organisation, make_template_version
):
    version = make_template_version()
    login(client, make_user(organisation=make_organisation()))

    assert client.get("/admin/templates/").status_code == 403
    assert client.get(f"/admin/templates/{version.template_id}").status_code == 404
    assert client.get(f"/admin/templates/versions/{version.id}/fi.docx").status_code == 404
    assert client.post(f"/admin/templates/{version.template_id}/deactivate").status_code == 404
