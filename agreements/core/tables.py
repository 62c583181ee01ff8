"""Tables of values that a page shows, an export writes and a print view prints, so a figure reads the same
wherever it is read. A cell may link to the list or page behind it."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple


class Cell(NamedTuple):
    """A value and, when it has one, the link to the list it counts (a tuple: an export makes one for each
    value of every row it writes)."""

    value: object
    link: str | None = None


@dataclass
class Table:
    """A titled table of figures describing the day ``as_of``."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    as_of: date | None = None
    #: When the scheduler last found the figures current, for tables made from its count.
    checked_at: datetime | None = None
    #: A page's short header for each column, or None where the title is short enough (exports use titles).
    short_columns: list[str | None] = field(default_factory=list)
    #: True when ``rows`` are tuples of texts as the page shows them (no links, "" for no value), as an
    #: export of many rows reads them: written as they are, without a Cell or formatting for each value.
    plain: bool = False
    #: What a page made of the table, kept with it by how it was made (``agreements.dashboard.views``
    #: ``figure_table_once``): a table shared between requests is shown again without being made again.
    made: dict = field(default_factory=dict, compare=False, repr=False)

    def headers(self) -> list[tuple[str, str | None]]:
        """Each column's title with its short header, if it has one."""
        shorts = self.short_columns or [None] * len(self.columns)
        return list(zip(self.columns, shorts, strict=True))

    @property
    def numeric_columns(self) -> set[int]:
        """The columns holding numbers, right-aligned whole, so that an empty cell lines up with them too."""
        return {
            index
            for row in self.rows
            for index, cell in enumerate(row)
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
        }
