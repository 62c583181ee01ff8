"""The Finnish business ID (Y-tunnus): weights 7, 9, 10, 5, 8, 4, 2; the sum modulo 11 gives the digit."""

import pytest

from agreements.organisations.business_id import check_digit, is_valid, normalise

#: Real-looking IDs with their weighted sums worked out by hand, so the test does not trust the module.
VALID = [
    # 0·7 + 7·9 + 3·10 + 7·5 + 5·8 + 4·4 + 6·2 = 196; 196 mod 11 = 9; 11 − 9 = 2
    ("0737546-2", 196),
    # 1·7 + 5·9 + 7·10 + 2·5 + 8·8 + 6·4 + 0·2 = 220; 220 mod 11 = 0 → check digit 0
    ("1572860-0", 220),
    # 2·7 + 6·9 + 1·10 + 7·5 + 4·8 + 1·4 + 6·2 = 161; 161 mod 11 = 7; 11 − 7 = 4
    ("2617416-4", 161),
]


@pytest.mark.parametrize(("business_id", "weighted_sum"), VALID)
def test_valid_ids_are_accepted(business_id, weighted_sum):
    digits, digit = business_id.split("-")
    remainder = weighted_sum % 11
    assert int(digit) == (0 if remainder == 0 else 11 - remainder)
    assert check_digit(digits) == int(digit)
    assert is_valid(business_id)


@pytest.mark.parametrize("business_id", ["0737546-3", "1572860-1", "2617416-5", "2617416-0"])
def test_wrong_check_digit_is_refused(business_id):
    assert not is_valid(business_id)


@pytest.mark.parametrize("digits", ["1000008", "1000016"])
def test_numbers_with_remainder_one_have_no_valid_check_digit(digits):
    # 1·7 + 8·2 = 23 and 1·7 + 1·4 + 6·2 = 23; 23 mod 11 = 1, which no single digit can fix.
    assert check_digit(digits) is None
    assert not any(is_valid(f"{digits}-{digit}") for digit in range(10))


@pytest.mark.parametrize(
    "value",
    [
        "",
        "07375462",
        "0737546-",
        "-2",
        "0737546-22",
        "07375460-2",
        "073754-62",
        "0737546_2",
        "O737546-2",
        "0737546 - 2",
        "12345-6",
        "\u0660\u0667\u0663\u0667\u0665\u0664\u0666-\u0662",  # 0737546-2 in Arabic-Indic digits
        "０７３７５４６-２",  # and in full-width digits
    ],
)
def test_malformed_strings_are_refused(value):
    assert not is_valid(value)


def test_surrounding_spaces_are_ignored_and_old_six_digit_ids_are_padded():
    assert normalise("  0737546-2 ") == "0737546-2"
    assert normalise("737546-2") == "0737546-2"
    assert is_valid("737546-2")
