"""The dashboard's counted figures, kept by the scheduler so that pages only read them."""

from datetime import date, datetime

from sqlalchemy import JSON, Date
from sqlalchemy.orm import Mapped, mapped_column

from agreements.core.timeutil import UTCDateTime
from agreements.extensions import db


class DashboardSnapshot(db.Model):
    """Every region's figures, trend and commitment documents as counted at ``counted_at`` for ``day``."""

    __tablename__ = "dashboard_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: When the scheduler last found nothing recorded since: the figures were still current then.
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: The latest audit event when counted: a later one means something may have changed since.
    audit_head: Mapped[int | None] = mapped_column()
    #: {"figures": {region id: figures}, "trend": {region id: 24 counts}, "commitments": [documents]}.
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
