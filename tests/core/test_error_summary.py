"""The error summary at the top of a page with errors: each field's message linked to the field, a refusal not
tied to a field among them, the title starting with "Error:" in the reader's language; and text fields that
stop at the length their validator allows."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from agreements.accounts.models import UILanguage
from agreements.core.forms import ErrorItem, TextAreaField, form_error_items
from agreements.core.timeutil import HELSINKI, utcnow
from agreements.extensions import db
from agreements.reviews.models import CommentRound
from agreements.templates_lib.fields import LONG_TEXT_MAX, TEXT_MAX
from tests.support.client import log_in
from tests.support.pages import form_values


class Summary(HTMLParser):
    """The page's title, its error summary as (link target or None, text) lines, and where its <h1> is."""

    def __init__(self):
        super().__init__()
        self.title, self.lines, self.before_h1 = "", [], None
        self._in_title = self._depth = 0
        self._line = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif attrs.get("id") == "error-summary":
            self._depth, self.before_h1 = 1, self.before_h1 is None
        elif self._depth and tag == "div":
            self._depth += 1
        elif self._depth and tag == "li":
            self._line = [None, ""]
        elif self._line is not None and tag == "a":
            self._line[0] = attrs["href"]
        elif tag == "h1" and self.before_h1 is None:
            self.before_h1 = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif self._line is not None:
            self._line[1] += data

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif self._line is not None and tag == "li":
            self.lines.append((self._line[0], " ".join(self._line[1].split())))
            self._line = None
        elif self._depth and tag == "div":
            self._depth -= 1


def summary(response) -> Summary:
    parsed = Summary()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def new_agreement_url(template_version, owner) -> str:
    return f"/agreements/new?template_version_id={template_version.id}&language=fi&owner_id={owner.id}"


@pytest.fixture
def empty_form(client, editor, template_version, workshop):
    """The new-agreement form as the editor's browser would send it untouched."""
    log_in(client, editor)
    url = new_agreement_url(template_version, workshop)
    return url, form_values(client.get(url))


def test_an_empty_agreement_form_opens_with_every_problem_linked_to_its_field(client, empty_form):
    url, values = empty_form
    response = client.post(url, data=values)
    page = summary(response)
    assert response.status_code == 200
    assert page.title.startswith("Error: New agreement")
    assert page.before_h1
    assert ("#title", "Title: Give the agreement a title.") in page.lines
    assert ("#start_date", "Start date: Give the start date.") in page.lines
    assert ("#party_ids", "Education providers: Choose at least one education provider.") in page.lines
    assert ("#field-instructor", "Instructor: This field is required.") in page.lines
    assert all(target for target, _text in page.lines)
    body = response.get_data(as_text=True)
    assert 'tabindex="-1"' in body and "/static/js/error-summary.js" in body


@pytest.mark.parametrize(
    ("language", "title"), [(UILanguage.FI, "Virhe: Uusi sopimus"), (UILanguage.SV, "Fel: ")]
)
def test_the_title_says_error_in_the_reader_s_language(client, empty_form, editor, language, title):
    url, values = empty_form
    editor.locale = language
    db.session.commit()
    assert summary(client.post(url, data=values)).title.startswith(title)


def test_a_page_without_errors_has_neither_summary_nor_error_title(client, empty_form):
    url, _values = empty_form
    response = client.get(url)
    page = summary(response)
    assert page.lines == [] and not page.before_h1
    assert page.title.startswith("New agreement")
    assert "error-summary" not in response.get_data(as_text=True)


def test_a_list_filter_with_a_bad_value_is_not_an_error(client, editor):
    log_in(client, editor)
    response = client.get("/agreements/?status=nonsense")
    assert response.status_code == 200
    assert summary(response).lines == []


def test_a_refusal_not_tied_to_a_field_is_in_the_summary_not_a_second_alert(client, drafter, agreement):
    log_in(client, drafter)
    deadline = (utcnow() + timedelta(days=10)).astimezone(HELSINKI)
    values = {
        "version_number": "1",
        "deadline_date": deadline.strftime("%d.%m.%Y"),
        "deadline_time": "12:00",
        "contact_person_id": str(drafter.id),
        "visibility": "all_invitees",
    }
    response = client.post(f"/rounds/new/{agreement.id}", data=values)
    message = "Choose at least one organisation, network or person to invite."
    assert response.status_code == 409
    assert summary(response).lines == [(None, message)]
    assert response.get_data(as_text=True).count(message) == 1
    assert db.session.scalars(db.select(CommentRound)).all() == []


def test_every_text_field_stops_at_the_length_its_validator_allows(client, empty_form):
    url, _values = empty_form
    lengths = MaxLengths()
    lengths.feed(client.get(url).get_data(as_text=True))
    assert lengths.textareas and all(lengths.textareas.values()), lengths.textareas
    assert lengths.of("change_note") == 500
    assert lengths.of("field-duties") == LONG_TEXT_MAX
    assert lengths.of("title") == 200
    assert lengths.of("field-instructor") == TEXT_MAX


def test_a_text_area_full_to_its_maxlength_with_line_breaks_is_accepted(app):
    """A browser counts a line break as one character against maxlength but sends CRLF: the server agrees."""

    class NoteForm(Form):
        note = TextAreaField(validators=[Length(max=10)])

    typed = "ab\r\ncd\r\nefgh"  # ten characters as the browser counts them
    form = NoteForm(MultiDict({"note": typed}))
    assert form.validate(), form.errors
    assert form.note.data == "ab\ncd\nefgh"
    assert not NoteForm(MultiDict({"note": typed + "x"})).validate()


class MaxLengths(HTMLParser):
    """The maxlength of each text input and text area of the page's form, by name (None where missing)."""

    def __init__(self):
        super().__init__()
        self.inputs, self.textareas = {}, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        limit = int(attrs["maxlength"]) if "maxlength" in attrs else None
        if tag == "textarea":
            self.textareas[attrs["name"]] = limit
        elif tag == "input" and attrs.get("type") == "text" and "name" in attrs:
            self.inputs[attrs["name"]] = limit

    def of(self, name: str) -> int | None:
        return {**self.inputs, **self.textareas}[name]


def test_form_level_errors_rows_and_hidden_fields_are_listed_in_page_order():
    class Row(Form):
        name = StringField("Name", validators=[DataRequired()])

    class Sample(Form):
        title = StringField("Title", validators=[DataRequired()])
        rows = FieldList(FormField(Row), label="Rows", min_entries=2)
        token = HiddenField(validators=[DataRequired("The form has expired.")])

    form = Sample(MultiDict({"rows-0-name": "Maija"}))
    assert not form.validate()
    form.form_errors.append("Nothing was saved.")
    assert list(form_error_items(form)) == [
        ErrorItem("Nothing was saved."),
        ErrorItem("This field is required.", "title", "Title"),
        ErrorItem("This field is required.", "rows-1-name", "Rows, row 2: Name"),
        ErrorItem("The form has expired."),
    ]
