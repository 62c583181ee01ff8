"""Read-only queries of the template administration; the .docx columns are never loaded for lists."""

from typing import NamedTuple

from sqlalchemy import and_, func, select
from sqlalchemy.orm import defer

from agreements.accounts.models import User
from agreements.drafting.models import Agreement
from agreements.extensions import db
from agreements.templates_lib.models import AgreementTemplate, TemplateVersion

_WITHOUT_DOCUMENTS = (defer(TemplateVersion.docx_fi), defer(TemplateVersion.docx_sv))


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


def template_rows() -> list[TemplateRow]:
    """Every template with its latest version and how many agreements use any of its versions, by title."""
    latest = (
        select(TemplateVersion.template_id, func.max(TemplateVersion.number).label("number"))
        .group_by(TemplateVersion.template_id)
        .subquery()
    )
    usage = _agreement_counts(TemplateVersion.template_id)
    is_latest = and_(
        TemplateVersion.template_id == latest.c.template_id, TemplateVersion.number == latest.c.number
    )
    query = (
        select(AgreementTemplate, TemplateVersion, func.coalesce(usage.c.agreements, 0))
        .join(latest, latest.c.template_id == AgreementTemplate.id)
        .join(TemplateVersion, is_latest)
        .outerjoin(usage, usage.c.key == AgreementTemplate.id)
        .options(*_WITHOUT_DOCUMENTS)
    )
    rows = [TemplateRow(*row) for row in db.session.execute(query)]
    return sorted(rows, key=lambda row: (row.latest.title.casefold(), row.template.key))


def version_rows(template: AgreementTemplate) -> list[VersionRow]:
    """The template's versions, newest first, with the uploader's name and the agreements drafted on each."""
    usage = _agreement_counts(TemplateVersion.id)
    query = (
        select(TemplateVersion, User.name, func.coalesce(usage.c.agreements, 0))
        .outerjoin(User, User.id == TemplateVersion.created_by_id)
        .outerjoin(usage, usage.c.key == TemplateVersion.id)
        .where(TemplateVersion.template_id == template.id)
        .order_by(TemplateVersion.number.desc())
        .options(*_WITHOUT_DOCUMENTS)
    )
    return [VersionRow(*row) for row in db.session.execute(query)]


def version_by_number(template: AgreementTemplate, number: int) -> TemplateVersion | None:
    return db.session.scalar(
        select(TemplateVersion)
        .where(TemplateVersion.template_id == template.id, TemplateVersion.number == number)
        .options(*_WITHOUT_DOCUMENTS)
    )
