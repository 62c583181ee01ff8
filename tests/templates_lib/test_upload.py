"""Uploading a template package: accepted ones become versions; every refusal is explained, nothing stored."""

import pytest
from sqlalchemy import func, select

from agreements.core.audit import AuditEvent
from agreements.extensions import db
from agreements.templates_lib.models import AgreementTemplate, TemplateSource, TemplateVersion
from agreements.templates_lib.operations import add_template_version
from tests.support.pages import page_text
from tests.support.template_package import (
    docx_for,
    manifest,
    manifest_bytes,
    package,
    stored_versions,
    upload_data,
)
from tests.templates_lib import defects

URL = "/admin/templates/upload"


def post_upload(client, data: dict, **kwargs):
    return client.post(URL, data=data, content_type="multipart/form-data", **kwargs)


def test_upload_page_explains_the_package(admin_client):
    response = admin_client.get(URL)

    text = page_text(response)
    assert response.status_code == 200
    assert "Manifest (manifest.json)" in text and "Swedish document (.docx)" in text
    assert "cannot be edited or deleted" in text


def test_a_new_key_creates_a_template_and_its_first_version(admin_client, admin):
    uploaded_manifest, documents = package()

    response = post_upload(admin_client, upload_data(uploaded_manifest, documents))

    template = db.session.scalar(select(AgreementTemplate))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/templates/{template.id}?version=1"
    version = template.latest_version
    assert (template.key, version.number, version.source, version.created_by_id) == (
        "test_template",
        1,
        TemplateSource.UPLOADED,
        admin.id,
    )
    assert (version.docx("fi"), version.docx("sv")) == (documents["fi"], documents["sv"])
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "template.version_add"))
    assert (audit.actor_id, audit.object_id, audit.details) == (
        admin.id,
        template.id,
        {"number": 1, "source": "uploaded"},
    )
    followed = admin_client.get(response.headers["Location"])
    assert "Version 1 of Test agreement was added." in page_text(followed)


def test_a_manifest_saved_with_a_utf8_byte_order_mark_is_accepted(admin_client):
    uploaded_manifest, documents = package()

    response = post_upload(admin_client, upload_data(b"\xef\xbb\xbf" + uploaded_manifest, documents))

    assert response.status_code == 302
    assert db.session.scalar(select(AgreementTemplate.key)) == "test_template"


def test_a_changed_package_of_a_known_key_becomes_the_next_version(admin_client, make_template_version):
    template = make_template_version().template
    changed = manifest()
    changed["title"]["en"] = "Test agreement, revised"

    response = post_upload(admin_client, upload_data(manifest_bytes(changed)))

    assert response.headers["Location"] == f"/admin/templates/{template.id}?version=2"
    assert stored_versions() == 2
    assert "Version 2 of Test agreement, revised was added." in page_text(
        admin_client.get("/admin/templates/")
    )


def test_an_identical_package_is_not_stored_again(admin_client):
    the_package = package()
    template = add_template_version(*the_package, TemplateSource.SHIPPED)[0].template
    db.session.commit()

    response = post_upload(admin_client, upload_data(*the_package))

    assert response.headers["Location"] == f"/admin/templates/{template.id}?version=1"
    assert stored_versions() == 1
    text = page_text(admin_client.get(response.headers["Location"]))
    assert "This package is identical to version 1 of Test agreement; nothing was stored." in text


LARGE_DOCX = b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024)

#: (case, form data, the field whose error it is, what the page must say)
REFUSALS = [
    ("manifest not UTF-8", lambda: upload_data('{"key": "työ"}'.encode("latin-1")), "manifest", "not UTF-8"),
    ("manifest not JSON", lambda: upload_data(b"key = test"), "manifest", "The manifest is not valid JSON"),
    ("manifest too large", lambda: upload_data(b" " * (256 * 1024 + 1)), "manifest", "larger than 256 kB"),
    ("manifest empty", lambda: upload_data(b""), "manifest", "The file is empty."),
    (
        "bad field key",
        lambda: upload_data(manifest_bytes(_with_field_key("Instructor Name"))),
        "manifest",
        "'Instructor Name' is not a valid key",
    ),
    (
        "document is not a zip",
        lambda: upload_data(documents={"fi": b"%PDF-1.7 not a word file"}),
        "document_fi",
        "The file is not a Word document (.docx).",
    ),
    (
        "document too large",
        lambda: upload_data(documents={"sv": LARGE_DOCX}),
        "document_sv",
        "larger than 5 MB",
    ),
    (
        "zip bomb",
        lambda: upload_data(documents={"fi": defects.zip_bomb()}),
        "document_fi",
        "fi.docx is too large when unpacked.",
    ),
    (
        "undeclared variable in the Swedish document",
        lambda: upload_data(documents={"sv": docx_for(manifest(), "sv", extra_paragraphs=("{{ secret }}",))}),
        "document_sv",
        "The document uses variables the manifest does not declare: sv.docx: secret",
    ),
    (
        "test render fails",
        lambda: upload_data(documents={"fi": defects.finnish_with("{{ agreement.place }}")}),
        "document_fi",
        "A test render with sample values failed: fi.docx",
    ),
]


def _with_field_key(key: str) -> dict:
    changed = manifest()
    changed["fields"][0]["key"] = key
    return changed


@pytest.mark.parametrize(("case", "data", "field", "says"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_refused_upload_names_the_problem_and_stores_nothing(admin_client, case, data, field, says):
    response = post_upload(admin_client, data())

    text = page_text(response)
    assert response.status_code == 200
    assert "The package was not accepted, and nothing was stored" in text
    assert f'id="{field}-error"' in text
    assert says in text.split(f'id="{field}-error">', 1)[1].split("</div>", 1)[0]
    assert stored_versions() == 0
    assert db.session.scalar(select(func.count()).select_from(AgreementTemplate)) == 0


def test_a_known_key_with_another_kind_is_refused(admin_client, make_template_version):
    make_template_version(kind="bilateral")

    response = post_upload(admin_client, upload_data(manifest_bytes(manifest(kind="commitment"))))

    assert "The manifest entry kind has an invalid value." in page_text(response)
    assert stored_versions() == 1


def test_missing_files_are_asked_for(admin_client):
    response = post_upload(admin_client, {})

    text = page_text(response)
    assert "Choose the manifest.json file." in text
    assert "Choose the Finnish document." in text and "Choose the Swedish document." in text


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_national_administrators_upload(client, login, make_user, make_organisation, method):
    login(client, make_user(organisation=make_organisation()))

    response = getattr(client, method)(URL, **({"data": upload_data()} if method == "post" else {}))

    assert response.status_code == 403
    assert stored_versions() == 0


def test_an_upload_without_csrf_token_is_refused(admin_client):
    response = post_upload(admin_client, upload_data(), csrf=False)

    assert response.status_code == 400
    assert stored_versions() == 0


def test_stored_versions_are_immutable(make_template_version):
    version = make_template_version()
    original = version.docx_fi

    version.docx_fi = b"PK\x03\x04 replaced"
    with pytest.raises(RuntimeError, match="immutable"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(TemplateVersion, version.id).docx("fi") == original
