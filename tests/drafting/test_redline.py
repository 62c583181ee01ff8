"""The redline between two versions: word-level differences, escaping, and which fields count as changed."""

import copy
from datetime import date

import pytest
from markupsafe import Markup

from agreements.drafting.diff import (
    compare,
    display_value,
    field_changes,
    header_changes,
    redline_html,
    tokens,
    word_diff,
)
from tests.support.factories import SAMPLE_VALUES
from tests.support.template_package import manifest

HEADER = {
    "title": "Yhteistyösopimus",
    "start_date": date(2026, 8, 1),
    "end_date": date(2027, 7, 31),
    "notice_period_months": 3,
    "auto_renew": False,
}
PARTIES = ["Työpaja Pajala", "Ammattiopisto Åbo"]


def snapshot(header: dict | None = None, parties: list | None = None, values: dict | None = None) -> dict:
    """A version as the comparison sees it, changed where told."""
    return {
        "header": {**HEADER, **(header or {})},
        "parties": parties or PARTIES,
        "values": {**SAMPLE_VALUES, **(values or {})},
    }


@pytest.mark.parametrize(
    "text",
    [
        "Sopimus on voimassa 31.7.2027 asti.",
        "  kaksi  välilyöntiä\n\nja rivinvaihto ",
        "Åbo & <Öja>, 'x'",
        "",
    ],
)
def test_tokens_lose_nothing(text):
    assert "".join(tokens(text)) == text


def test_tokens_keep_finnish_words_whole_and_punctuation_apart():
    assert tokens("Työpaja sitoutuu: ohjaus, tuki.") == [
        "Työpaja",
        " ",
        "sitoutuu",
        ":",
        " ",
        "ohjaus",
        ",",
        " ",
        "tuki",
        ".",
    ]


def test_an_inserted_word():
    assert word_diff("Työpaja ohjaa opiskelijaa", "Työpaja ohjaa ja tukee opiskelijaa") == [
        ("equal", "Työpaja ohjaa "),
        ("insert", "ja tukee "),
        ("equal", "opiskelijaa"),
    ]


def test_a_deleted_word():
    assert word_diff(
        "Opiskelija työskentelee päivittäin työpajalla", "Opiskelija työskentelee työpajalla"
    ) == [
        ("equal", "Opiskelija työskentelee "),
        ("delete", "päivittäin "),
        ("equal", "työpajalla"),
    ]


def test_replaced_words_read_as_one_replacement():
    assert word_diff("the quick brown fox", "the slow red fox") == [
        ("equal", "the "),
        ("delete", "quick brown"),
        ("insert", "slow red"),
        ("equal", " fox"),
    ]


def test_punctuation_changes_on_its_own():
    assert word_diff("Sopimus päättyy 31.7.2027.", "Sopimus päättyy 31.7.2027!") == [
        ("equal", "Sopimus päättyy 31.7.2027"),
        ("delete", "."),
        ("insert", "!"),
    ]


def test_finnish_and_swedish_letters_are_part_of_words():
    assert word_diff("Åbo ja Öja sekä Ähtäri", "Åbo ja Vörå sekä Ähtäri") == [
        ("equal", "Åbo ja "),
        ("delete", "Öja"),
        ("insert", "Vörå"),
        ("equal", " sekä Ähtäri"),
    ]


def test_identical_and_empty_texts():
    assert word_diff("sama teksti", "sama teksti") == [("equal", "sama teksti")]
    assert word_diff("", "uusi teksti") == [("insert", "uusi teksti")]
    assert word_diff("vanha teksti", "") == [("delete", "vanha teksti")]
    assert word_diff("", "") == []


def test_redline_html_escapes_markup_and_marks_changes_for_screen_readers():
    html = redline_html("Ohje: <b>lue</b>", "Ohje: <script>alert('x')</script> & lue")

    assert isinstance(html, Markup)
    assert "<script>" not in html and "<b>" not in html
    assert html.startswith("Ohje: &lt;")
    assert '<span class="visually-hidden">removed: </span>b&gt;lue&lt;/b' in html
    assert (
        '<span class="visually-hidden">added: </span>script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; lue'
        in html
    )
    assert html.count("<del ") == 1 and html.count("<ins ") == 1


