"""AgreementTemplate and its immutable TemplateVersions (.docx per language plus the field manifest)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, defer, deferred, mapped_column, relationship

from agreements.core.i18n import ui_language
from agreements.core.models import TimestampMixin, TitledEnum, enum_type
from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.extensions import db


class TemplateKind(TitledEnum):
    COMMITMENT = "commitment"
    BILATERAL = "bilateral"
    ANNEX = "annex"

    @classmethod
    def titles(cls):
        return {
            cls.COMMITMENT: _l("Commitment to the guidelines"),
            cls.BILATERAL: _l("Bilateral cooperation agreement"),
            cls.ANNEX: _l("Annex"),
        }


class TemplateSource(TitledEnum):
    SHIPPED = "shipped"
    UPLOADED = "uploaded"

    @classmethod
    def titles(cls):
        return {cls.SHIPPED: _l("Shipped with the service"), cls.UPLOADED: _l("Uploaded")}


class AgreementTemplate(TimestampMixin, db.Model):
    """A kind of agreement users can draft; its text and fields live in its versions."""

    __tablename__ = "agreement_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identifier from the manifest, e.g. "cooperation".
    key: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    kind: Mapped[TemplateKind] = mapped_column(enum_type(TemplateKind), nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)

    versions: Mapped[list["TemplateVersion"]] = relationship(
        back_populates="template", order_by="TemplateVersion.number", cascade="all, delete-orphan"
    )

    @property
    def latest_version(self) -> "TemplateVersion | None":
        """The newest version; its .docx bytes are loaded only when asked for."""
        return db.session.scalar(
            select(TemplateVersion)
            .where(TemplateVersion.template_id == self.id)
            .order_by(TemplateVersion.number.desc())
            .limit(1)
            .options(defer(TemplateVersion.docx_fi), defer(TemplateVersion.docx_sv))
        )

    def __str__(self) -> str:
        latest = self.latest_version
        return latest.title if latest else self.key


class TemplateVersion(db.Model):
    """One immutable version of a template: a manifest and a .docx for each language."""

    __tablename__ = "template_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("agreement_templates.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(nullable=False)
    #: The parsed manifest.json: title, sections and fields with their labels in fi/sv/en.
    manifest: Mapped[dict] = mapped_column(JSON, nullable=False)
    #: The documents load when read (deferred): a page that shows a version reads its manifest only.
    docx_fi: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    docx_sv: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    #: SHA-256 over the manifest and both documents; sync skips a package it already has.
    checksum: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    source: Mapped[TemplateSource] = mapped_column(enum_type(TemplateSource), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    template: Mapped[AgreementTemplate] = relationship(back_populates="versions")

    __table_args__ = (UniqueConstraint("template_id", "number", name="uq_template_versions_template_number"),)

    def docx(self, language: str) -> bytes:
        """The .docx template bytes for a document language (fi or sv)."""
        return self.docx_sv if language == "sv" else self.docx_fi

    def text(self, labels: dict, language: str | None = None) -> str:
        """Pick a label from a {fi, sv, en} dict in the given language, else the UI language, else Finnish."""
        language = language or ui_language()
        return labels.get(language) or labels.get("fi") or next(iter(labels.values()), "")

    @property
    def title(self) -> str:
        return self.text(self.manifest["title"])

    @property
    def sections(self) -> list[dict]:
        return self.manifest["sections"]

    @property
    def fields(self) -> list[dict]:
        return self.manifest["fields"]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


@event.listens_for(TemplateVersion, "before_update")
def _template_versions_are_immutable(mapper, connection, target):
    raise RuntimeError("template versions are immutable; upload a new version instead")
