"""Forms generated from a template manifest: one field per declared field, lists of rows as sub-forms.

Field names in the page are ``field-<key>`` (rows: ``field-<key>-<n>-<column>``), so they never clash with
the agreement's own fields. Rows are added and removed with ordinary submit buttons, without JavaScript:
the page is rendered again with one row more or less and everything typed kept.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from agreements.core.forms import DayField, TextAreaField, strip
from agreements.core.i18n import ui_language
from agreements.templates_lib.fields import LONG_TEXT_MAX, TEXT_MAX, label

PREFIX = "field-"


class ManifestForm(Form):
    """Base of generated forms; WTForms' own messages come in the interface language."""

    class Meta:
        def get_translations(self, form):
            return translations

    #: The manifest fields (or row columns) this form was built from.
    manifest_fields: list[dict] = []

    def value_fields(self):
        """(manifest field, bound form field) pairs in manifest order."""
        return [(field, self[_attribute(field)]) for field in self.manifest_fields]

    def sections(self, manifest: dict) -> list[dict]:
        """The manifest's sections, titled in the interface language, each with its (field, bound) pairs."""
        language, pairs = ui_language(), self.value_fields()
        return [
            {
                "title": label(section["title"], language),
                "fields": [(field, bound) for field, bound in pairs if field["section"] == section["key"]],
            }
            for section in manifest["sections"]
        ]

    def stored_values(self) -> dict:
        """The submitted data as stored values (see templates_lib.fields)."""
        return {field["key"]: to_stored(field, bound.data) for field, bound in self.value_fields()}


#: Amounts from this many euros up are refused: surely a slip, and too many digits to keep to the cent.
MONEY_LIMIT = Decimal(10) ** 15


class MoneyField(DecimalField):
    """A euro amount; accepts a comma as the decimal mark and spaces or a € sign around the digits.

    Decimal reads NaN, Infinity and 1e999999 too; none of them is an amount.
    """

    widget = TextInput()

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [re.sub(r"[\s€]", "", valuelist[0]).replace(",", ".")]
        super().process_formdata(valuelist)
        if self.data is not None and not (self.data.is_finite() and abs(self.data) < MONEY_LIMIT):
            self.data = None
            raise ValueError(self.invalid_value_message)


def _attribute(field: dict) -> str:
    """The Python attribute of a field; prefixed so a key like ``data`` cannot shadow a Form attribute."""
    return f"v_{field['key']}"


def _presence(field: dict) -> list:
    """Required or optional; a required text needs more than spaces, a required number may be 0."""
    if not field.get("required"):
        return [Optional()]
    required = DataRequired if field["type"] in ("text", "long_text") else InputRequired
    return [required(message=_l("This field is required."))]


def _range(field: dict, low_default=None) -> list:
    low, high = field.get("min", low_default), field.get("max")
    if low is None and high is None:
        return []
    if low is not None and high is not None:
        message = _l("Enter a number from %(min)s to %(max)s.")
    elif low is not None:
        message = _l("Enter a number of at least %(min)s.")
    else:
        message = _l("Enter a number of at most %(max)s.")
    return [NumberRange(min=low, max=high, message=message)]


def _choices(field: dict, language: str) -> list[tuple[str, str]]:
    choices = [(choice["value"], label(choice["label"], language)) for choice in field["choices"]]
    return [("", str(_l("Choose…"))), *choices]


