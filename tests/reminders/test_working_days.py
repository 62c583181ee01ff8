"""A notice deadline on a weekend or a public holiday: the stored deadline stays the legal date, but the
reminders count their days from the working day before it and say why, and so does the agreement's page."""

import html
from datetime import date, timedelta

import pytest

from agreements.accounts.models import UILanguage
from agreements.extensions import db
from tests.support.client import log_in
from tests.support.reminders import run_day


def notice_mail(messages, user):
    return [m for m in messages.get(user.email, []) if m.subject.startswith("Notice deadline")]


@pytest.mark.parametrize(
    ("end_date", "deadline", "act_by", "why"),
    [
        pytest.param(
            date(2027, 1, 31),
            date(2026, 10, 31),
            date(2026, 10, 30),
            "is a public holiday",
            id="Sat 31.10.2026",
        ),
        pytest.param(
            date(2028, 3, 6), date(2027, 12, 6), date(2027, 12, 3), "is a public holiday", id="Mon 6.12.2027"
        ),
        pytest.param(
            date(2027, 2, 7), date(2026, 11, 7), date(2026, 11, 6), "falls on a weekend", id="Sat 7.11.2026"
        ),
    ],
)
def test_reminders_count_from_the_previous_working_day(signed, editor, end_date, deadline, act_by, why):
    agreement = signed(end_date=end_date, notice_period_months=3)
    assert agreement.notice_deadline == deadline  # the legal date is kept
    note = (
        f"The last day to give notice, {deadline:%-d.%-m.%Y}, {why}: act by the previous working day, "
        f"{act_by:%-d.%-m.%Y}."
    )

    for days in (30, 7):
        due = act_by - timedelta(days=days)
        assert notice_mail(run_day(due - timedelta(days=1)), editor) == []
        [mail] = notice_mail(run_day(due), editor)
        assert mail.subject.startswith(f"Notice deadline {deadline:%-d.%-m.%Y}:")
        assert note in mail.body_text


def test_a_working_day_deadline_has_no_note(signed, editor):
    agreement = signed(end_date=date(2027, 7, 31), notice_period_months=3)
    assert agreement.notice_deadline == date(2027, 4, 30)  # a Friday

    [mail] = notice_mail(run_day(date(2027, 4, 23)), editor)

    assert "act by the previous working day" not in mail.body_text


def test_the_agreements_page_shows_the_note(client, signed, editor):
    agreement = signed(end_date=date(2027, 3, 6), notice_period_months=3)
    db.session.commit()
    log_in(client, editor)

    page = html.unescape(client.get(f"/agreements/{agreement.id}").get_data(as_text=True))

    assert "Notice deadline: 6.12.2026" in page
    assert (
        "The last day to give notice, 6.12.2026, is a public holiday: act by the previous working day, "
        "4.12.2026." in page
    )


def test_the_note_speaks_the_editors_language(signed, editor):
    editor.locale = UILanguage.FI
    signed(end_date=date(2027, 3, 6), notice_period_months=3)  # notice by Sunday 6.12.2026

    [mail] = run_day(date(2026, 11, 27))[editor.email]  # 7 days before Friday 4.12.2026

    assert (
        "Viimeinen irtisanomispäivä 6.12.2026 on pyhäpäivä; "
        "toimi viimeistään edellisenä arkipäivänä 4.12.2026." in mail.body_text
    )
