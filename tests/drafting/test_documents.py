"""An agreement version as a document: the .docx and PDF downloads, their file names, the HTML preview."""

import io
import json
import os
import re
import zipfile

import pytest
from docx import Document
from docx.oxml import OxmlElement

from agreements.accounts.models import MembershipRole
from agreements.drafting.documents import document_filename, version_document, version_parties, version_pdf
from agreements.organisations.models import Language, OrganisationKind
from agreements.templates_lib.converter import PdfUnavailable, pdf_available
from agreements.templates_lib.fields import document_value
from agreements.templates_lib.models import TemplateSource
from agreements.templates_lib.operations import add_template_version
from tests.support.factories import SAMPLE_VALUES
from tests.support.template_package import docx_for, manifest

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TRICKY = "Åbo & <Öja> \"lainaus\" 'heittomerkki' äöå ÄÖÅ"
TRICKY_VALUES = {
    **SAMPLE_VALUES,
    "instructor": TRICKY,
    "duties": 'Ensimmäinen rivi <script>alert(1)</script> & muuta\nToinen rivi: Åland "sv"',
    "units": [{"name": "Ammattiopisto <Ö&Å> 'x'", "students": 4}],
}


def document_text(docx: bytes) -> str:
    """Every paragraph and table cell of a .docx as python-docx reads it, one per line."""
    document = Document(io.BytesIO(docx))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def document_parts(docx: bytes) -> dict[str, bytes]:
    """The parts of a .docx zip by name; zip timestamps differ between renders, the parts do not."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def expected_texts(manifest: dict, values: dict, language: str) -> list[str]:
    """What must appear in the document for every declared field, as the document shows it."""
    texts = []
    for field in manifest["fields"]:
        shown = document_value(field, values.get(field["key"]), language)
        if field["type"] == "boolean":
            texts += [f"{field['label']['en']}: yes"] if shown else []
        elif field["type"] == "rows":
            texts += [str(cell) for row in shown for cell in row.values() if cell not in (None, "")]
        else:
            texts.append(str(shown))
    return texts


@pytest.fixture
def people(make_organisation, make_user, make_network, editor, provider):
    """Users inside the agreement (the conftest's workshop and provider) and outside it, by role."""
    other_workshop = make_organisation(kind=OrganisationKind.WORKSHOP, name="Toinen työpaja")
    return {
        "editor": editor,
        "provider_member": make_user(organisation=provider, role=MembershipRole.VIEWER),
        "outsider": make_user(organisation=other_workshop, role=MembershipRole.EDITOR),
        "other_coordinator": make_user(networks=[make_network(region_codes=("01",))]),
        "coordinator": make_user(networks=[make_network(region_codes=("06",))]),
        "admin": make_user(admin=True),
    }


def download(client, agreement, extension="docx", number=1):
    return client.get(f"/agreements/{agreement.id}/versions/{number}.{extension}")


@pytest.mark.parametrize("language", [Language.FI, Language.SV])
def test_document_contains_every_field_value_in_the_agreement_language(
    make_agreement, workshop, provider, language
):
    agreement = make_agreement(owner=workshop, providers=[provider], language=language)
    manifest = agreement.template_version.manifest

    text = document_text(version_document(agreement.latest_version))

    for expected in expected_texts(manifest, SAMPLE_VALUES, language.value):
        assert expected in text
    assert f"{agreement.title} {agreement.reference}" in text
    assert "Tredu (0737546-2)" in text
    assert ("utbildningsanordnare" if language == Language.SV else "koulutuksen järjestäjä") in text


def test_markup_characters_and_nordic_letters_come_back_unchanged(make_agreement, workshop, provider):
    agreement = make_agreement(owner=workshop, providers=[provider], title=TRICKY, values=TRICKY_VALUES)

    text = document_text(version_document(agreement.latest_version))

    assert f"Instructor: {TRICKY}" in text
    assert 'Ensimmäinen rivi <script>alert(1)</script> & muuta\nToinen rivi: Åland "sv"' in text
    assert "Ammattiopisto <Ö&Å> 'x' / 4" in text
    assert f"{TRICKY} {agreement.reference}" in text


def test_parties_are_plain_dicts_in_chosen_order_with_the_region_in_the_document_language(
    make_agreement, make_organisation, workshop, provider
):
    second = make_organisation(kind=OrganisationKind.PROVIDER, name="Aaltoopisto", region_code="15")
    agreement = make_agreement(owner=workshop, providers=[provider, second])

    parties = version_parties(agreement.latest_version, "sv")

    assert [party["name"] for party in parties] == ["Tampereen Työpaja", "Tredu", "Aaltoopisto"]
    assert parties[0] == {
        "name": "Tampereen Työpaja",
        "business_id": "0737546-2",
        "municipality": "Tampere",
        "region": "Birkaland",
        "kind": "workshop",
    }
    assert parties[2]["region"] == "Österbotten"
    assert version_parties(agreement.latest_version, "fi")[2]["region"] == "Pohjanmaa"


def test_file_name_comes_from_reference_title_and_version(agreement):
    agreement.reference = "SOP-2026-0042"
    version = agreement.latest_version

    assert document_filename(agreement, version, "docx") == (
        "SOP-2026-0042_Yhteistyösopimus_työelämässä_oppimisesta_v1.docx"
    )
    version.title = "  Sopimus: <A/B> – 2026!  "
    assert document_filename(agreement, version, "pdf") == "SOP-2026-0042_Sopimus_A_B_2026_v1.pdf"


def test_downloaded_docx_is_the_versions_own_render_with_an_rfc6266_file_name(
    client, login, agreement, people
):
    login(client, people["provider_member"])

    response = download(client, agreement)

    assert response.status_code == 200
    assert response.mimetype == DOCX_TYPE
    assert document_parts(response.data) == document_parts(version_document(agreement.latest_version))
    disposition = response.headers["Content-Disposition"]
    slug = "Yhteisty%C3%B6sopimus_ty%C3%B6el%C3%A4m%C3%A4ss%C3%A4_oppimisesta"
    assert disposition.startswith("attachment;")
    assert f"filename={agreement.reference}_Yhteistyosopimus_tyoelamassa_oppimisesta_v1.docx" in disposition
    assert f"filename*=UTF-8''{agreement.reference}_{slug}_v1.docx" in disposition
    assert "no-store" in response.headers["Cache-Control"]


def test_a_version_that_does_not_exist_is_404(editor_client, agreement):
    assert download(editor_client, agreement, number=2).status_code == 404
    assert editor_client.get(f"/agreements/{agreement.id}/preview?version=7").status_code == 404


@pytest.mark.skipif(
    not pdf_available() and os.environ.get("CI") != "true", reason="LibreOffice (soffice) is not installed"
)
def test_pdf_is_produced_by_libreoffice(editor_client, agreement):
    response = download(editor_client, agreement, "pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert (
        f"{agreement.reference}_Yhteistyosopimus_tyoelamassa_oppimisesta_v1.pdf"
        in (response.headers["Content-Disposition"])
    )


def test_without_libreoffice_the_pdf_link_explains_it_is_unavailable(editor_client, agreement, monkeypatch):
    monkeypatch.setattr("agreements.templates_lib.converter._soffice", lambda: None)

    response = download(editor_client, agreement, "pdf")
    preview = editor_client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)

    assert response.status_code == 503
    assert "PDF is not available on this server" in response.get_data(as_text=True)
    assert f"/agreements/{agreement.id}/versions/1.docx" in response.get_data(as_text=True)
    assert "versions/1.pdf" not in preview
    assert "PDF is not available on this server" in preview
    with pytest.raises(PdfUnavailable):
        version_pdf(agreement.latest_version)


