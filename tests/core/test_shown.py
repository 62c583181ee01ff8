"""Whole numbers on pages and in CSV read exactly as Babel writes them in every interface language, though
``shown`` writes them itself from the form it reads from Babel once per language."""

import pytest
from flask_babel import force_locale, format_decimal

from agreements.core.exports import integer_form, shown

#: Whole numbers across the sizes a table holds, both signs, at each boundary of the digit groups.
NUMBERS = [0, 7, 999, 1000, 1001, 9999, 12345, 99999, 100000, 123456, 999999, 1000000, 30000]
NUMBERS += [2**31 - 1, 10**15]
NUMBERS += [-number for number in NUMBERS]


@pytest.mark.parametrize("locale", ["fi", "sv", "en"])
def test_whole_numbers_read_as_babel_writes_them(app, locale):
    with app.test_request_context(), force_locale(locale):
        assert integer_form(locale) is not None  # the quick form, not Babel, writes them in this language
        assert [shown(number) for number in NUMBERS] == [format_decimal(number) for number in NUMBERS]


def test_a_language_whose_numbers_are_not_simply_grouped_is_left_to_babel(app):
    # Hindi groups by two digits after the first three ("12,34,567"): not the simple form.
    assert integer_form("hi") is None
    with app.test_request_context(), force_locale("hi"):
        assert shown(1234567) == format_decimal(1234567) == "12,34,567"
