"""The organisation import reads a file as spreadsheets in Finland save it — Excel's plain "CSV"
(Windows-1252), "CSV UTF-8" (with a BOM) and "Unicode text" (UTF-16, tabs) — says which encoding it read,
and refuses a file that is no text at all."""

import io
import random
import zipfile

import pytest
from sqlalchemy import select

from agreements.extensions import db
from agreements.organisations import csv_import
from agreements.organisations.csv_import import ImportFileError
from agreements.organisations.models import Organisation

ROWS = [
    "kind;name;business_id;region;municipality;language",
    "työpaja;Äänekosken Työpaja;0737546-2;13;Äänekoski;fi",
    "utbildningsanordnare;Yrkesakademin i Österbotten;1572860-0;Österbotten;Vasa;sv",
    "verkstad;Ålands Verkstad;2617416-4;06;Närpes;sv",
]
NAMES = ["Äänekosken Työpaja", "Yrkesakademin i Österbotten", "Ålands Verkstad"]
MUNICIPALITIES = ["Äänekoski", "Vasa", "Närpes"]


def saved(encoding: str, separator: str = ";", rows: list[str] = ROWS) -> bytes:
    """The rows as a spreadsheet saves them: CRLF lines in ``encoding``."""
    return ("\r\n".join(rows).replace(";", separator) + "\r\n").encode(encoding)


#: Excel's plain "CSV", its "CSV UTF-8" and its "Unicode text" (tab-separated UTF-16 with a BOM).
EXCEL_FILES = [
    pytest.param(saved("cp1252"), "Windows-1252", id="windows-1252"),
    pytest.param(saved("utf-8-sig"), "UTF-8", id="utf-8-bom"),
    pytest.param(saved("utf-8"), "UTF-8", id="utf-8"),
    pytest.param(saved("utf-16", separator="\t"), "UTF-16", id="utf-16-tabs"),
]


@pytest.mark.parametrize(("data", "encoding"), EXCEL_FILES)
def test_every_excel_csv_is_read_with_its_letters_and_its_encoding_named(data, encoding):
    check = csv_import.check_file(data)
    assert check.ok, check.errors
    assert [o["name"] for o in check.organisations] == NAMES
    assert [o["municipality"] for o in check.organisations] == MUNICIPALITIES
    assert check.encoding == encoding


def test_windows_1252_with_typographic_quotes_and_euro_sign_keeps_them():
    rows = [*ROWS[:2], "workshop;Paja “Ässä” €;2617416-4;06;Nokia;fi"]
    check = csv_import.check_file(saved("cp1252", rows=rows))
    assert [o["name"] for o in check.organisations] == ["Äänekosken Työpaja", "Paja “Ässä” €"]


def test_windows_1252_full_of_doubled_letters_is_read_all_the_same():
    text = "name;municipality\r\n" + "ÄÄNEKOSKEN MÄÄRÄAIKAINEN PÄÄTÖS;ÄÄNEKOSKI\r\n" * 40 + "ää;öö\r\n" * 20
    decoded = csv_import.decode(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding) == (text, "Windows-1252")


def upload(client, data: bytes):
    return client.post("/organisations/import", data={"file": (io.BytesIO(data), "organisaatiot.csv")})


def test_excel_plain_csv_is_imported_and_the_page_says_it_was_read_as_windows_1252(admin_client):
    response = upload(admin_client, saved("cp1252"))
    assert response.status_code == 302
    stored = db.session.scalars(select(Organisation).order_by(Organisation.id)).all()
    assert [(o.name, o.municipality) for o in stored] == list(zip(NAMES, MUNICIPALITIES, strict=True))
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 organisations imported. The file was read as Windows-1252 text." in page


def test_a_refused_file_names_the_encoding_it_was_read_in(admin_client):
    response = upload(
        admin_client, saved("cp1252", rows=[*ROWS, "workshop;Pälkäneen Paja;1234567-8;06;Pälkäne;fi"])
    )
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page and "<tr><td>5</td><td>business_id</td>" in page
    assert "The file was read as Windows-1252 text." in page
    assert db.session.scalars(select(Organisation)).all() == []


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("organisaatiot.csv", saved("utf-8"))
    return buffer.getvalue()


#: Files that are no text: noise, noise without a NUL byte, a PNG, a ZIP (an .xlsx is one), bytes no
#: 8-bit code page of Excel's defines.
NOT_TEXT = [
    pytest.param(random.Random(16).randbytes(4000), id="noise"),
    pytest.param(bytes(b for b in random.Random(7).randbytes(6000) if b), id="noise-without-nul"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(300), id="png"),
    pytest.param(_zip(), id="zip"),
    pytest.param(bytes(range(0x80, 0x100)) * 8, id="high-bytes"),
]


@pytest.mark.parametrize("data", NOT_TEXT)
def test_a_file_that_is_no_text_is_refused_with_a_clear_message(data):
    with pytest.raises(ImportFileError, match="The file is not a text file"):
        csv_import.check_file(data)


def test_a_binary_upload_is_refused_on_the_file_field(admin_client):
    page = upload(admin_client, random.Random(16).randbytes(4000)).get_data(as_text=True)
    assert 'id="file-error"' in page and "The file is not a text file" in page
    assert db.session.scalars(select(Organisation)).all() == []
