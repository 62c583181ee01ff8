"""What ``flask demo generate`` takes and gives: the scales, the default seed, its progress and its report.

Kept apart from the generator, so the command line can offer the choices without importing the generator,
which is loaded only when the command runs.
"""

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

#: The default seed: the day the guidelines were approved.
DEFAULT_SEED = 20190924


@dataclass(frozen=True)
class Scale:
    """How much is generated."""

    workshops: int
    providers: int
    agreements: int
    coordinators: int
    admins: int


SCALES = {
    "national": Scale(workshops=2000, providers=1000, agreements=30_000, coordinators=40, admins=6),
    "tenth": Scale(workshops=200, providers=100, agreements=3_000, coordinators=16, admins=3),
    "small": Scale(workshops=20, providers=10, agreements=300, coordinators=8, admins=2),
}


class GenerateError(RuntimeError):
    """The database is not ready for generated data."""


@dataclass
class GenerateReport:
    """What a run made: rows and seconds per stage, rows per table, agreements per status, logins to try."""

    stages: list[tuple[str, int, float]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    logins: list[tuple[str, str]] = field(default_factory=list)


class Progress:
    """How a run shows progress: a bar over the agreements, a line per stage. This one shows nothing."""

    @contextmanager
    def bar(self, label: str, length: int):
        """A bar of ``length`` steps; the caller calls ``update(1)`` after each."""
        yield self

    def update(self, steps: int) -> None:
        """Count steps made on the bar."""

    def stage(self, name: str, rows: int, seconds: float) -> None:
        """A stage has finished."""
