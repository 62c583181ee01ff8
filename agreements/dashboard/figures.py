"""The figures of one region, or of a network or the whole scope as the sum of its regions."""

from collections import Counter
from dataclasses import asdict, dataclass, field
from statistics import median

from agreements.drafting.models import AgreementStatus


@dataclass
class Figures:
    """Counts about the organisations and agreements of a region (agreements by their drafting workshop's)."""

    workshops: int = 0
    workshops_in_force: int = 0
    providers_in_force: int = 0
    #: Organisations party to a commitment to the guidelines that is in force.
    committed: int = 0
    by_status: Counter = field(default_factory=Counter)
    open_rounds: int = 0
    #: Days each pending signature request has waited.
    waiting_days: list[int] = field(default_factory=list)
    ending_soon: int = 0
    renewals_overdue: int = 0

    @property
    def uptake(self) -> float | None:
        """Percentage of workshops with a cooperation agreement in force; None without workshops."""
        return round(100 * self.workshops_in_force / self.workshops, 1) if self.workshops else None

    @property
    def awaiting_signature(self) -> int:
        return len(self.waiting_days)

    @property
    def median_wait(self) -> float | None:
        return median(self.waiting_days) if self.waiting_days else None

    @property
    def longest_wait(self) -> int | None:
        return max(self.waiting_days) if self.waiting_days else None

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            workshops=self.workshops + other.workshops,
            workshops_in_force=self.workshops_in_force + other.workshops_in_force,
            providers_in_force=self.providers_in_force + other.providers_in_force,
            committed=self.committed + other.committed,
            by_status=self.by_status + other.by_status,
            open_rounds=self.open_rounds + other.open_rounds,
            waiting_days=self.waiting_days + other.waiting_days,
            ending_soon=self.ending_soon + other.ending_soon,
            renewals_overdue=self.renewals_overdue + other.renewals_overdue,
        )


def figures_to_json(figures: Figures) -> dict:
    """The figures as JSON values, statuses by their value."""
    return {**asdict(figures), "by_status": {status.value: n for status, n in figures.by_status.items()}}


def figures_from_json(data: dict) -> Figures:
    """Figures as figures_to_json wrote them."""
    by_status = Counter({AgreementStatus(status): n for status, n in data["by_status"].items()})
    return Figures(**{**data, "by_status": by_status})


def total(figures) -> Figures:
    """The sum of several regions' figures."""
    return sum(figures, Figures())
