"""Adding template versions, from the shipped folder or an administrator's upload."""

import hashlib
import json
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select

from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.extensions import db
from agreements.templates_lib.errors import TemplateRejected
from agreements.templates_lib.manifest import parse_manifest
from agreements.templates_lib.models import AgreementTemplate, TemplateKind, TemplateSource, TemplateVersion
from agreements.templates_lib.package import check_package

DOCUMENT_LANGUAGES = ("fi", "sv")


def package_checksum(manifest: dict, documents: dict[str, bytes]) -> str:
    """SHA-256 over the canonical manifest and both documents."""
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode())
    for language in DOCUMENT_LANGUAGES:
        digest.update(hashlib.sha256(documents[language]).digest())
    return digest.hexdigest()


def add_template_version(
    manifest_bytes: bytes, documents: dict[str, bytes], source: TemplateSource, created_by=None
) -> tuple[TemplateVersion, bool]:
    """Check a package and store it as the template's next version; (version, created).

    A package identical to one already stored is not stored again, which makes syncing idempotent.
    """
    manifest = parse_manifest(manifest_bytes)
    missing = [language for language in DOCUMENT_LANGUAGES if not documents.get(language)]
    if missing:
        raise TemplateRejected("not_a_docx", ", ".join(f"{language}.docx" for language in missing))
    check_package(manifest, documents)
    checksum = package_checksum(manifest, documents)
    template = _template_for(manifest)
    existing = db.session.scalar(
        select(TemplateVersion).where(
            TemplateVersion.template_id == template.id, TemplateVersion.checksum == checksum
        )
    )
    if existing is not None:
        return existing, False
    latest_number = db.session.scalar(
        select(func.max(TemplateVersion.number)).where(TemplateVersion.template_id == template.id)
    )
    version = TemplateVersion(
        template=template,
        number=(latest_number or 0) + 1,
        manifest=manifest,
        docx_fi=documents["fi"],
        docx_sv=documents["sv"],
        checksum=checksum,
        source=source,
        created_by_id=created_by.id if created_by is not None else None,
    )
    db.session.add(version)
    record(
        "template.version_add", template, {"number": version.number, "source": source.value}, actor=created_by
    )
    return version, True


def _template_for(manifest: dict) -> AgreementTemplate:
    template = db.session.scalar(select(AgreementTemplate).where(AgreementTemplate.key == manifest["key"]))
    if template is None:
        template = AgreementTemplate(key=manifest["key"], kind=TemplateKind(manifest["kind"]))
        db.session.add(template)
        db.session.flush()
    elif template.kind != TemplateKind(manifest["kind"]):
        raise TemplateRejected("manifest_bad_value", "kind")
    return template


def read_package_folder(folder: Path) -> tuple[bytes, dict[str, bytes]]:
    """The manifest and documents of a template folder; a missing document reads as empty (and is refused)."""
    paths = {language: folder / f"{language}.docx" for language in DOCUMENT_LANGUAGES}
    documents = {language: path.read_bytes() if path.is_file() else b"" for language, path in paths.items()}
    return (folder / "manifest.json").read_bytes(), documents


def sync_shipped_templates(root: Path) -> list[tuple[str, int, bool]]:
    """Load every template folder under ``root``; returns (key, version number, created) per folder."""
    results = []
    for folder in sorted(path for path in root.glob("*") if (path / "manifest.json").is_file()):
        manifest_bytes, documents = read_package_folder(folder)
        try:
            version, created = add_template_version(manifest_bytes, documents, TemplateSource.SHIPPED)
        except TemplateRejected as rejected:
            raise TemplateRejected(rejected.code, rejected.detail, package=folder.name) from rejected
        results.append((version.template.key, version.number, created))
    return results


def set_template_active(template: AgreementTemplate, active: bool) -> None:
    """Offer a template for new agreements again, or stop offering it; existing agreements keep theirs."""
    if template.active == active:
        raise OperationRefused(
            _("The template is already active.") if active else _("The template is already inactive.")
        )
    template.active = active
    db.session.flush()
    record("template.activate" if active else "template.deactivate", template)
