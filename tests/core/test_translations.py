"""Every string the interface shows is translated into Finnish and Swedish (English is the source)."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "agreements" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _source_messages() -> set[tuple[str | None, str]]:
    """Each (context, msgid) of the source: a msgid given a context (pgettext) is translated per context."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    messages = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    ):
        messages.add((context, _singular(message)))
    return messages


def _singular(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _complete(msgstr) -> bool:
    return all(msgstr) if isinstance(msgstr, tuple) else bool(msgstr)


@pytest.fixture(scope="module")
def source_messages():
    return _source_messages()


@pytest.mark.parametrize("locale", ["fi", "sv"])
def test_every_source_string_has_a_translation(source_messages, locale):
    with open(CATALOGS / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po, locale=locale)
    translated = {
        (m.context, _singular(m.id)): m.string
        for m in catalog
        if m.id and _complete(m.string) and not m.fuzzy
    }
    missing = sorted(source_messages - translated.keys())
    assert not missing, f"{len(missing)} untranslated in {locale}: {missing[:20]}"
    for (_context, msgid), msgstr in translated.items():
        for form in msgstr if isinstance(msgstr, tuple) else (msgstr,):
            assert set(PLACEHOLDER.findall(msgid)) <= set(PLACEHOLDER.findall(form)) | {"num"}, (
                locale,
                msgid,
            )


@pytest.mark.parametrize("locale", ["fi", "sv"])
def test_compiled_catalog_is_current(locale):
    po = CATALOGS / locale / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, (
        "run pybabel compile -d agreements/translations"
    )
