"""Model helpers: enum columns with a CHECK constraint, timestamps, translated enum titles."""

import enum
from datetime import datetime

from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column

from agreements.core.i18n import page_text
from agreements.core.timeutil import UTCDateTime, utcnow


class TitledEnum(enum.StrEnum):
    """A string enum whose members have a translated title via ``title``."""

    @property
    def title(self) -> str:
        return page_text(self.titles()[self])

    @classmethod
    def titles(cls) -> dict:
        """Map of member to lazily translated title; subclasses override."""
        return {member: member.value for member in cls}

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, title) pairs for a select field; the titles stay lazy, so a form built at import time
        shows them in each request's language."""
        titles = cls.titles()
        return [(member.value, titles[member]) for member in cls]


def enum_type(enum_class: type[enum.Enum]) -> SAEnum:
    """A portable enum column type that stores values and writes a CHECK constraint."""
    return SAEnum(
        enum_class,
        name=enum_class.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
    )


class TimestampMixin:
    """Adds ``created_at`` set on insert."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
