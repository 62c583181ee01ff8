"""Forms generated from a manifest: a field per type, labels in the interface language, conversion between
stored values and form data, validation per type, and rows added and removed without JavaScript."""

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from agreements.drafting import field_forms
from tests.support.factories import SAMPLE_VALUES
from tests.support.template_package import manifest

MANIFEST = manifest()
VALID_INPUT = {
    "field-instructor": "Maija Ohjaaja",
    "field-duties": "Perehdytys",
    "field-places": "3",
    "field-billing": "monthly",
}


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


def bound(form, key: str):
    """The form field generated for a manifest key."""
    return {field["key"]: bound_field for field, bound_field in form.value_fields()}[key]


def submitted(**changes) -> field_forms.ManifestForm:
    data = {**VALID_INPUT, **changes}
    return field_forms.values_form(MANIFEST, MultiDict({k: v for k, v in data.items() if v is not None}))


def test_each_type_gets_its_own_kind_of_field(request_context):
    form = field_forms.values_form(MANIFEST)
    kinds = {field["key"]: bound.type for field, bound in form.value_fields()}
    assert kinds == {
        "instructor": "StringField",
        "duties": "TextAreaField",
        "first_day": "DayField",
        "places": "IntegerField",
        "fee": "MoneyField",
        "billing": "SelectField",
        "insured": "BooleanField",
        "units": "FieldList",
    }


@pytest.mark.parametrize(
    ("locale", "text"), [("fi", "Instructor (fi)"), ("sv", "Instructor (sv)"), ("en", "Instructor")]
)
def test_labels_come_in_the_interface_language(request_context, locale, text):
    with force_locale(locale):
        form = field_forms.values_form(MANIFEST)
    assert bound(form, "instructor").label.text == text


def test_choices_are_labelled_in_the_interface_language(request_context):
    with force_locale("sv"):
        form = field_forms.values_form(MANIFEST)
    assert [label for _value, label in bound(form, "billing").choices][1:] == ["månadsvis", "årligen"]


def test_a_new_form_starts_from_the_manifest_defaults(request_context):
    form = field_forms.values_form(MANIFEST, stored=field_forms.default_values(MANIFEST))
    assert field_forms.default_values(MANIFEST) == {"places": 2}
    assert 'value="2"' in str(bound(form, "places"))


def test_stored_values_survive_the_form_unchanged(request_context):
    form = field_forms.values_form(MANIFEST, stored=SAMPLE_VALUES)
    assert form.stored_values() == SAMPLE_VALUES


def test_submitted_input_becomes_stored_values(request_context):
    form = submitted(
        **{
            "field-first_day": "2026-03-09",
            "field-fee": "1 250,5 €",
            "field-insured": "y",
            "field-units-0-name": "Kokin osaamisala",
            "field-units-0-students": "4",
        }
    )
    assert form.validate(), form.errors
    assert form.stored_values() == {
        "instructor": "Maija Ohjaaja",
        "duties": "Perehdytys",
        "first_day": "2026-03-09",
        "places": 3,
        "fee": "1250.50",
        "billing": "monthly",
        "insured": True,
        "units": [{"name": "Kokin osaamisala", "students": 4}],
    }


def test_a_finnish_date_is_accepted_too(request_context):
    form = submitted(**{"field-first_day": "9.3.2026"})
    assert form.validate()
    assert form.stored_values()["first_day"] == "2026-03-09"


def test_empty_optional_fields_are_stored_as_empty(request_context):
    form = submitted()
    assert form.validate()
    stored = form.stored_values()
    assert (stored["first_day"], stored["fee"], stored["insured"], stored["units"]) == (None, None, False, [])


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("field-instructor", "", "This field is required."),
        ("field-billing", "", "This field is required."),
        ("field-places", "kolme", "Enter a whole number."),
        ("field-places", "0", "Enter a number from 1 to 50."),
        ("field-places", "51", "Enter a number from 1 to 50."),
        ("field-fee", "-5", "Enter a number of at least 0."),
        ("field-fee", "paljon", "Enter an amount in euros, e.g. 120,50."),
        ("field-first_day", "31.2.2026", "Enter a date, e.g. 31.12.2026."),
        ("field-billing", "weekly", "Not a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_message(request_context, name, value, message):
    form = submitted(**{name: value})
    assert not form.validate()
    key = name.removeprefix("field-")
    assert message in " ".join(
        str(e) for e in dict((f["key"], b) for f, b in form.value_fields())[key].errors
    )


def test_a_row_with_a_missing_required_column_is_refused(request_context):
    form = submitted(**{"field-units-0-name": "", "field-units-0-students": "2"})
    assert not form.validate()
    assert form.errors["v_units"] == [{"v_name": ["This field is required."]}]


def test_add_row_appends_an_empty_row_and_keeps_the_typed_ones(request_context):
    form = submitted(**{"field-units-0-name": "Ensimmäinen"})
    assert field_forms.apply_row_action(form, add="units", remove=None)
    rows = bound(form, "units")
    assert [entry.data["v_name"] for entry in rows.entries] == ["Ensimmäinen", None]
    assert 'name="field-units-1-name"' in str(rows.entries[1].form["v_name"])


def test_remove_row_takes_out_that_row_and_renumbers_the_rest(request_context):
    form = submitted(
        **{"field-units-0-name": "Eka", "field-units-1-name": "Toka", "field-units-2-name": "Kolmas"}
    )
    assert field_forms.apply_row_action(form, add=None, remove="units-1")
    rows = bound(form, "units")
    assert [entry.data["v_name"] for entry in rows.entries] == ["Eka", "Kolmas"]
    assert rows.entries[1].name == "field-units-1"


def test_a_save_is_not_a_row_action(request_context):
    assert not field_forms.apply_row_action(submitted(), add=None, remove=None)


def test_a_key_that_is_a_form_attribute_does_not_break_the_form(request_context):
    fields = [{"key": "data", "section": "s", "type": "text", "label": {"fi": "D", "sv": "D", "en": "D"}}]
    form = field_forms.form_class(fields, "en")(MultiDict({"field-data": "arvo"}), prefix="field-")
    assert form.stored_values() == {"data": "arvo"}


def test_line_breaks_of_long_texts_are_stored_the_same_from_every_browser(request_context):
    form = submitted(**{"field-duties": "Eka rivi\r\nToka rivi"})
    assert form.validate()
    assert form.stored_values()["duties"] == "Eka rivi\nToka rivi"


def test_spaces_alone_do_not_fill_a_required_text(request_context):
    form = submitted(**{"field-instructor": "   "})
    assert not form.validate()
    assert bound(form, "instructor").errors == ["This field is required."]