def _form_field(field: dict, language: str):
    """The unbound WTForms field for one manifest field."""
    kind = field["type"]
    options = {
        "label": label(field["label"], language),
        "description": label(field["help"], language) if field.get("help") else "",
        "name": field["key"],
    }
    if kind == "boolean":
        return BooleanField(**options)
    if kind == "rows":
        row_form = form_class(field["columns"], language)
        return FieldList(FormField(row_form), min_entries=1 if field.get("required") else 0, **options)
    validators = _presence(field)
    if kind == "text":
        return StringField(validators=[*validators, Length(max=TEXT_MAX)], filters=[strip], **options)
    if kind == "long_text":
        validators = [*validators, Length(max=LONG_TEXT_MAX)]
        return TextAreaField(validators=validators, filters=[strip], **options)
    if kind == "date":
        return DayField(validators=validators, **options)
    if kind == "integer":
        validators = [*validators, *_range(field)]
        return IntegerField(
            validators=validators, invalid_value_message=_l("Enter a whole number."), **options
        )
    if kind == "money":
        message = _l("Enter an amount in euros, e.g. 120,50.")
        validators = [*validators, *_range(field, low_default=0)]
        render_kw = {"inputmode": "decimal"}
        return MoneyField(
            validators=validators, places=2, invalid_value_message=message, render_kw=render_kw, **options
        )
    return SelectField(validators=validators, choices=_choices(field, language), **options)


def form_class(fields: list[dict], language: str) -> type[ManifestForm]:
    """A form class with one field per manifest field (or row column), labelled in ``language``."""
    attributes = {_attribute(field): _form_field(field, language) for field in fields}
    attributes["manifest_fields"] = fields
    return type("ValuesForm", (ManifestForm,), attributes)


def values_form(manifest: dict, formdata=None, stored: dict | None = None) -> ManifestForm:
    """The values form of a manifest: from submitted ``formdata``, else from ``stored`` values."""
    cls = form_class(manifest["fields"], ui_language())
    if formdata:
        return cls(formdata, prefix=PREFIX)
    stored = stored or {}
    data = {_attribute(field): to_form(field, stored.get(field["key"])) for field in manifest["fields"]}
    return cls(prefix=PREFIX, data=data)


def default_values(manifest: dict) -> dict:
    """The stored values a new agreement starts with: the manifest's defaults."""
    return {field["key"]: field["default"] for field in manifest["fields"] if "default" in field}


def to_form(field: dict, stored):
    """A stored value as form data."""
    if stored is None:
        return [] if field["type"] == "rows" else None
    kind = field["type"]
    if kind == "date":
        return date.fromisoformat(stored)
    if kind == "money":
        return Decimal(stored)
    if kind == "rows":
        return [
            {_attribute(column): to_form(column, row.get(column["key"])) for column in field["columns"]}
            for row in stored
        ]
    return stored


def to_stored(field: dict, data):
    """Form data as a stored value: ISO dates, money as a two-decimal string, empty as None ([] for rows)."""
    kind = field["type"]
    if kind == "rows":
        return [to_stored_row(field, row) for row in data or []]
    if kind == "boolean":
        return bool(data)
    if data in (None, ""):
        return None
    if kind == "date":
        return data.isoformat()
    if kind == "money":
        return _money_text(data)
    return data


def to_stored_row(field: dict, row: dict) -> dict:
    """One row of a rows field: form data keyed by attribute → stored values keyed by column key."""
    return {column["key"]: to_stored(column, row.get(_attribute(column))) for column in field["columns"]}


def _money_text(amount) -> str | None:
    try:
        return str(Decimal(amount).quantize(Decimal("0.01")))
    except (InvalidOperation, TypeError, ValueError):
        return None


def apply_row_action(form: ManifestForm, add: str | None, remove: str | None) -> bool:
    """Add a row to the rows field named ``add``, or remove the row named ``remove`` (``<key>-<n>``).

    Returns True when the request was such a row action, so the page is rendered again unsaved.
    """
    if add:
        rows = _rows_field(form, add)
        if rows is not None:
            rows.append_entry()
        return True
    if remove:
        key, _sep, index = remove.rpartition("-")
        rows = _rows_field(form, key)
        if rows is not None and index.isdigit() and int(index) < len(rows.entries):
            rows.pop_entry(int(index))
        return True
    return False


def _rows_field(form: ManifestForm, key: str):
    fields = {field["key"]: bound for field, bound in form.value_fields() if field["type"] == "rows"}
    return fields.get(key)
