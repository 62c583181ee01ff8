"""Rendering a filled template: values come back unchanged and formatted for the language; PDF too."""

import io
import os
from datetime import date

import pytest
from docx import Document
from jinja2.exceptions import SecurityError

from agreements.templates_lib.converter import convert_to_pdf, pdf_available
from agreements.templates_lib.fields import document_value, format_money
from agreements.templates_lib.package import SAMPLE_HEADER, SAMPLE_PARTIES
from agreements.templates_lib.rendering import build_context, render_docx
from tests.support.factories import SAMPLE_VALUES
from tests.support.template_package import docx_for, manifest

TRICKY_TEXT = "Tiimi <A&B> \"lainaus\" 'heittomerkki' å ä ö Å Ä Ö"
TRICKY_VALUES = {
    **SAMPLE_VALUES,
    "instructor": TRICKY_TEXT,
    "duties": 'Ensimmäinen rivi <b>ei lihavointia</b> & muuta\nÅbo & Öja "sv"',
    "units": [{"name": "Ammattiopisto <Ö&Å> 'x'", "students": 4}, {"name": 'Kurs "två"', "students": None}],
}


def render(language: str, values: dict, extra_paragraphs: tuple[str, ...] = ()) -> bytes:
    test_manifest = manifest()
    context = build_context(SAMPLE_HEADER, SAMPLE_PARTIES, values, test_manifest, language, date(2026, 3, 1))
    return render_docx(docx_for(test_manifest, language, extra_paragraphs), context)


def document_text(docx: bytes) -> str:
    """All paragraph texts of a .docx as python-docx reads them, one per line."""
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(docx)).paragraphs)


def expected_texts(field: dict, stored, language: str) -> list[str]:
    """What must appear in the document for one field's stored value."""
    shown = document_value(field, stored, language)
    if field["type"] == "boolean":
        return [f"{field['label']['en']}: yes"] if shown else []
    if field["type"] == "rows":
        return [str(cell) for row in shown for cell in row.values() if cell not in (None, "")]
    return [str(shown)]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_markup_characters_and_nordic_letters_come_back_unchanged(language):
    text = document_text(render(language, TRICKY_VALUES))

    assert f"Instructor: {TRICKY_TEXT}" in text
    assert 'Ensimmäinen rivi <b>ei lihavointia</b> & muuta\nÅbo & Öja "sv"' in text
    assert "Ammattiopisto <Ö&Å> 'x' / 4" in text
    assert 'Näytesopimus <&> "Åbo" SOP-2026-0001' in text
    assert "Oppilaitos <Ö> (1572860-0)" in text


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_declared_field_value_appears_in_the_document(language):
    text = document_text(render(language, SAMPLE_VALUES))

    for field in manifest()["fields"]:
        for expected in expected_texts(field, SAMPLE_VALUES[field["key"]], language):
            assert expected in text, f"{field['key']}: {expected!r} missing"


def test_values_are_shown_as_the_document_language_writes_them():
    finnish, swedish = (document_text(render(language, SAMPLE_VALUES)) for language in ("fi", "sv"))

    assert "First day: 10.8.2026" in finnish
    assert "Billing: kuukausittain" in finnish
    assert "Billing: månadsvis" in swedish
    assert "Fee: 120,50\xa0€" in finnish and "Fee: 120,50\xa0€" in swedish


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_money_is_formatted_with_babels_non_breaking_spaces(language):
    assert format_money("1250.00", language) == "1\xa0250,00\xa0€"
    assert format_money("1250", language) == "1\xa0250,00\xa0€"
    assert format_money("0.5", language) == "0,50\xa0€"


def test_an_empty_optional_field_renders_as_nothing():
    values = {**SAMPLE_VALUES, "fee": None, "first_day": "", "insured": False, "units": []}

    text = document_text(render("fi", values))

    assert "Fee: \n" in text and "First day: \n" in text
    assert "Insured: yes" not in text


def test_an_empty_or_missing_number_or_yes_no_never_prints_none():
    values = {**SAMPLE_VALUES, "places": None, "units": [{"name": "Paja", "students": None}]}
    del values["insured"]

    text = document_text(render("fi", values))

    assert "Places: \n" in text and text.endswith("Paja / ")
    assert "None" not in text and "Insured: yes" not in text


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ agreement.__init__.__globals__ }}",
    ],
)
def test_a_document_reaching_for_python_internals_never_renders(expression):
    """Even a document that bypassed the upload checks stops in the sandbox instead of leaking anything."""
    with pytest.raises(SecurityError):
        render("fi", SAMPLE_VALUES, extra_paragraphs=(expression,))


@pytest.mark.parametrize(
    "expression",
    [
        '{{ "x" * 999999999 }}',
        "{{ 9 ** 9 ** 9 }}",
        "{{ parties * 99999999 }}",
        "{{ instructor.ljust(999999999) }}",
        "{{ agreement.title.replace('', instructor) }}",
    ],
)
def test_a_document_cannot_blow_up_memory_or_time_with_operators(expression):
    with pytest.raises(SecurityError):
        render("fi", SAMPLE_VALUES, extra_paragraphs=(expression,))


def test_a_document_may_still_multiply_numbers():
    text = document_text(render("fi", SAMPLE_VALUES, extra_paragraphs=("{{ places * 2 }} / {{ 1.5 * 2 }}",)))

    assert f"{SAMPLE_VALUES['places'] * 2} / 3.0" in text


def test_a_rendered_document_converts_to_pdf():
    if not pdf_available():
        message = "LibreOffice (soffice) is not installed, so no PDF can be made"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must install libreoffice-writer-nogui", pytrace=False)
        pytest.skip(message)

    pdf = convert_to_pdf(render("fi", TRICKY_VALUES))

    assert pdf.startswith(b"%PDF")
