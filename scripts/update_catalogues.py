"""Refresh the translation catalogues from the source: extract, merge into fi and sv, sort, no fuzzy guesses.

Run after adding or changing user-visible strings, then translate the entries left empty in
agreements/translations/{fi,sv}/LC_MESSAGES/messages.po (tests/core/test_translations.py lists them).
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "agreements" / "translations"
PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def _run(*args: str) -> None:
    subprocess.run([PYBABEL, *args], cwd=ROOT, check=True, capture_output=True)  # noqa: S603 - fixed arguments


def _rewrite(path: Path) -> int:
    """Sort the catalogue, drop fuzzy flags, wrap at 110; returns the number of untranslated entries."""
    with path.open("rb") as file:
        catalogue = read_po(file)
    missing = 0
    for message in catalogue:
        if not message.id:
            continue
        message.flags.discard("fuzzy")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        missing += not all(strings)
    with path.open("wb") as file:
        write_po(file, catalogue, sort_output=True, no_location=True, width=110)
    return missing


def main() -> None:
    pot = TRANSLATIONS / "messages.pot"
    _run(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "--project",
        "Sopimuspolku",
        "-o",
        str(pot),
        ".",
    )
    _run("update", "-i", str(pot), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")
    for language in ("fi", "sv"):
        missing = _rewrite(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
        print(f"{language}: {missing} untranslated")


if __name__ == "__main__":
    main()
