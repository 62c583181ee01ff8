"""Forms of the template administration: uploading a template package."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import ValidationError

from agreements.core.forms import FlaskForm
from agreements.templates_lib.errors import TemplateRejected
from agreements.templates_lib.manifest import parse_manifest

MANIFEST_MAX_BYTES = 256 * 1024
DOCX_MAX_BYTES = 5 * 1024 * 1024
#: Every .docx is a zip archive, and every zip archive starts with these bytes.
ZIP_SIGNATURE = b"PK\x03\x04"
DOCX_ACCEPT = ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _read_limited(field: FileField, limit: int, too_large) -> bytes:
    """The uploaded file's bytes; refuses an empty file and one larger than ``limit``."""
    data = field.data.read(limit + 1)
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > limit:
        raise ValidationError(str(too_large))
    return data


class TemplateUploadForm(FlaskForm):
    """A template package: manifest.json and the Finnish and Swedish .docx documents."""

    manifest = FileField(
        _l("Manifest (manifest.json)"),
        validators=[FileRequired(_l("Choose the manifest.json file."))],
        description=_l("UTF-8 encoded JSON, at most 256 kB."),
        render_kw={"accept": ".json,application/json"},
    )
    document_fi = FileField(
        _l("Finnish document (.docx)"),
        validators=[FileRequired(_l("Choose the Finnish document."))],
        description=_l("A Word document (.docx), at most 5 MB."),
        render_kw={"accept": DOCX_ACCEPT},
    )
    document_sv = FileField(
        _l("Swedish document (.docx)"),
        validators=[FileRequired(_l("Choose the Swedish document."))],
        description=_l("A Word document (.docx), at most 5 MB."),
        render_kw={"accept": DOCX_ACCEPT},
    )

    def validate_manifest(self, field: FileField) -> None:
        raw = _read_limited(field, MANIFEST_MAX_BYTES, _l("The manifest is larger than 256 kB."))
        try:
            text = raw.decode("utf-8-sig")  # Windows editors often start UTF-8 with a byte order mark
        except UnicodeDecodeError as error:
            raise ValidationError(_("The manifest is not UTF-8 encoded text.")) from error
        try:
            parse_manifest(text)
        except TemplateRejected as rejected:
            raise ValidationError(rejected.message) from rejected
        self.manifest_bytes = raw

    def validate_document_fi(self, field: FileField) -> None:
        self.document_fi_bytes = _read_docx(field)

    def validate_document_sv(self, field: FileField) -> None:
        self.document_sv_bytes = _read_docx(field)

    def documents(self) -> dict[str, bytes]:
        """The checked .docx bytes by document language."""
        return {"fi": self.document_fi_bytes, "sv": self.document_sv_bytes}

    def show_rejection(self, rejected: TemplateRejected) -> None:
        """Put a refusal of the whole package under the file it concerns."""
        field = {"fi.docx": self.document_fi, "sv.docx": self.document_sv}.get(
            rejected.detail.split(":")[0], self.manifest
        )
        field.errors = [*field.errors, rejected.message]


def _read_docx(field: FileField) -> bytes:
    data = _read_limited(field, DOCX_MAX_BYTES, _l("The document is larger than 5 MB."))
    if not data.startswith(ZIP_SIGNATURE):
        raise ValidationError(_("The file is not a Word document (.docx)."))
    return data
