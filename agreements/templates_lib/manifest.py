"""Reading and checking a template manifest (manifest.json): its sections and typed fields."""

import json
import re

from agreements.templates_lib.errors import TemplateRejected
from agreements.templates_lib.fields import FIELD_TYPES, is_valid_stored
from agreements.templates_lib.models import TemplateKind

#: Names every document may use besides its declared fields; see rendering.build_context.
RESERVED_NAMES = frozenset({"agreement", "parties", "workshop", "providers", "today"})
LANGUAGES = ("fi", "sv", "en")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def parse_manifest(raw: bytes | str) -> dict:
    """Parse and check a manifest; raises TemplateRejected naming the first defect."""
    try:
        manifest = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise TemplateRejected("manifest_not_json", str(error)) from error
    if not isinstance(manifest, dict):
        raise TemplateRejected("manifest_not_json", "the top level must be an object")
    check_manifest(manifest)
    return manifest


def check_manifest(manifest: dict) -> None:
    """Check the structure of a parsed manifest."""
    for key in ("key", "kind", "title", "sections", "fields"):
        if key not in manifest:
            raise TemplateRejected("manifest_missing_key", key)
    _check_identifier(manifest["key"])
    if manifest["kind"] not in {kind.value for kind in TemplateKind}:
        raise TemplateRejected("manifest_bad_value", "kind")
    _check_labels(manifest["title"], "title")
    section_keys = _check_sections(manifest["sections"])
    if not isinstance(manifest["fields"], list):
        raise TemplateRejected("manifest_bad_value", "fields")
    _check_unique([field.get("key") for field in manifest["fields"]])
    for field in manifest["fields"]:
        _check_field(field, section_keys, top_level=True)


def _check_sections(sections) -> set[str]:
    if not isinstance(sections, list) or not sections:
        raise TemplateRejected("manifest_bad_value", "sections")
    keys = [section.get("key") for section in sections]
    _check_unique(keys)
    for section in sections:
        _check_identifier(section.get("key"))
        _check_labels(section.get("title"), f"sections.{section['key']}.title")
    return set(keys)


def _check_field(field: dict, section_keys: set[str], top_level: bool) -> None:
    key = field.get("key")
    _check_identifier(key)
    if top_level and key in RESERVED_NAMES:
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
        columns = field.get("columns")
        if not isinstance(columns, list) or not columns:
            raise TemplateRejected("rows_without_columns", key)
        _check_unique([column.get("key") for column in columns])
        for column in columns:
            _check_field(column, section_keys, top_level=False)
    if "default" in field and not is_valid_stored(field, field["default"]):
        raise TemplateRejected("bad_default", key)


def _check_choices(field: dict) -> None:
    choices = field.get("choices")
    if not isinstance(choices, list) or not choices:
        raise TemplateRejected("choice_without_choices", field["key"])
    _check_unique([choice.get("value") for choice in choices])
    for choice in choices:
        _check_labels(choice.get("label"), f"{field['key']}.choices.{choice.get('value')}")


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
    for key in keys:
        if key in seen:
            raise TemplateRejected("duplicate_key", str(key))
        seen.add(key)


def field_keys(manifest: dict) -> set[str]:
    return {field["key"] for field in manifest["fields"]}


def required_field_keys(manifest: dict) -> set[str]:
    return {field["key"] for field in manifest["fields"] if field.get("required")}