def package_with_tables() -> tuple[bytes, dict[str, bytes]]:
    """The test package plus two tables at the end: contacts under a header row, signatures without one."""
    test_manifest = manifest("table_template")
    documents = {}
    for language in ("fi", "sv"):
        document = Document(io.BytesIO(docx_for(test_manifest, language)))
        contacts = document.add_table(rows=2, cols=2)
        for cell, text in zip(contacts.rows[0].cells + contacts.rows[1].cells, CONTACT_CELLS, strict=True):
            cell.text = text
        contacts.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        signatures = document.add_table(rows=1, cols=2)
        signatures.rows[0].cells[0].text = "Paikka ja aika"
        output = io.BytesIO()
        document.save(output)
        documents[language] = output.getvalue()
    return json.dumps(test_manifest).encode(), documents


CONTACT_CELLS = ("Nimi", "Puhelin", "{{ instructor }}", "040 123 4567")


def test_preview_shows_tables_with_their_header_rows(editor_client, make_agreement, workshop, provider):
    template_version, _created = add_template_version(*package_with_tables(), TemplateSource.SHIPPED)
    agreement = make_agreement(owner=workshop, providers=[provider], template_version=template_version)

    page = editor_client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)

    contacts, signatures = re.findall(r"<table .*?</table>", page, re.S)
    assert "<caption>Table in section 2 Yksityiskohdat</caption>" in contacts
    assert re.search(r'<thead>\s*<tr><th scope="col">Nimi</th><th scope="col">Puhelin</th></tr>', contacts)
    assert "<tr><td>Maija Ohjaaja</td><td>040 123 4567</td></tr>" in contacts
    assert "<th" not in signatures and "<td>Paikka ja aika</td>" in signatures