def test_redline_html_keeps_line_breaks():
    html = redline_html("Rivi 1\nRivi 2", "Rivi 1\nRivi 2\nRivi 3")

    assert html.startswith("Rivi 1<br>Rivi 2<ins ")
    assert html.endswith("</span><br>Rivi 3</ins>")


def test_display_values_follow_the_field_type_and_language():
    fields = {field["key"]: field for field in manifest()["fields"]}

    assert display_value(fields["first_day"], "2026-08-10", "en") == "10.8.2026"
    assert display_value(fields["fee"], "1250.00", "fi") == "1\xa0250,00\xa0€"
    assert display_value(fields["billing"], "yearly", "sv") == "årligen"
    assert display_value(fields["insured"], False, "en") == "No"
    assert display_value(fields["places"], 4, "en") == "4"
    assert display_value(fields["instructor"], None, "en") == "(empty)"


def test_only_changed_fields_are_listed_with_labels_in_the_language_given():
    new_values = {**SAMPLE_VALUES, "places": 5, "billing": "yearly", "duties": "Uudet tehtävät"}

    groups = field_changes(manifest(), SAMPLE_VALUES, new_values, "fi")

    assert [group["title"] for group in groups] == ["1 Perustiedot", "2 Yksityiskohdat"]
    basics, details = groups
    assert basics["values"] == []
    assert [redline["label"] for redline in basics["redlines"]] == ["Duties (fi)"]
    assert details["values"] == [
        {"label": "Places (fi)", "old": "3", "new": "5"},
        {"label": "Billing (fi)", "old": "kuukausittain", "new": "vuosittain"},
    ]


def test_unchanged_values_give_no_changes():
    assert field_changes(manifest(), SAMPLE_VALUES, copy.deepcopy(SAMPLE_VALUES), "en") == []
    assert header_changes(snapshot(), snapshot()) is None


def test_rows_are_compared_row_by_row_and_unchanged_rows_are_skipped():
    old_rows = [{"name": "Puuseppä", "students": 2}, {"name": "Kokki", "students": 1}]
    new_rows = [{"name": "Puuseppä", "students": 2}, {"name": "Kokki", "students": 3}, {"name": "Maalari"}]
    old = {**SAMPLE_VALUES, "units": old_rows}
    new = {**SAMPLE_VALUES, "units": new_rows}

    (details,) = field_changes(manifest(), old, new, "en")

    assert details["values"] == [
        {"label": "Units, row 2", "old": "Unit: Kokki; Students: 1", "new": "Unit: Kokki; Students: 3"},
        {"label": "Units, row 3", "old": "(no row)", "new": "Unit: Maalari; Students: (empty)"},
    ]


def test_a_removed_row_is_shown_with_its_old_number():
    old = {**SAMPLE_VALUES, "units": [{"name": "A", "students": 1}, {"name": "B", "students": 2}]}
    new = {**SAMPLE_VALUES, "units": [{"name": "B", "students": 2}]}

    (details,) = field_changes(manifest(), old, new, "en")

    assert details["values"] == [{"label": "Units, row 1", "old": "Unit: A; Students: 1", "new": "(no row)"}]


def test_header_changes_list_validity_renewal_and_parties_and_redline_the_title():
    new = snapshot(
        {"title": "Yhteistyösopimus 2026", "end_date": None, "notice_period_months": 1, "auto_renew": True},
        parties=[*PARTIES, "Vörå folkhögskola"],
    )

    group = header_changes(snapshot(), new)

    assert group["title"] == "Agreement details"
    assert [(change["label"], change["old"], change["new"]) for change in group["values"]] == [
        ("End date", "31.7.2027", "Open-ended"),
        ("Notice period", "3 months", "1 month"),
        ("Renews automatically", "No", "Yes"),
        (
            "Parties",
            "Työpaja Pajala; Ammattiopisto Åbo",
            "Työpaja Pajala; Ammattiopisto Åbo; Vörå folkhögskola",
        ),
    ]
    (title,) = group["redlines"]
    assert title["label"] == "Title"
    assert "2026</ins>" in title["html"]


def test_compare_puts_the_agreement_details_first():
    new = snapshot({"auto_renew": True}, values={"instructor": "Uusi"})

    groups = compare(snapshot(), new, manifest(), "en")

    assert [group["key"] for group in groups] == ["agreement", "basics"]
    assert groups[1]["values"] == [{"label": "Instructor", "old": "Maija Ohjaaja", "new": "Uusi"}]
