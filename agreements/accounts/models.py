"""User, Membership (a user's role in an organisation) and coordinator assignments."""

import hashlib
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agreements.core.models import TimestampMixin, TitledEnum, enum_type
from agreements.core.timeutil import UTCDateTime
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation


def password_hasher() -> PasswordHasher:
    """Argon2id with the configured cost (RFC 9106 defaults unless PASSWORD_HASH_PARAMS says otherwise)."""
    return PasswordHasher(**current_app.config.get("PASSWORD_HASH_PARAMS", {}))


class UILanguage(TitledEnum):
    FI = "fi"
    SV = "sv"
    EN = "en"

    @classmethod
    def titles(cls):
        # Each language is named in itself, as language switchers do.
        return {cls.FI: "suomi", cls.SV: "svenska", cls.EN: "English"}


class MembershipRole(TitledEnum):
    EDITOR = "editor"
    SIGNATORY = "signatory"
    VIEWER = "viewer"
    #: Manages the organisation's own memberships (its people and their roles).
    ADMIN = "admin"

    @classmethod
    def titles(cls):
        return {
            cls.EDITOR: _l("Editor"),
            cls.SIGNATORY: _l("Signatory"),
            cls.VIEWER: _l("Viewer"),
            cls.ADMIN: _l("Organisation administrator"),
        }


coordinator_networks = Table(
    "coordinator_networks",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("network_id", ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, TimestampMixin, db.Model):
    """A person who logs in. E-mail is unique regardless of case."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    #: Argon2id hash; empty until an invited user sets a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[UILanguage] = mapped_column(enum_type(UILanguage), default=UILanguage.FI, nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    #: National administrator (TPY / Into staff): manages everything.
    is_admin: Mapped[bool] = mapped_column(default=False, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the latest invitation was sent; an invitation is pending while password_hash is empty.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Signed into the calendar feed's address; raising it makes every earlier address stop working.
    calendar_feed_generation: Mapped[int] = mapped_column(default=0, nullable=False)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    coordinated_networks: Mapped[list[Network]] = relationship(
        secondary=coordinator_networks, lazy="selectin"
    )

    __table_args__ = (Index("uq_users_email_lower", func.lower(email), unique=True),)

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = password_hasher().hash(password)

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches; never raises for a missing or malformed hash."""
        if not self.password_hash:
            return False
        try:
            return password_hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def get_id(self) -> str:
        """Session and remember-me identity; it changes with the password, which logs out other sessions."""
        return f"{self.id}:{self.password_fingerprint()}"

    def password_fingerprint(self) -> str:
        """A short digest of the password hash (empty before a password is set)."""
        if not self.password_hash:
            return ""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinated_networks)

    def organisation_ids(self, *roles: MembershipRole) -> set[int]:
        """Ids of organisations the user belongs to, optionally only in the given roles."""
        return {m.organisation_id for m in self.memberships if not roles or m.role in roles}

    def __str__(self) -> str:
        return self.name


class Membership(TimestampMixin, db.Model):
    """A user's role in an organisation; a user may hold several roles there."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role: Mapped[MembershipRole] = mapped_column(enum_type(MembershipRole), nullable=False)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id", "role", name="uq_memberships_user_org_role"),
    )
