"""Reading and checking a template manifest (manifest.json): its sections and typed fields."""

import json
import math
import re
from decimal import Decimal

from agreements.templates_lib.errors import TemplateRejected
from agreements.templates_lib.fields import FIELD_TYPES, is_valid_stored
from agreements.templates_lib.models import TemplateKind

#: Names every document may use besides its declared fields; see rendering.build_context.
RESERVED_NAMES = frozenset({"agreement", "parties", "workshop", "providers", "today"})
#: Jinja finds a dict's method before its key, so ``row.items`` would never reach a column named "items".
DICT_METHOD_NAMES = frozenset(name for name in dir(dict) if not name.startswith("_"))
LANGUAGES = ("fi", "sv", "en")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def parse_manifest(raw: bytes | str) -> dict:
    """Parse and check a manifest; raises TemplateRejected naming the first defect."""
    try:
        manifest = json.loads(raw, parse_constant=_not_a_number, parse_float=_finite_number)
        _check_characters(manifest)
    except (ValueError, RecursionError) as error:
        raise TemplateRejected("manifest_not_json", str(error)) from error
    if not isinstance(manifest, dict):
        raise TemplateRejected("manifest_not_json", "the top level must be an object")
    check_manifest(manifest)
    return manifest


def _not_a_number(name: str):
    """Python's json reads NaN and Infinity, which JSON has not (PostgreSQL refuses to store them)."""
    raise ValueError(f"{name} is not a JSON number")


def _finite_number(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large a number")
    return number


def _check_characters(manifest) -> None:
    """Refuse a string with half of a UTF-16 surrogate pair (e.g. "\\ud800"): it is no character, and
    neither a page nor the database can hold it."""
    try:
        json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"\\u{ord(error.object[error.start]):04x} is half of a surrogate pair") from error


def check_manifest(manifest: dict) -> None:
    """Check the structure of a parsed manifest."""
    for key in ("key", "kind", "title", "sections", "fields"):
        if key not in manifest:
            raise TemplateRejected("manifest_missing_key", key)
    _check_identifier(manifest["key"])
    if manifest["kind"] not in [kind.value for kind in TemplateKind]:
        raise TemplateRejected("manifest_bad_value", "kind")
    if not isinstance(manifest.get("requires_approval", False), bool):
        raise TemplateRejected("manifest_bad_value", "requires_approval")
    _check_labels(manifest["title"], "title")
    if "description" in manifest:
        _check_labels(manifest["description"], "description")
    section_keys = _check_sections(manifest["sections"])
    _check_objects(manifest["fields"], "fields", allow_empty=True)
    _check_unique([field.get("key") for field in manifest["fields"]])
    for field in manifest["fields"]:
        _check_field(field, section_keys, top_level=True)


def _check_objects(items, where: str, allow_empty: bool = False) -> None:
    """``items`` must be a list of JSON objects (non-empty unless allowed)."""
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise TemplateRejected("manifest_bad_value", where)
    if not items and not allow_empty:
        raise TemplateRejected("manifest_bad_value", where)


def _check_sections(sections) -> set[str]:
    _check_objects(sections, "sections")
    for section in sections:
        _check_identifier(section.get("key"))
        _check_labels(section.get("title"), f"sections.{section['key']}.title")
    keys = [section["key"] for section in sections]
    _check_unique(keys)
    return set(keys)


def _check_field(field: dict, section_keys: set[str], top_level: bool) -> None:
    key = field.get("key")
    _check_identifier(key)
    if (top_level and key in RESERVED_NAMES) or key in DICT_METHOD_NAMES:
        raise TemplateRejected("reserved_name", key)
    allowed_types = FIELD_TYPES if top_level else tuple(t for t in FIELD_TYPES if t != "rows")
    if field.get("type") not in allowed_types:
        raise TemplateRejected("unknown_field_type", key)
    if top_level and field.get("section") not in section_keys:
        raise TemplateRejected("unknown_section", key)
    _check_labels(field.get("label"), f"{key}.label")
    if "help" in field:
        _check_labels(field["help"], f"{key}.help")
    if field["type"] == "choice":
        _check_choices(field)
    if field["type"] == "rows":
        _check_columns(field, section_keys)
    if not isinstance(field.get("required", False), bool):
        raise TemplateRejected("manifest_bad_value", f"{key}.required")
    _check_bounds(field)
    if "default" in field and not _valid_default(field, field["default"]):
        raise TemplateRejected("bad_default", key)


def _check_columns(field: dict, section_keys: set[str]) -> None:
    columns = field.get("columns")
    if not isinstance(columns, list) or not columns:
        raise TemplateRejected("rows_without_columns", field["key"])
    _check_objects(columns, f"{field['key']}.columns")
    for column in columns:
        _check_field(column, section_keys, top_level=False)
    _check_unique([column["key"] for column in columns])


def _check_bounds(field: dict) -> None:
    """``min`` and ``max`` are numbers, and only on integer and money fields."""
    for bound in ("min", "max"):
        if bound in field and (
            field["type"] not in ("integer", "money")
            or isinstance(field[bound], bool)
            or not isinstance(field[bound], int | float)
        ):
            raise TemplateRejected("manifest_bad_value", f"{field['key']}.{bound}")


def _valid_default(field: dict, default) -> bool:
    """A well-formed stored value within the field's bounds."""
    if default is None or not is_valid_stored(field, default):
        return False
    if field["type"] in ("integer", "money"):
        amount = Decimal(str(default))
        return field.get("min", amount) <= amount <= field.get("max", amount)
    return True


def _check_choices(field: dict) -> None:
    choices = field.get("choices")
    if not isinstance(choices, list) or not choices:
        raise TemplateRejected("choice_without_choices", field["key"])
    _check_objects(choices, f"{field['key']}.choices")
    for choice in choices:
        if not isinstance(choice.get("value"), str) or not choice["value"]:
            raise TemplateRejected("manifest_bad_value", f"{field['key']}.choices")
        _check_labels(choice.get("label"), f"{field['key']}.choices.{choice['value']}")
    _check_unique([choice["value"] for choice in choices])


def _check_identifier(key) -> None:
    if not isinstance(key, str) or not _IDENTIFIER.match(key):
        raise TemplateRejected("bad_identifier", repr(key))


def _check_labels(labels, where: str) -> None:
    if not isinstance(labels, dict) or not all(
        isinstance(labels.get(lang), str) and labels[lang].strip() for lang in LANGUAGES
    ):
        raise TemplateRejected("missing_translation", where)


def _check_unique(keys: list) -> None:
    seen = set()
    for key in map(str, keys):
        if key in seen:
            raise TemplateRejected("duplicate_key", key)
        seen.add(key)


def field_keys(manifest: dict) -> set[str]:
    return {field["key"] for field in manifest["fields"]}


def required_field_keys(manifest: dict) -> set[str]:
    return {field["key"] for field in manifest["fields"] if field.get("required")}
