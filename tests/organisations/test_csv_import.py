"""CSV import of organisations: the checking functions on their own, and the upload page."""

import io

import pytest
from sqlalchemy import func, select

from agreements.extensions import db
from agreements.organisations import csv_import
from agreements.organisations.csv_import import ImportFileError, RowError
from agreements.organisations.models import Language, Organisation, OrganisationKind
from tests.support.audit import audit_events

HEADER = "kind,name,business_id,region,municipality,language"
GOOD_ROWS = [
    "workshop,Nokian Nuorten Paja,0737546-2,06,Nokia,fi",
    "koulutuksen järjestäjä,Esimerkkiopisto,1572860-0,Uusimaa,Espoo,fi",
    "provider,Exempelinstitutet,2617416-4,Österbotten,Vasa,sv",
    "Työpaja,Kainuun Paja,0737546-2,18,Kajaani,FI",
]


def csv_bytes(*rows: str, header: str = HEADER, separator: str = ",", bom: bool = False) -> bytes:
    text = "\r\n".join([header, *rows]).replace(",", separator) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


def organisation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def test_good_rows_become_organisation_values():
    check = csv_import.check_file(csv_bytes(*GOOD_ROWS))
    assert check.ok
    assert [o["name"] for o in check.organisations] == [
        "Nokian Nuorten Paja",
        "Esimerkkiopisto",
        "Exempelinstitutet",
        "Kainuun Paja",
    ]
    provider = check.organisations[2]
    assert provider["kind"] == OrganisationKind.PROVIDER and provider["language"] == Language.SV
    assert check.organisations[1]["kind"] == OrganisationKind.PROVIDER
    assert check.organisations[3]["kind"] == OrganisationKind.WORKSHOP


def test_bom_and_semicolon_separator_are_understood():
    rows = [row.replace(",", ";") for row in GOOD_ROWS[:2]]
    check = csv_import.check_file(csv_bytes(*rows, separator=";", bom=True))
    assert check.ok and len(check.organisations) == 2


def test_semicolon_file_keeps_commas_inside_names():
    text = HEADER.replace(",", ";") + "\nworkshop;Paja, Nokia;0737546-2;06;Nokia;fi\n"
    check = csv_import.check_file(text.encode())
    assert check.ok and check.organisations[0]["name"] == "Paja, Nokia"


def test_every_bad_row_is_reported_with_row_column_and_problem():
    check = csv_import.check_file(
        csv_bytes(
            GOOD_ROWS[0],
            "castle,Linna,0737546-3,99,,de",
            "workshop,,0737546-2,Atlantis,Turku,fi",
        )
    )
    assert not check.ok and check.organisations == []
    problems = {(e.row, e.column) for e in check.errors}
    assert problems == {
        (3, "kind"),
        (3, "business_id"),
        (3, "region"),
        (3, "municipality"),
        (3, "language"),
        (4, "name"),
        (4, "region"),
    }
    messages = {(e.row, e.column): e.message for e in check.errors}
    assert "castle" in messages[(3, "kind")]
    assert "0737546-3" in messages[(3, "business_id")]
    assert messages[(4, "name")] == "This column is required."


def test_duplicates_within_the_file_point_to_the_first_row():
    check = csv_import.check_file(
        csv_bytes(GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[0].replace("Nokian", "NOKIAN"))
    )
    assert [(e.row, e.column) for e in check.errors] == [(4, "name")]
    assert "row 2" in check.errors[0].message


def test_duplicates_of_stored_organisations_are_errors(make_organisation):
    make_organisation(name="Nokian Nuorten Paja", municipality="Nokia")
    check = csv_import.check_file(csv_bytes(*GOOD_ROWS))
    assert check.errors == [RowError(2, "name", "An organisation with this name already exists in Nokia.")]


def test_extra_cells_are_reported():
    check = csv_import.check_file(csv_bytes("workshop,Paja, Nokia,0737546-2,06,Nokia,fi"))
    assert "—" in {e.column for e in check.errors}


def test_region_code_without_leading_zero_and_names_in_any_case():
    check = csv_import.check_file(
        csv_bytes("workshop,A,0737546-2,6,Nokia,fi", "workshop,B,0737546-2,BIRKALAND,Nokia,fi")
    )
    assert check.ok
    assert check.organisations[0]["region_id"] == check.organisations[1]["region_id"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"kind,name\r\nworkshop,Paja\r\n", "business_id, region, municipality, language"),
        (HEADER.encode() + b"\r\n", "no organisation rows"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "not a text file"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(data, message):
    with pytest.raises(ImportFileError, match=message):
        csv_import.check_file(data)


def test_a_row_the_csv_reader_cannot_parse_refuses_the_file_with_its_row_number():
    # An unclosed quote swallows the rest of the file into one cell, beyond the csv module's field limit.
    unclosed = 'workshop,"Paja,0737546-2,06,Nokia,fi\r\n' + "x" * 200_000
    with pytest.raises(ImportFileError, match="Row 3 cannot be read"):
        csv_import.check_file(csv_bytes(*GOOD_ROWS[:1], unclosed))


def test_size_and_row_limits(monkeypatch):
    with pytest.raises(ImportFileError, match="larger than 2 MB"):
        csv_import.decode(b"x" * (csv_import.MAX_BYTES + 1))
    monkeypatch.setattr(csv_import, "MAX_ROWS", 2)
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        csv_import.check_file(csv_bytes(*GOOD_ROWS[:3]))


def test_the_example_file_passes_the_check():
    assert csv_import.check_file(csv_import.example_csv().encode()).ok


def upload(client, data: bytes, filename: str = "organisaatiot.csv"):
    return client.post("/organisations/import", data={"file": (io.BytesIO(data), filename)})


def test_good_file_imports_every_row_with_one_audit_event(admin_client):
    response = upload(admin_client, csv_bytes(*GOOD_ROWS))
    assert response.status_code == 302
    assert organisation_count() == 4
    [event] = audit_events("organisation.import")
    assert event.details == {"count": 4}
    assert "4 organisations imported" in admin_client.get(response.headers["Location"]).get_data(as_text=True)


def test_one_bad_row_imports_nothing_and_lists_every_problem(admin_client):
    response = upload(
        admin_client, csv_bytes(*GOOD_ROWS, "workshop,Paja X,1234567-8,06,Nokia,fi", "provider,Y,,,Vaasa,sv")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert organisation_count() == 0 and audit_events("organisation.import") == []
    assert "Nothing was imported" in page
    # The error summary at the top says so, linked to the file field; the title starts with "Error:".
    assert "<title>Error:" in page
    summary = page.split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    assert 'href="#file"' in summary and "The file has 3 problems" in summary
    for row, column in [(6, "business_id"), (7, "business_id"), (7, "region")]:
        assert f"<tr><td>{row}</td><td>{column}</td>" in page


def test_binary_upload_is_refused_with_a_message(admin_client):
    response = upload(admin_client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "logo.png")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="file-error"' in page and "not a text file" in page
    assert organisation_count() == 0


def test_upload_without_a_file_asks_for_one(admin_client):
    response = admin_client.post("/organisations/import", data={})
    assert 'id="file-error"' in response.get_data(as_text=True)


def test_example_download(admin_client):
    response = admin_client.get("/organisations/import/example.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeffkind;name;business_id".encode())
