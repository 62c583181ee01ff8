"""Field types of a template manifest: how values are stored, shown in documents, and sampled for tests;
and its section titles in a language.

Stored values are JSON-friendly: text as str, dates as ISO strings, money as a decimal string, choices by
their value, yes/no as bool, and list-of-rows fields as lists of dicts of the same.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from flask_babel import force_locale
from flask_babel import gettext as _

FIELD_TYPES = ("text", "long_text", "date", "integer", "money", "choice", "boolean", "rows")
#: Longest text of a text and of a long text field (the values form refuses longer ones).
TEXT_MAX = 1000
LONG_TEXT_MAX = 20000
#: Rows of each list field in the worst-case render an uploaded template must pass; nothing refuses more
#: rows when an agreement is saved, so a longer list is stopped only by the render limits.
WORST_CASE_ROWS = 50
_LOCALES = {"fi": "fi_FI", "sv": "sv_FI"}
#: What a document sees for an empty value; every other type sees "", which prints as nothing.
_EMPTY_IN_DOCUMENT = {"rows": [], "boolean": False}


def label(labels: dict, language: str) -> str:
    """The text of a {fi, sv, en} label in ``language``, falling back to Finnish."""
    return labels.get(language) or labels.get("fi", "")


def format_date(iso: str) -> str:
    """An ISO date as Finnish-style d.M.yyyy."""
    value = date.fromisoformat(iso)
    return f"{value.day}.{value.month}.{value.year}"


def format_money(amount: str, language: str) -> str:
    """A decimal amount in euros, formatted for the document language (e.g. 1 250,00 €)."""
    return format_currency(Decimal(amount), "EUR", locale=_LOCALES.get(language, "fi_FI"))


def choice_label(field: dict, value: str, language: str) -> str:
    for choice in field.get("choices", []):
        if choice["value"] == value:
            return label(choice["label"], language)
    return value


def document_value(field: dict, stored, language: str):
    """A stored value as a document template sees it (see the package format in the README)."""
    kind = field["type"]
    if stored is None or stored == "":
        return _EMPTY_IN_DOCUMENT.get(kind, "")
    if kind == "date":
        return format_date(stored)
    if kind == "money":
        return format_money(stored, language)
    if kind == "choice":
        return choice_label(field, stored, language)
    if kind == "rows":
        return [
            {
                column["key"]: document_value(column, row.get(column["key"]), language)
                for column in field["columns"]
            }
            for row in stored
        ]
    return stored


def is_valid_stored(field: dict, stored) -> bool:
    """True when ``stored`` is a well-formed stored value for the field's type (None counts as empty)."""
    if stored is None:
        return True
    checks = {
        "text": lambda v: isinstance(v, str),
        "long_text": lambda v: isinstance(v, str),
        "date": _is_iso_date,
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "money": _is_decimal,
        "choice": lambda v: isinstance(v, str) and v in {c["value"] for c in field.get("choices", [])},
        "boolean": lambda v: isinstance(v, bool),
        "rows": lambda v: (
            isinstance(v, list)
            and all(
                isinstance(row, dict) and all(is_valid_stored(c, row.get(c["key"])) for c in field["columns"])
                for row in v
            )
        ),
    }
    return checks[field["type"]](stored)


def _is_iso_date(value) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_decimal(value) -> bool:
    try:
        return isinstance(value, str) and Decimal(value).is_finite()
    except InvalidOperation:
        return False


def sample_value(field: dict):
    """A stored value for a test render, with characters that break unescaped XML."""
    samples = {
        "text": "Näyte <1> & \"lainaus\" 'å'",
        "long_text": "Rivi 1 <b>&amp;\nRivi 2 – Åbo & Öja",
        "date": "2026-03-09",
        "integer": 2,
        "money": "1250.00",
        "boolean": True,
    }
    if field["type"] == "choice":
        return field["choices"][0]["value"]
    if field["type"] == "rows":
        return [{column["key"]: sample_value(column) for column in field["columns"]} for _ in range(2)]
    return samples[field["type"]]


def worst_case_value(field: dict):
    """A stored value as long as the field allows: texts at their maximum length, lists at WORST_CASE_ROWS."""
    longest = {"text": TEXT_MAX, "long_text": LONG_TEXT_MAX}
    if field["type"] in longest:
        return longest_text(sample_value(field), longest[field["type"]])
    if field["type"] == "rows":
        return [{column["key"]: worst_case_value(column) for column in field["columns"]}] * WORST_CASE_ROWS
    return sample_value(field)


def longest_text(sample: str, length: int) -> str:
    """``sample`` repeated to exactly ``length`` characters."""
    return (sample * (length // len(sample) + 1))[:length]


def section_titles(manifest: dict, language: str) -> dict[str | None, str]:
    """Section key → title in ``language``, in document order, the whole document (key None) first."""
    with force_locale(language):
        whole = _("The document as a whole")
    return {
        None: whole,
        **{section["key"]: label(section["title"], language) for section in manifest["sections"]},
    }