def test_preview_shows_every_section_in_order_with_the_field_values(editor_client, agreement):
    page = editor_client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)

    headings = re.findall(r'<h2 id="section-(\w+)" class="h4 mt-4">([^<]+)</h2>', page)
    assert headings == [("basics", "1 Perustiedot"), ("details", "2 Yksityiskohdat")]
    assert page.count("<h1>") == 1
    assert "Instructor: Maija Ohjaaja" in page
    assert "Duties: Perehdytys &amp; työturvallisuus &lt;tärkeä&gt;<br>Toinen rivi" in page
    assert "First day: 10.8.2026" in page
    assert "Billing: kuukausittain" in page
    assert "Puusepänalan perustutkinto / 2" in page
    assert 'lang="fi"' in page


def test_a_section_keyed_like_a_page_element_does_not_duplicate_its_id(
    editor_client, make_agreement, make_template_version, workshop, provider
):
    """Section keys such as "main" or "version" must not clash with the page's own ids."""
    clashing = manifest()
    for section, key in zip(clashing["sections"], ("main", "version"), strict=True):
        for field in clashing["fields"]:
            field["section"] = key if field["section"] == section["key"] else field["section"]
        section["key"] = key
    version = make_template_version(manifest_dict=clashing)
    agreement = make_agreement(owner=workshop, providers=[provider], template_version=version)

    page = editor_client.get(f"/agreements/{agreement.id}/preview").get_data(as_text=True)

    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert 'href="#section-main"' in page


@pytest.mark.parametrize("role", ["editor", "provider_member", "coordinator", "admin"])
def test_members_coordinators_and_administrators_read_the_agreement(client, login, agreement, people, role):
    login(client, people[role])

    for path in ("preview", "history", "compare"):
        assert client.get(f"/agreements/{agreement.id}/{path}").status_code == 200
    assert download(client, agreement).status_code == 200


@pytest.mark.parametrize("role", ["outsider", "other_coordinator"])
def test_other_organisations_and_regions_get_404_everywhere(client, login, agreement, people, role):
    login(client, people[role])

    for path in ("preview", "history", "compare?from=1&to=1", "versions/1.docx", "versions/1.pdf"):
        assert client.get(f"/agreements/{agreement.id}/{path}").status_code == 404, path


def test_anonymous_visitors_are_sent_to_log_in(client, agreement):
    response = client.get(f"/agreements/{agreement.id}/versions/1.docx")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
