"""Bulk writing for `flask demo generate`: ids handed out up front, rows buffered per table and inserted
with SQLAlchemy Core in batches, parent tables before their children. No ORM object is made per row."""

from collections import Counter, defaultdict

from sqlalchemy import func, insert, select

from agreements.extensions import db

#: Rows per INSERT statement.
BATCH_ROWS = 5_000
#: Rows held in memory before they are written.
BUFFER_ROWS = 50_000


class RowWriter:
    """Collects rows per table and writes them in foreign-key order; counts every row written."""

    def __init__(self):
        self.counts: Counter = Counter()
        self._next_ids: dict[str, int] = {}
        self._buffers: dict[str, list[dict]] = defaultdict(list)
        self._buffered = 0

    def new_id(self, table: str) -> int:
        """The next free id of ``table``: one above the highest id it held when the run began."""
        if table not in self._next_ids:
            column = db.metadata.tables[table].c.id
            self._next_ids[table] = (db.session.scalar(select(func.max(column))) or 0) + 1
        value = self._next_ids[table]
        self._next_ids[table] = value + 1
        return value

    def add(self, table: str, row: dict) -> None:
        """Buffer one row; every row of a table must name the same columns."""
        self._buffers[table].append(row)
        self._buffered += 1

    def flush_if_full(self) -> None:
        """Write the buffer once it is large; called between agreements, whose rows go in together."""
        if self._buffered >= BUFFER_ROWS:
            self.flush()

    def flush(self) -> None:
        """Insert everything buffered, parents first, in batches."""
        for table in db.metadata.sorted_tables:
            rows = self._buffers.pop(table.name, None)
            for start in range(0, len(rows or ()), BATCH_ROWS):
                db.session.execute(insert(table), rows[start : start + BATCH_ROWS])
            self.counts[table.name] += len(rows or ())
        self._buffered = 0

    def reset_sequences(self) -> None:
        """On PostgreSQL, move each id sequence past the ids given here, so the app's own inserts go on."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for name in self._next_ids:
            highest = select(func.max(db.metadata.tables[name].c.id)).scalar_subquery()
            db.session.execute(select(func.setval(func.pg_get_serial_sequence(name, "id"), highest)))
