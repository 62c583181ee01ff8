"""Finnish working days: weekends and public holidays are not, and a deadline on one is acted on before."""

from datetime import date

import pytest

from agreements.core.dates import is_public_holiday, is_working_day, last_working_day, previous_working_day


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 12, 6), id="Independence Day 6.12.2026, a Sunday"),
        pytest.param(date(2027, 12, 6), id="Independence Day 6.12.2027, a Monday"),
        pytest.param(date(2026, 6, 19), id="Midsummer Eve 2026"),
        pytest.param(date(2027, 3, 26), id="Good Friday 2027"),
        pytest.param(date(2026, 10, 31), id="All Saints' Day 2026"),
    ],
)
def test_public_holidays_are_not_working_days(day):
    assert is_public_holiday(day)
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 11, 7), date(2026, 11, 8)], ids=["Saturday", "Sunday"])
def test_a_weekend_is_not_a_working_day_nor_a_holiday(day):
    assert not is_public_holiday(day)
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 12, 4), date(2026, 6, 18), date(2027, 12, 7)])
def test_an_ordinary_weekday_is_a_working_day(day):
    assert is_working_day(day)
    assert last_working_day(day) == day


@pytest.mark.parametrize(
    ("day", "previous"),
    [
        pytest.param(date(2026, 12, 6), date(2026, 12, 4), id="Sunday 6.12.2026 → Friday 4.12."),
        pytest.param(date(2027, 12, 6), date(2027, 12, 3), id="Monday 6.12.2027 → Friday 3.12."),
        pytest.param(date(2026, 6, 19), date(2026, 6, 18), id="Midsummer Eve → Thursday"),
        pytest.param(date(2026, 6, 21), date(2026, 6, 18), id="Midsummer Sunday → Thursday"),
        pytest.param(date(2027, 3, 29), date(2027, 3, 25), id="Easter Monday 2027 → Maundy Thursday"),
        pytest.param(date(2026, 11, 9), date(2026, 11, 6), id="a Monday → Friday"),
    ],
)
def test_the_previous_working_day_skips_weekends_and_holidays(day, previous):
    assert previous_working_day(day) == previous


def test_the_last_working_day_of_a_day_off_is_the_one_before():
    assert last_working_day(date(2026, 10, 31)) == date(2026, 10, 30)
    assert last_working_day(date(2026, 12, 26)) == date(2026, 12, 23)
