"""``flask templates sync``: loads template folders idempotently and names the folder it refuses."""

import json

import pytest
from sqlalchemy import select

from agreements import ROOT
from agreements.extensions import db
from agreements.templates_lib.models import AgreementTemplate, TemplateSource, TemplateVersion
from tests.support.template_package import manifest, package, stored_versions

SHIPPED = ROOT / "agreement_templates"
SHIPPED_KEYS = sorted(path.parent.name for path in SHIPPED.glob("*/manifest.json"))


def write_package(folder, manifest_dict: dict) -> None:
    """A template folder as agreement_templates/ holds them."""
    manifest_bytes, documents = package(manifest_dict)
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_bytes(manifest_bytes)
    for language, document in documents.items():
        (folder / f"{language}.docx").write_bytes(document)


def sync(app, *args):
    return app.test_cli_runner().invoke(args=["templates", "sync", *args])


@pytest.fixture
def folder(tmp_path):
    """Two template packages, as built by the test support module."""
    write_package(tmp_path / "alpha", manifest("alpha", "bilateral"))
    write_package(tmp_path / "beta", manifest("beta", "commitment"))
    return tmp_path


def test_sync_loads_every_folder_once(app, folder):
    first = sync(app, "--folder", str(folder))
    second = sync(app, "--folder", str(folder))

    assert first.exit_code == 0, first.output
    assert "alpha: version 1 added" in first.output and "beta: version 1 added" in first.output
    assert second.exit_code == 0, second.output
    assert "alpha: version 1 already loaded" in second.output
    assert stored_versions() == 2
    templates = db.session.scalars(select(AgreementTemplate).order_by(AgreementTemplate.key)).all()
    assert [(t.key, t.kind.value, t.active) for t in templates] == [
        ("alpha", "bilateral", True),
        ("beta", "commitment", True),
    ]
    assert {v.source for v in db.session.scalars(select(TemplateVersion))} == {TemplateSource.SHIPPED}


def test_a_changed_package_becomes_the_next_version(app, folder):
    sync(app, "--folder", str(folder))
    changed = manifest("alpha", "bilateral")
    changed["title"]["fi"] = "Testisopimus, uudistettu"
    (folder / "alpha" / "manifest.json").write_text(json.dumps(changed))

    result = sync(app, "--folder", str(folder))

    assert "alpha: version 2 added" in result.output
    assert "beta: version 1 already loaded" in result.output
    assert stored_versions() == 3


def test_a_defective_folder_is_named_and_nothing_is_loaded(app, folder):
    (folder / "beta" / "sv.docx").unlink()

    result = sync(app, "--folder", str(folder))

    assert result.exit_code == 1
    assert "beta: " in result.output and "sv.docx" in result.output
    assert stored_versions() == 0


def test_a_folder_without_templates_loads_nothing(app, tmp_path):
    result = sync(app, "--folder", str(tmp_path))

    assert result.exit_code == 0
    assert "No template folders" in result.output
    assert stored_versions() == 0


def test_shipped_templates_load_and_a_second_sync_adds_nothing(app):
    assert SHIPPED_KEYS == ["commitment", "compensation_annex", "cooperation"]
    first = sync(app)
    second = sync(app)

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert stored_versions() == len(SHIPPED_KEYS)
    assert second.output.count("already loaded") == len(SHIPPED_KEYS)
    assert "added" not in second.output
