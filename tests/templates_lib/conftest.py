"""Fixtures of the template administration tests: a logged-in administrator and upload helpers."""

import html
import io
import json

import pytest
from sqlalchemy import func, select

from agreements.extensions import db
from agreements.templates_lib.models import TemplateVersion
from tests.support.template_package import package


@pytest.fixture
def admin(make_user):
    return make_user(admin=True, name="Anna Ylläpitäjä")


@pytest.fixture
def admin_client(client, admin, login):
    login(client, admin)
    return client


def upload_data(manifest_bytes: bytes | None = None, documents: dict | None = None) -> dict:
    """Form data of the upload page: the test package unless other bytes are given."""
    default_manifest, default_documents = package()
    documents = {**default_documents, **(documents or {})}
    return {
        "manifest": (
            io.BytesIO(default_manifest if manifest_bytes is None else manifest_bytes),
            "manifest.json",
        ),
        "document_fi": (io.BytesIO(documents["fi"]), "fi.docx"),
        "document_sv": (io.BytesIO(documents["sv"]), "sv.docx"),
    }


def manifest_bytes(manifest_dict: dict) -> bytes:
    return json.dumps(manifest_dict).encode()


def page_text(response) -> str:
    """The response's HTML with entities decoded, as a reader sees the characters."""
    return html.unescape(response.get_data(as_text=True))


def stored_versions() -> int:
    return db.session.scalar(select(func.count()).select_from(TemplateVersion))
