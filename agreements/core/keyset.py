"""Keyset (seek) pages of a list in a (timestamp, id) order, newest first, without counting every row.

A page is read as the next ``per_page`` rows after (or before) the edge of the page the user came from,
which the page's links carry as a cursor: ``after=<cursor>`` for the next page, ``before=<cursor>`` for the
previous one, ``last=1`` for the last page. With an index on the two columns each page reads about
``per_page`` rows wherever it is in the list. ``page=N`` (the earlier numbered links) still answers page N,
by skipping rows, up to LAST_NUMBERED_PAGE; a larger number answers the last page. Rows are not counted:
a list on one page says how many it holds, a longer one that it holds over a page's worth (a count of a
coordinator's agreements, even stopped at a thousand, made PostgreSQL read every party row of the
agreements table at national scale, 18 ms a request).

A cursor is ``<microseconds since 1970 UTC>_<id>``; one that is not (hostile, truncated, out of range) is
ignored and the first page shown; one beyond the end shows the last page.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from flask import request
from sqlalchemy import Integer, Select, bindparam, tuple_

from agreements.core.access import MAX_ID
from agreements.extensions import db

#: The address parameters that say which page: the cursors, the last page and the page number.
PAGE_ARGUMENTS = ("after", "before", "last", "page")
#: The numbered page beyond which ``page=N`` answers the last page instead of skipping rows: skipping
#: thousands of rows costs what the keyset pages save (a coordinator's page 1201 read and sorted every
#: visible agreement, 120 ms at national scale), and the earlier numbered pager's deepest link was the last.
LAST_NUMBERED_PAGE = 40

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR = re.compile(r"([0-9]{1,18})_([0-9]{1,10})")


def cursor_of(moment: datetime, row_id: int) -> str:
    """The cursor of a row: its timestamp in whole microseconds since 1970 (UTC) and its id."""
    delta = moment - EPOCH
    microseconds = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{microseconds}_{row_id}"


def parse_cursor(text: str | None) -> tuple[datetime, int] | None:
    """The (timestamp, id) a cursor names; None for anything that is not a cursor this module made."""
    found = CURSOR.fullmatch(text or "")
    if found is None:
        return None
    microseconds, row_id = int(found.group(1)), int(found.group(2))
    if not 0 < row_id <= MAX_ID:
        return None
    try:
        return EPOCH + timedelta(microseconds=microseconds), row_id
    except OverflowError:
        return None


@dataclass
class KeysetPage:
    """One page of a list: its items, whether there are pages before and after it, how many rows match
    (``total``: exact when the list is on one page, else None: over ``per_page``), and the addresses of
    the neighbouring pages."""

    items: list
    has_prev: bool
    has_next: bool
    per_page: int
    endpoint_url: str
    arguments: list[tuple[str, str]] = field(default_factory=list)
    key: object = None

    @property
    def total(self) -> int | None:
        return None if self.several_pages else len(self.items)

    def url(self, **page_argument) -> str:
        """This list's address with its search and filters and ``page_argument`` (none: the first page)."""
        query = urlencode([*self.arguments, *page_argument.items()])
        return f"{self.endpoint_url}?{query}" if query else self.endpoint_url

    @property
    def first_url(self) -> str:
        return self.url()

    @property
    def prev_url(self) -> str:
        return self.url(before=cursor_of(*self.key(self.items[0])))

    @property
    def next_url(self) -> str:
        return self.url(after=cursor_of(*self.key(self.items[-1])))

    @property
    def last_url(self) -> str:
        return self.url(last="1")

    @property
    def several_pages(self) -> bool:
        return self.has_prev or self.has_next


def keyset_page(query: Select, moment, row_id, per_page: int) -> KeysetPage:
    """The page of ``query`` in the order of ``moment`` and ``row_id``, both descending (any order it has is
    replaced) that the request's address asks for, with the request's other arguments kept in its links.
    The page's items are the rows of the columns ``query`` selects, ``moment`` and ``row_id`` among them
    (e.g. ``Agreement.updated_at``). A ``query`` used again (the same object) is read with the statements
    made for it before."""
    args = request.args
    after, before = parse_cursor(args.get("after")), parse_cursor(args.get("before"))
    number = args.get("page", 1, type=int)

    def rows(way: str, **parameters) -> list:
        statement = _page_statement(query, moment, row_id, per_page, way)
        return db.session.execute(statement, parameters).all()

    def last_page() -> tuple[list, bool, bool]:
        items = rows(OLDEST_FIRST)
        return items[:per_page][::-1], len(items) > per_page, False

    items, has_prev, has_next = [], False, False
    if after is not None:
        items = rows(AFTER, cursor_moment=after[0], cursor_id=after[1])
        has_prev, has_next = True, len(items) > per_page
    elif before is not None:
        items = rows(BEFORE, cursor_moment=before[0], cursor_id=before[1])
        has_prev, has_next = len(items) > per_page, True
        items = items[:per_page][::-1] if has_prev else []  # else the start of the list: the first page, full
    elif args.get("last") == "1" or number > LAST_NUMBERED_PAGE:
        items, has_prev, has_next = last_page()
    elif number > 1:
        items = rows(SKIPPING, skipped=(number - 1) * per_page)
        has_prev, has_next = True, len(items) > per_page
    if not items and has_prev:  # after the end (a page number or cursor beyond it): the last page
        items, has_prev, has_next = last_page()
    if not items:
        items = rows(NEWEST_FIRST)
        has_prev, has_next = False, len(items) > per_page
    arguments = [(name, value) for name, value in args.items(multi=True) if name not in PAGE_ARGUMENTS]
    return KeysetPage(
        items=items[:per_page],
        has_prev=has_prev,
        has_next=has_next,
        per_page=per_page,
        endpoint_url=request.script_root + request.path,
        arguments=arguments,
        key=lambda item: (getattr(item, moment.key), getattr(item, row_id.key)),
    )


#: The ways a page is read: from the start or the end of the list, after or before a cursor, skipping rows.
NEWEST_FIRST, OLDEST_FIRST, AFTER, BEFORE, SKIPPING = "newest", "oldest", "after", "before", "skipping"
#: How many page statements a process keeps (a handful for each list statement it keeps).
PAGE_STATEMENTS_KEPT = 1024


@lru_cache(maxsize=PAGE_STATEMENTS_KEPT)
def _page_statement(query: Select, moment, row_id, per_page: int, way: str) -> Select:
    """The statement reading a page of ``query`` in ``way``, its cursor and skipped rows bound at execution:
    kept, as SQLAlchemy computes a statement's cache key once per statement object."""
    key = tuple_(moment, row_id)
    cursor = tuple_(bindparam("cursor_moment", type_=moment.type), bindparam("cursor_id", type_=row_id.type))
    newest_first = query.order_by(None).order_by(moment.desc(), row_id.desc())
    oldest_first = query.order_by(None).order_by(moment.asc(), row_id.asc())
    statement = {
        NEWEST_FIRST: newest_first,
        OLDEST_FIRST: oldest_first,
        AFTER: newest_first.where(key < cursor),
        BEFORE: oldest_first.where(key > cursor),
        SKIPPING: newest_first.offset(bindparam("skipped", type_=Integer)),
    }[way]
    return statement.limit(per_page + 1)
