"""Comparing two agreement versions: changed fields and a word-level redline of long texts.

Pure functions over plain data (a version's header, party names and stored values), so they can be
tested without requests. Labels and values come out in the language given, normally the UI language.
"""

import difflib
import re
from itertools import zip_longest

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from agreements.templates_lib.fields import document_value, format_date, label

#: Words, runs of whitespace and single punctuation marks; joined back together they give the text unchanged.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_WORD = re.compile(r"\w")
#: Field types whose changes are shown as a redline instead of old → new.
REDLINE_TYPES = {"long_text"}


def tokens(text: str) -> list[str]:
    """Split ``text`` into words, whitespace and punctuation, losing nothing."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The change from ``old`` to ``new`` as ("equal" | "delete" | "insert", text) segments, word by word.

    Spaces and punctuation alone between two changes are folded into them, so "quick brown" → "slow red"
    reads as one replacement rather than two.
    """
    old_tokens, new_tokens = tokens(old or ""), tokens(new or "")
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    blocks = [
        [tag != "equal", "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])]
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    for index in range(1, len(blocks) - 1):
        between_changes = blocks[index - 1][0] and blocks[index + 1][0]
        if between_changes and not blocks[index][0] and not _WORD.search(blocks[index][1]):
            blocks[index][0] = True
    return _segments(blocks)


def _segments(blocks: list[list]) -> list[tuple[str, str]]:
    """Coalesce neighbouring changed blocks and emit deletions before insertions."""
    segments: list[tuple[str, str]] = []
    pending_old, pending_new = "", ""
    for changed, old_text, new_text in [*blocks, [False, "", ""]]:
        if changed:
            pending_old += old_text
            pending_new += new_text
            continue
        segments += [(op, text) for op, text in (("delete", pending_old), ("insert", pending_new)) if text]
        pending_old, pending_new = "", ""
        if old_text:
            segments.append(("equal", old_text))
    return segments


#: Line-through and underline mark a change without colour; the tint only helps sighted readers.
_DEL = Markup(
    '<del class="redline-del bg-danger-subtle text-danger-emphasis">'
    '<span class="visually-hidden">{} </span>{}</del>'
)
_INS = Markup(
    '<ins class="redline-ins bg-success-subtle text-success-emphasis">'
    '<span class="visually-hidden">{} </span>{}</ins>'
)


def redline_html(old: str, new: str) -> Markup:
    """The word-level redline as HTML: escaped text, <del> and <ins> with text for screen readers."""
    parts = []
    for op, text in word_diff(old, new):
        body = Markup("<br>").join(escape(line) for line in text.split("\n"))
        if op == "equal":
            parts.append(body)
        elif op == "delete":
            parts.append(_DEL.format(_("removed:"), body))
        else:
            parts.append(_INS.format(_("added:"), body))
    return Markup("").join(parts)


def display_value(field: dict, stored, language: str) -> str:
    """A stored value of a (non-rows) field as UI text: as documents show it, yes/no in words, or (empty)."""
    if stored is None or stored == "":
        return _("(empty)")
    if field["type"] == "boolean":
        return _("Yes") if stored else _("No")
    return str(document_value(field, stored, language))


def _row_text(field: dict, row: dict, language: str) -> str:
    return "; ".join(
        f"{label(column['label'], language)}: {display_value(column, row.get(column['key']), language)}"
        for column in field["columns"]
    )


def row_changes(field: dict, old_rows: list, new_rows: list, language: str) -> list[dict]:
    """Changed, added and removed rows of a list-of-rows field, aligned so unchanged rows are skipped."""
    name = label(field["label"], language)
    old_texts = [_row_text(field, row, language) for row in old_rows or []]
    new_texts = [_row_text(field, row, language) for row in new_rows or []]
    matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = zip_longest(range(i1, i2), range(j1, j2))
        for old_index, new_index in pairs:
            number = (new_index if new_index is not None else old_index) + 1
            changes.append(
                {
                    "label": _("%(field)s, row %(number)s", field=name, number=number),
                    "old": old_texts[old_index] if old_index is not None else _("(no row)"),
                    "new": new_texts[new_index] if new_index is not None else _("(no row)"),
                }
            )
    return changes


def _group(key: str, title: str) -> dict:
    return {"key": key, "title": title, "values": [], "redlines": []}


def field_changes(manifest: dict, old_values: dict, new_values: dict, language: str) -> list[dict]:
    """Changed template fields, grouped by the manifest's sections; sections without changes are left out."""
    groups = {
        section["key"]: _group(section["key"], label(section["title"], language))
        for section in manifest["sections"]
    }
    for field in manifest["fields"]:
        old, new = old_values.get(field["key"]), new_values.get(field["key"])
        if old == new:
            continue
        group = groups[field["section"]]
        name = label(field["label"], language)
        if field["type"] == "rows":
            group["values"] += row_changes(field, old, new, language)
        elif field["type"] in REDLINE_TYPES:
            group["redlines"].append({"label": name, "html": redline_html(old or "", new or "")})
        else:
            group["values"].append(
                {
                    "label": name,
                    "old": display_value(field, old, language),
                    "new": display_value(field, new, language),
                }
            )
    return [group for group in groups.values() if group["values"] or group["redlines"]]


def header_texts(snapshot: dict) -> dict[str, tuple[str, str]]:
    """A snapshot's validity, renewal and parties as {key: (label, display text)}.

    A snapshot holds ``header`` (title, start_date, end_date, notice_period_months, auto_renew),
    ``parties`` (the parties' names in order) and ``values`` (stored field values).
    """
    header = snapshot["header"]
    months = header["notice_period_months"]
    return {
        "start_date": (_("Start date"), format_date(header["start_date"].isoformat())),
        "end_date": (
            _("End date"),
            format_date(header["end_date"].isoformat()) if header["end_date"] else _("Open-ended"),
        ),
        "notice_period_months": (_("Notice period"), ngettext("%(num)d month", "%(num)d months", months)),
        "auto_renew": (_("Renews automatically"), _("Yes") if header["auto_renew"] else _("No")),
        "parties": (_("Parties"), "; ".join(snapshot["parties"])),
    }


def header_changes(old: dict, new: dict) -> dict | None:
    """Changes to the agreement's own details between two snapshots (title, validity, parties), or None."""
    group = _group("agreement", _("Agreement details"))
    old_title, new_title = old["header"]["title"], new["header"]["title"]
    if old_title != new_title:
        group["redlines"].append({"label": _("Title"), "html": redline_html(old_title, new_title)})
    old_texts, new_texts = header_texts(old), header_texts(new)
    for key, (name, old_text) in old_texts.items():
        if old_text != new_texts[key][1]:
            group["values"].append({"label": name, "old": old_text, "new": new_texts[key][1]})
    return group if group["values"] or group["redlines"] else None


def compare(old: dict, new: dict, manifest: dict, language: str) -> list[dict]:
    """Every change between two version snapshots, grouped: the agreement's details first, then sections."""
    header = header_changes(old, new)
    fields = field_changes(manifest, old["values"], new["values"], language)
    return ([header] if header else []) + fields
