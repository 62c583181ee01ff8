"""One date field on every form: d.M.yyyy as people type it and ISO as date inputs send it, one message for
a wrong date and one for a year outside 2000–2100, the same on every form and in every language."""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms.validators import Optional

from agreements.core.forms import DayField, FlaskForm
from agreements.core.timeutil import helsinki_today
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.extensions import db
from agreements.reviews.models import CommentRound
from tests.support.demo import count
from tests.support.pages import form_values, page_text

WRONG = "Enter a date, e.g. 31.12.2026."
OUTSIDE = "Enter a date in the years 2000–2100."


class DayForm(FlaskForm):
    class Meta:
        csrf = False

    day = DayField("Day", validators=[Optional()])


def submitted(app, text: str) -> DayForm:
    with app.test_request_context(method="POST"):
        form = DayForm(formdata=MultiDict({"day": text}))
        form.validate()
        return form


@pytest.mark.parametrize("text", ["7.12.2026", "07.12.2026", "2026-12-07", " 7.12.2026 ", "7.12.2026"])
def test_a_date_is_read_as_d_m_yyyy_or_iso(app, text):
    form = submitted(app, text)
    assert (form.day.data, form.day.errors) == (date(2026, 12, 7), [])


@pytest.mark.parametrize(
    "text, message",
    [
        ("32.12.2026", WRONG),
        ("29.2.2026", WRONG),
        ("2026-13-01", WRONG),
        ("7/12/2026", WRONG),
        ("7.12.26", WRONG),
        ("huomenna", WRONG),
        ("31.12.1999", OUTSIDE),
        ("1.1.2101", OUTSIDE),
        ("0001-01-01", OUTSIDE),
        ("9999-12-31", OUTSIDE),
    ],
)
def test_a_wrong_date_or_year_gets_one_message(app, text, message):
    form = submitted(app, text)
    assert (form.day.data, form.day.errors) == (None, [message])


def test_the_messages_are_in_the_users_language(app):
    with force_locale("fi"):
        assert submitted(app, "32.12.2026").day.errors == ["Anna päivämäärä, esim. 31.12.2026."]
        assert submitted(app, "1.1.1999").day.errors == ["Anna päivämäärä vuosilta 2000–2100."]
    with force_locale("sv"):
        assert submitted(app, "32.12.2026").day.errors == ["Ange ett datum, t.ex. 31.12.2026."]
        assert submitted(app, "1.1.1999").day.errors == ["Ange ett datum under åren 2000–2100."]


def test_the_input_is_a_date_input_holding_iso_or_what_was_typed(app):
    with app.test_request_context():
        shown = DayForm(data={"day": date(2026, 12, 7)}).day()
        assert 'type="date"' in shown and 'value="2026-12-07"' in shown
    with app.test_request_context(method="POST"):
        assert 'value="32.12.2026"' in DayForm(formdata=MultiDict({"day": "32.12.2026"})).day()


# The same wrong date on the forms that take one


def new_agreement(client, template_version, workshop, provider, **dates) -> tuple:
    start = f"/agreements/new?template_version_id={template_version.id}&language=fi&owner_id={workshop.id}"
    data = form_values(client.get(start))
    data.update(
        {
            "title": "Päivämäärätesti",
            "party_ids": [str(provider.id)],
            "field-instructor": "Maija",
            "field-duties": "Perehdytys",
            "field-billing": "yearly",
            **dates,
        }
    )
    return client.post("/agreements/new", data=data)


def field_errors(response, name: str) -> list[str]:
    """The error messages shown at the field ``name`` (its element and the feedback after it)."""
    text = page_text(response)
    at = text.index(f'name="{name}"')
    after = text[at : text.find("</div>", at)]
    return [message for message in (WRONG, OUTSIDE) if message in after]


@pytest.mark.parametrize("typed, message", [("31.2.2026", WRONG), ("1.1.1999", OUTSIDE)])
def test_the_same_wrong_date_gets_the_same_message_on_every_form(
    editor_client, template_version, workshop, provider, make_agreement, editor, typed, message
):
    response = new_agreement(editor_client, template_version, workshop, provider, start_date=typed)
    assert response.status_code == 200
    assert field_errors(response, "start_date") == [message]

    draft = make_agreement(owner=workshop, providers=[provider], template_version=template_version)
    data = {**form_values(editor_client.get(f"/rounds/new/{draft.id}")), "deadline_date": typed}
    data["organisation_ids"] = [str(provider.id)]
    response = editor_client.post(f"/rounds/new/{draft.id}", data=data)
    assert response.status_code == 200
    assert field_errors(response, "deadline_date") == [message]

    signed = make_agreement(owner=workshop, providers=[provider], status=AgreementStatus.SIGNED)
    data = {**form_values(editor_client.get(f"/agreements/{signed.id}/notice")), "given_on": typed}
    data["given_by"] = str(provider.id)
    response = editor_client.post(f"/agreements/{signed.id}/notice", data=data)
    assert response.status_code == 200
    assert field_errors(response, "given_on") == [message]

    assert count(Agreement) == 2 and count(CommentRound) == 0
    assert db.session.get(Agreement, signed.id).status == AgreementStatus.SIGNED


def test_d_m_yyyy_and_iso_are_both_taken(editor_client, template_version, workshop, provider, make_agreement):
    response = new_agreement(
        editor_client, template_version, workshop, provider, start_date="7.8.2026", end_date="2027-08-06"
    )
    assert response.status_code == 302
    agreement = db.session.scalar(select(Agreement))
    assert (agreement.start_date, agreement.end_date) == (date(2026, 8, 7), date(2027, 8, 6))

    draft = make_agreement(owner=workshop, providers=[provider], template_version=template_version)
    deadline = helsinki_today() + timedelta(days=10)
    data = {
        **form_values(editor_client.get(f"/rounds/new/{draft.id}")),
        "deadline_date": f"{deadline:%d.%m.%Y}",
    }
    data["organisation_ids"] = [str(provider.id)]
    assert editor_client.post(f"/rounds/new/{draft.id}", data=data).status_code == 302
    assert db.session.scalar(select(CommentRound)).deadline.date() == deadline
