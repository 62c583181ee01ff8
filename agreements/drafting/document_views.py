"""Reading views: preview, .docx and PDF downloads, version history and the redline between versions."""

from flask import abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from agreements.core.access import is_storable_id
from agreements.core.actions import acts_on
from agreements.core.i18n import ui_language
from agreements.core.web import send_download
from agreements.drafting import diff
from agreements.drafting.blueprint import bp
from agreements.drafting.documents import MEDIA_TYPES, document_filename, version_document, version_pdf
from agreements.drafting.models import Agreement, AgreementVersion
from agreements.drafting.policy import can_view_agreement
from agreements.drafting.queries import answered_comments, answered_counts, version_snapshot
from agreements.extensions import db
from agreements.templates_lib.converter import PdfUnavailable, pdf_available
from agreements.templates_lib.rendering import document_sections

bp.add_app_template_global(pdf_available, "pdf_available")


def _version_or_404(agreement: Agreement, number: int | None) -> AgreementVersion:
    """The agreement's version with this number, its latest when ``number`` is None; 404 when missing, and
    for an agreement signed outside the service, which has no document made from a template."""
    if agreement.template_version_id is None:
        abort(404)
    if number is None:
        version = agreement.latest_version
    elif not is_storable_id(number):  # no version has it, and the database could not compare it
        abort(404)
    else:
        query = select(AgreementVersion).where(
            AgreementVersion.agreement_id == agreement.id, AgreementVersion.number == number
        )
        version = db.session.scalar(query)
    if version is None:
        abort(404)
    return version


@bp.get("/<int:agreement_id>/preview")
@acts_on(Agreement, can_view_agreement)
def preview(agreement: Agreement):
    """Show a version of the filled agreement section by section (the latest unless ?version= is given)."""
    version = _version_or_404(agreement, request.args.get("version", type=int))
    sections = document_sections(
        version_document(version), agreement.template_version.manifest, agreement.language.value
    )
    return render_template(
        "drafting/document_preview.html", agreement=agreement, version=version, sections=sections
    )


def send_document(
    agreement: Agreement, version: AgreementVersion, data: bytes, extension: str, sha256: str | None = None
):
    """A version's document as a private, uncached download (also used by the comment round pages); a
    stored document's SHA-256 (``sha256``) is its ETag."""
    filename = document_filename(agreement, version, extension)
    return send_download(data, MEDIA_TYPES[extension], filename, etag=sha256)


@bp.get("/<int:agreement_id>/versions/<int:number>.docx")
@acts_on(Agreement, can_view_agreement)
def download_docx(agreement: Agreement, number: int):
    """Download a version of the agreement as a Word document."""
    version = _version_or_404(agreement, number)
    return send_document(agreement, version, version_document(version), "docx")


@bp.get("/<int:agreement_id>/versions/<int:number>.pdf")
@acts_on(Agreement, can_view_agreement)
def download_pdf(agreement: Agreement, number: int):
    """Download a version of the agreement as PDF, or explain (503) that this server cannot make one.

    The PDF is converted on the first download and stored; later downloads send the stored bytes.
    """
    version = _version_or_404(agreement, number)
    try:
        stored = version_pdf(version)
    except PdfUnavailable as error:
        current_app.logger.warning("PDF of %s v%s not produced: %s", agreement.reference, number, error)
        page = render_template("drafting/document_pdf_unavailable.html", agreement=agreement, version=version)
        return page, 503
    return send_document(agreement, version, stored.pdf, "pdf", stored.pdf_sha256)


@bp.get("/<int:agreement_id>/history")
@acts_on(Agreement, can_view_agreement)
def history(agreement: Agreement):
    """List the agreement's versions, newest first, and pick two of them to compare."""
    if not agreement.versions or agreement.template_version is None:
        abort(404)
    return render_template(
        "drafting/document_history.html",
        agreement=agreement,
        versions=agreement.versions[::-1],
        answered_counts=answered_counts(agreement.versions, current_user),
    )


@bp.get("/<int:agreement_id>/compare")
@acts_on(Agreement, can_view_agreement)
def compare(agreement: Agreement):
    """Show what changed between two versions (?from=N&to=M): changed fields, a redline of long texts and
    the comments the newer versions answer."""
    latest = _version_or_404(agreement, None)
    chosen = (
        _version_or_404(agreement, request.args.get("from", max(latest.number - 1, 1), type=int)),
        _version_or_404(agreement, request.args.get("to", latest.number, type=int)),
    )
    old, new = sorted(chosen, key=lambda version: version.number)
    manifest, language = agreement.template_version.manifest, ui_language()
    groups = diff.compare(version_snapshot(old), version_snapshot(new), manifest, language)
    newer = [version for version in agreement.versions if old.number < version.number <= new.number]
    answered = answered_comments(newer, current_user, manifest, language)
    changed = {group["key"] for group in groups} & {section["key"] for section in manifest["sections"]}
    return render_template(
        "drafting/document_compare.html",
        agreement=agreement,
        old=old,
        new=new,
        groups=groups,
        answered_by_group={section["key"]: section for section in answered if section["key"] in changed},
        answered_elsewhere=[section for section in answered if section["key"] not in changed],
    )
