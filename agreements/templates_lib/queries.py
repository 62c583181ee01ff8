"""Read-only queries of the template administration; the .docx columns are never loaded for lists."""

from collections import Counter
from typing import NamedTuple

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import contains_eager, defer

from agreements.accounts.models import User
from agreements.core.signals import values_from
from agreements.extensions import db
from agreements.templates_lib.models import AgreementTemplate, TemplateVersion
from agreements.templates_lib.signals import version_usage

WITHOUT_DOCUMENTS = (defer(TemplateVersion.docx_fi), defer(TemplateVersion.docx_sv))


class TemplateRow(NamedTuple):
    template: AgreementTemplate
    latest: TemplateVersion
    agreements: int


class VersionRow(NamedTuple):
    version: TemplateVersion
    uploaded_by: str | None
    agreements: int


def usage_by_version() -> Counter:
    """How many agreements were drafted on each template version, as the packages that draft them count."""
    usage = Counter()
    for counts in values_from(version_usage, None):
        usage.update(counts)
    return usage


def latest_versions() -> Select:
    """The latest version of every template, with its template and without its documents."""
    latest = (
        select(TemplateVersion.template_id, func.max(TemplateVersion.number).label("number"))
        .group_by(TemplateVersion.template_id)
        .subquery()
    )
    is_latest = and_(
        TemplateVersion.template_id == latest.c.template_id, TemplateVersion.number == latest.c.number
    )
    return (
        select(TemplateVersion)
        .join(latest, is_latest)
        .join(AgreementTemplate, AgreementTemplate.id == TemplateVersion.template_id)
        .options(*WITHOUT_DOCUMENTS, contains_eager(TemplateVersion.template))
    )


def title_order(version: TemplateVersion) -> tuple[str, str]:
    """Sort key of template versions: their title in the interface language, then the template key."""
    return version.title.casefold(), version.template.key


def template_rows() -> list[TemplateRow]:
    """Every template with its latest version and how many agreements use any of its versions, by title."""
    usage, templates = usage_by_version(), Counter()
    for version_id, template_id in db.session.execute(
        select(TemplateVersion.id, TemplateVersion.template_id)
    ):
        templates[template_id] += usage[version_id]
    rows = [
        TemplateRow(v.template, v, templates[v.template_id]) for v in db.session.scalars(latest_versions())
    ]
    return sorted(rows, key=lambda row: title_order(row.latest))


def version_rows(template: AgreementTemplate) -> list[VersionRow]:
    """The template's versions, newest first, with the uploader's name and the agreements drafted on each."""
    usage = usage_by_version()
    query = (
        select(TemplateVersion, User.name)
        .outerjoin(User, User.id == TemplateVersion.created_by_id)
        .where(TemplateVersion.template_id == template.id)
        .order_by(TemplateVersion.number.desc())
        .options(*WITHOUT_DOCUMENTS)
    )
    return [VersionRow(version, name, usage[version.id]) for version, name in db.session.execute(query)]
