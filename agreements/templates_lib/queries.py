"""Read-only queries of the template administration; the .docx columns are never loaded for lists."""

from typing import NamedTuple

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import contains_eager, defer

from agreements.accounts.models import User
from agreements.drafting.models import Agreement
from agreements.extensions import db
from agreements.templates_lib.models import AgreementTemplate, TemplateVersion

WITHOUT_DOCUMENTS = (defer(TemplateVersion.docx_fi), defer(TemplateVersion.docx_sv))


class TemplateRow(NamedTuple):
    template: AgreementTemplate
    latest: TemplateVersion
    agreements: int


class VersionRow(NamedTuple):
    version: TemplateVersion
    uploaded_by: str | None
    agreements: int


def _agreement_counts(group_column):
    """Number of agreements per ``group_column`` of their template version."""
    return (
        select(group_column.label("key"), func.count(Agreement.id).label("agreements"))
        .join(Agreement, Agreement.template_version_id == TemplateVersion.id)
        .group_by(group_column)
        .subquery()
    )


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
    usage = _agreement_counts(TemplateVersion.template_id)
    query = (
        latest_versions()
        .add_columns(func.coalesce(usage.c.agreements, 0))
        .outerjoin(usage, usage.c.key == TemplateVersion.template_id)
    )
    rows = [TemplateRow(version.template, version, count) for version, count in db.session.execute(query)]
    return sorted(rows, key=lambda row: title_order(row.latest))


def version_rows(template: AgreementTemplate) -> list[VersionRow]:
    """The template's versions, newest first, with the uploader's name and the agreements drafted on each."""
    usage = _agreement_counts(TemplateVersion.id)
    query = (
        select(TemplateVersion, User.name, func.coalesce(usage.c.agreements, 0))
        .outerjoin(User, User.id == TemplateVersion.created_by_id)
        .outerjoin(usage, usage.c.key == TemplateVersion.id)
        .where(TemplateVersion.template_id == template.id)
        .order_by(TemplateVersion.number.desc())
        .options(*WITHOUT_DOCUMENTS)
    )
    return [VersionRow(*row) for row in db.session.execute(query)]
