"""Forms and form helpers shared by the domains: the base of every form, the one date field, filters and
choices; and the outbox filter of core's own mail pages."""

import flask_wtf
from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf.form import _Auto  # flask-wtf's mark of a form built without formdata: read the request
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import DateField, FileField, SearchField, SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from agreements.core.access import MAX_ID
from agreements.core.dates import WRONG_DAY, parse_day, years_problem


class FlaskForm(flask_wtf.FlaskForm):
    """The base of every form of the service (flask_wtf.FlaskForm is banned elsewhere, see pyproject.toml).

    What a client sends is read as form fields only: a file part counts for a file field alone, so a file
    sent for a text field is as if that field were missing, and a JSON body is no form data at all.
    """

    class Meta:
        def wrap_formdata(self, form, formdata):
            """The submitted fields, with the uploads of the form's own (top-level) file fields."""
            if formdata is not _Auto:
                return formdata
            if not form.is_submitted():
                return None
            file_fields = {field.name for field in form if isinstance(field, FileField)}
            files = MultiDict(
                [(name, upload) for name, upload in request.files.items(multi=True) if name in file_fields]
            )
            if files:
                return CombinedMultiDict((files, request.form))
            return request.form or None


def strip(value):
    """A field filter: takes the surrounding spaces off a string and leaves other values alone."""
    return value.strip() if isinstance(value, str) else value


def int_or_none(value) -> int | None:
    """Coerce a select's value to an int; empty or malformed input, and a number larger than any id or
    count a column holds (which the database could not even compare), become None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -MAX_ID <= number <= MAX_ID else None


class DayField(DateField):
    """A calendar date, the same on every form: typed as d.M.yyyy (7.12.2026) or sent as ISO by a date
    input. Anything else is refused with one message, and a year outside the service's years with another.
    """

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        text = " ".join(valuelist).strip()
        if not text:
            return
        day = parse_day(text)
        if day is None:
            raise ValueError(str(WRONG_DAY))
        problem = years_problem(day)
        if problem:
            raise ValueError(problem)
        self.data = day

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.isoformat() if self.data else ""


class QueryFilterForm(FlaskForm):
    """Search and filters above a list, sent as query parameters (so without a CSRF token)."""

    class Meta:
        csrf = False

    def valid_data(self) -> dict:
        """Field values that passed validation; a value that is not one of the choices is left out."""
        self.validate()
        return {name: field.data for name, field in self._fields.items() if not field.errors}


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """The confirmation step of a destructive action: only the CSRF token."""


class OutboxFilterForm(QueryFilterForm):
    """The outbox list's address search and status filter, read from the query string."""

    q = SearchField(_l("Recipient address"), filters=[strip])
    status = SelectField(_l("Status"), default="")

    def __init__(self, *args, status_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", _l("All statuses")), *status_choices]
