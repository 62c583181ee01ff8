"""Region, Network (ALU) and Organisation."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agreements.core.i18n import ui_language
from agreements.core.models import TimestampMixin, TitledEnum, enum_type
from agreements.extensions import db


class OrganisationKind(TitledEnum):
    WORKSHOP = "workshop"
    PROVIDER = "provider"

    @classmethod
    def titles(cls):
        return {cls.WORKSHOP: _l("Youth workshop"), cls.PROVIDER: _l("Education provider")}


class Language(TitledEnum):
    FI = "fi"
    SV = "sv"

    @classmethod
    def titles(cls):
        return {cls.FI: _l("Finnish"), cls.SV: _l("Swedish")}


class NetworkKind(TitledEnum):
    """What decides a network's organisations: its regions, or the members an administrator chose."""

    REGIONAL = "regional"
    MEMBERSHIP = "membership"

    @classmethod
    def titles(cls):
        return {cls.REGIONAL: _l("Regional network"), cls.MEMBERSHIP: _l("Membership network")}


class Region(db.Model):
    """One of Finland's 19 regions (maakunta); reference data created by the first migration."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Statistics Finland's region code, e.g. "01" for Uusimaa.
    code: Mapped[str] = mapped_column(String(2), unique=True, nullable=False)
    name_fi: Mapped[str] = mapped_column(String(80), nullable=False)
    name_sv: Mapped[str] = mapped_column(String(80), nullable=False)

    @property
    def name(self) -> str:
        """The name in the user's language (Swedish for sv, otherwise Finnish)."""
        return self.name_sv if ui_language() == "sv" else self.name_fi

    def __str__(self) -> str:
        return self.name


network_regions = Table(
    "network_regions",
    db.metadata,
    Column("network_id", ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True),
)

#: The chosen members of a membership network (e.g. ULA); a regional network's are unused.
network_members = Table(
    "network_members",
    db.metadata,
    Column("network_id", ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Network(TimestampMixin, db.Model):
    """A workshop network: a regional one (ALU-verkosto) covers its regions' organisations, a membership one
    (e.g. ULA) its chosen members; both are data an administrator edits."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(String(500), default="", nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    kind: Mapped[NetworkKind] = mapped_column(
        enum_type(NetworkKind), default=NetworkKind.REGIONAL, server_default=NetworkKind.REGIONAL.value
    )

    #: A regional network's regions; a membership network covers none.
    regions: Mapped[list[Region]] = relationship(secondary=network_regions, order_by=Region.code)
    #: A membership network's members; a regional network keeps none that count.
    members: Mapped[list["Organisation"]] = relationship(
        secondary=network_members, order_by="Organisation.name"
    )

    @property
    def is_membership(self) -> bool:
        return self.kind == NetworkKind.MEMBERSHIP

    @property
    def covered_regions(self) -> list[Region]:
        """The regions whose organisations the network covers: none for a membership network."""
        return [] if self.is_membership else self.regions

    def __str__(self) -> str:
        return self.name


class Organisation(TimestampMixin, db.Model):
    """A youth workshop or a vocational education provider."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Y-tunnus, check digit validated; municipal workshops may share their municipality's ID.
    business_id: Mapped[str] = mapped_column(String(9), nullable=False, index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), nullable=False, index=True)
    municipality: Mapped[str] = mapped_column(String(80), nullable=False)
    language: Mapped[Language] = mapped_column(enum_type(Language), default=Language.FI, nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)

    region: Mapped[Region] = relationship()

    __table_args__ = (UniqueConstraint("name", "municipality", name="uq_organisations_name_municipality"),)

    def __str__(self) -> str:
        return self.name
