"""Forms and form helpers shared by the domains, and the outbox filter of core's own mail pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


def strip(value):
    """A field filter: takes the surrounding spaces off a string and leaves other values alone."""
    return value.strip() if isinstance(value, str) else value


def int_or_none(value) -> int | None:
    """Coerce a select's value to an int; empty or malformed input becomes None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
