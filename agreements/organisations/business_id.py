"""The Finnish business ID (Y-tunnus): seven digits, a hyphen and a check digit."""

import re

#: ASCII digits only: ``\d`` alone would also accept, say, Arabic-Indic digits.
_FORMAT = re.compile(r"^(\d{6,7})-(\d)$", re.ASCII)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def check_digit(digits: str) -> int | None:
    """The check digit for seven digits, or None when no check digit can make them valid."""
    remainder = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def normalise(value: str) -> str:
    """Strip spaces and pad old six-digit IDs with a leading zero."""
    value = value.strip()
    match = _FORMAT.match(value)
    if match and len(match.group(1)) == 6:
        return "0" + value
    return value


def is_valid(value: str) -> bool:
    """True when ``value`` is a well-formed business ID whose check digit matches."""
    match = _FORMAT.match(normalise(value))
    if not match:
        return False
    return check_digit(match.group(1)) == int(match.group(2))
