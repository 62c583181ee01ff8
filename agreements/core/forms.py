"""Forms and form helpers shared by the domains: the base of every form, the one date field, filters and
choices; the error summary of a page; and the outbox filter of core's own mail pages."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import flask_wtf
from flask import get_flashed_messages, get_template_attribute, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.form import _Auto  # flask-wtf's mark of a form built without formdata: read the request
from jinja2 import pass_context
from markupsafe import Markup
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (
    DateField,
    FieldList,
    FileField,
    Form,
    FormField,
    SearchField,
    SelectField,
    SelectMultipleField,
)
from wtforms import TextAreaField as WTFormsTextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from agreements.core.access import MAX_ID
from agreements.core.dates import WRONG_DAY, parse_day, years_problem
from agreements.core.i18n import ui_language

#: A name on one line, as documents, lists and exports show it: no control characters (tabs, line breaks and
#: the like), which a spreadsheet or a document could not hold.
ONE_LINE = Regexp(
    r"[^\x00-\x1f\x7f]*\Z", message=_l("Write the name on one line, without control characters.")
)


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


class TextAreaField(WTFormsTextAreaField):
    """A text area whose line breaks are read as LF: browsers send CRLF but count a break as one character
    against ``maxlength``, so the server's Length check agrees with the browser's."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.replace("\r\n", "\n")


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


#: How many filter forms (their filters and HTML) a process keeps, the least recently shown dropped first.
FILTER_FORMS_KEPT = 256


def shown_filters(form_class: type[QueryFilterForm], template: str, *choices: tuple) -> tuple[object, Markup]:
    """What the ``form_class`` built from the query string and ``choices`` (hashable) filters by (its
    ``filters()``, which must be immutable) and the form as the macro ``filter_form(form)`` of ``template``
    renders it. Both depend only on the language, the values the form reads and the choices: they are kept
    in this process for the FILTER_FORMS_KEPT last of those (rendering the widgets of a list's form cost
    the list a fifth of its time)."""
    names = _field_names(form_class)
    values = tuple((name, value) for name, value in request.args.items(multi=True) if name in names)
    return _filter_form_output(form_class, template, ui_language(), request.script_root, values, choices)


@cache
def _field_names(form_class: type[Form]) -> frozenset[str]:
    """The names of the fields of ``form_class``: the query parameters it reads."""
    return frozenset(name for name in dir(form_class) if isinstance(getattr(form_class, name), UnboundField))


@lru_cache(maxsize=FILTER_FORMS_KEPT)
def _filter_form_output(form_class, template, _language, _script_root, values, choices):
    """The filters and HTML of the form; the language and script root are in the key for its texts and
    addresses."""
    form = form_class(MultiDict(values), *choices)
    return form.filters(), get_template_attribute(template, "filter_form")(form)


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


@dataclass(frozen=True)
class ErrorItem:
    """One line of a page's error summary: a message, and the field it concerns (its label and element id)."""

    message: str
    target: str | None = None
    label: str | None = None


#: Fields a person cannot see or fix on the page; their messages are listed without a link.
_UNSEEN_FIELDS = {"HiddenField", "CSRFTokenField"}


def form_error_items(form: Form, prefix: str = "") -> Iterator[ErrorItem]:
    """The errors of ``form`` in page order: its form-level errors, then each field's, rows included."""
    for message in getattr(form, "form_errors", ()):
        yield ErrorItem(str(message))
    for field in form:
        yield from _field_error_items(field, prefix)


def _field_error_items(field, prefix: str) -> Iterator[ErrorItem]:
    label = f"{prefix}{field.label.text}"
    if isinstance(field, FormField):
        yield from form_error_items(field.form, prefix)
        return
    messages = [str(message) for message in field.errors if not isinstance(message, (list, dict))]
    if isinstance(field, FieldList):  # its own messages; each row's fields follow under the row's number
        yield from (ErrorItem(message, field.id, label) for message in messages)
        for number, entry in enumerate(field.entries, start=1):
            yield from _field_error_items(entry, _("%(label)s, row %(number)s: ", label=label, number=number))
        return
    unseen = field.type in _UNSEEN_FIELDS
    for message in messages:
        yield ErrorItem(message, None if unseen else field.id, None if unseen else label)


@pass_context
def error_summary(context) -> list[ErrorItem]:
    """Every error the page shows, for the summary at its top: the refusals flashed as ``danger`` in this
    request, the errors of each form in the template's context (not the list filters, which drop a bad
    value quietly), and the page's own ``page_errors`` (ErrorItem-like (message, target, label) tuples)."""
    items = [ErrorItem(str(message)) for message in get_flashed_messages(category_filter=["danger"])]
    for form in _forms(context.get_all().values()):
        items.extend(form_error_items(form))
    items.extend(ErrorItem(*entry) for entry in context.get("page_errors") or ())
    return list(dict.fromkeys(items))


def _forms(values: Iterable) -> list[Form]:
    """The distinct forms among ``values``, in order (a view may pass one form under two names)."""
    forms = [value for value in values if isinstance(value, Form) and not isinstance(value, QueryFilterForm)]
    return list({id(form): form for form in forms}.values())
