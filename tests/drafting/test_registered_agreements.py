"""Agreements signed before the service, or outside it: registered by hand or many at once from a CSV file
and a ZIP of their PDFs, then shown, counted and reminded of like any other signed agreement."""

import html
import io
import re
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.core.timeutil import helsinki_today, utcnow
from agreements.dashboard.lists import ORGANISATION_LISTS
from agreements.dashboard.queries import is_commitment, region_figures
from agreements.drafting.models import Agreement, AgreementOrigin, AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import Organisation, OrganisationKind
from agreements.templates_lib.models import TemplateKind
from tests.support.client import log_in
from tests.support.messages import take_mail
from tests.support.pages import page_text
from tests.support.reminders import run_day
from tests.support.signing import docx_bytes, pdf_bytes

HEADER = "kind;title;workshop;parties;start_date;end_date;notice_period_months;auto_renew;pdf;docx"


@pytest.fixture
def parties(make_organisation):
    """A workshop and two providers with business IDs of their own, and the workshop's editor."""
    workshop = make_organisation(
        kind=OrganisationKind.WORKSHOP, name="Tampereen Työpaja", business_id="0737546-2"
    )
    tredu = make_organisation(kind=OrganisationKind.PROVIDER, name="Tredu", business_id="1572860-0")
    takk = make_organisation(
        kind=OrganisationKind.PROVIDER, name="TAKK", business_id="2617416-4", municipality="Nokia"
    )
    return workshop, tredu, takk


@pytest.fixture
def registrar(make_user, parties, client):
    """An editor of the workshop, logged in."""
    user = make_user(organisation=parties[0], role=MembershipRole.EDITOR, name="Riikka Rekisteröijä")
    log_in(client, user)
    return user


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def registered() -> list[Agreement]:
    return list(db.session.scalars(select(Agreement).where(Agreement.origin == AgreementOrigin.REGISTERED)))


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def by_hand(client, workshop, **fields):
    """Post the registration form for ``workshop``: a bilateral agreement 1.8.2024–31.7.2027 unless told."""
    data = {
        "owner_id": workshop.id,
        "agreement_kind": "bilateral",
        "title": "Yhteistyösopimus 2024",
        "language": "fi",
        "start_date": "1.8.2024",
        "end_date": "31.7.2027",
        "notice_period_months": "3",
        **fields,
    }
    return client.post("/agreements/register", data=data)


def test_an_editor_registers_a_signed_agreement_by_hand(client, registrar, parties):
    workshop, tredu, takk = parties
    page = client.get("/agreements/register")
    assert page.status_code == 200
    response = by_hand(
        client,
        workshop,
        party_ids=[tredu.id, takk.id],
        signed_pdf=(io.BytesIO(pdf_bytes(2)), "sopimus.pdf"),
        docx=(io.BytesIO(docx_bytes()), "sopimus.docx"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    [agreement] = registered()
    assert agreement.status == AgreementStatus.SIGNED
    assert agreement.kind == TemplateKind.BILATERAL
    assert agreement.template_version is None
    assert (agreement.start_date, agreement.end_date) == (date(2024, 8, 1), date(2027, 7, 31))
    assert agreement.notice_deadline == date(2027, 4, 30)
    assert {party.id for party in agreement.parties} == {workshop.id, tredu.id, takk.id}
    assert all(terms.bound for terms in agreement.party_terms)
    assert audit_count("agreement.registered") == 1

    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Signed outside the service" in page
    assert "Bilateral cooperation agreement" in page
    assert "Registered the agreement, signed outside the service" in page  # its history
    listed = client.get("/agreements/").get_data(as_text=True)
    assert "Signed outside the service" in listed
    pdf = client.get(f"/agreements/{agreement.id}/signed.pdf")
    assert (pdf.status_code, pdf.data) == (200, agreement.registration.signed_pdf)
    assert client.get(f"/agreements/{agreement.id}/signed.docx").data == docx_bytes()
    # a registered agreement has no document made from a template, and no history to compare
    assert client.get(f"/agreements/{agreement.id}/preview").status_code == 404
    assert client.get(f"/agreements/{agreement.id}/edit").status_code == 409


def test_a_registration_sent_twice_registers_once_and_the_second_answer_shows_it(client, registrar, parties):
    workshop, tredu, _takk = parties
    page = client.get("/agreements/register").text
    token = re.search(r'name="submission_token"[^>]*value="([^"]+)"', page)[1]

    def send():
        pdf = (io.BytesIO(pdf_bytes(1)), "sopimus.pdf")
        return by_hand(client, workshop, party_ids=[tredu.id], signed_pdf=pdf, submission_token=token)

    first, second = send(), send()
    [agreement] = registered()
    assert first.headers["Location"] == second.headers["Location"] == f"/agreements/{agreement.id}"
    assert "This form was already sent" in client.get(second.headers["Location"]).text


def test_a_refused_registration_keeps_what_was_chosen_and_names_every_problem(client, registrar, parties):
    response = by_hand(
        client,
        parties[0],
        agreement_kind="other",
        title="Vuokrasopimus",
        signed_pdf=(io.BytesIO(b"not a pdf"), "sopimus.pdf"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Vuokrasopimus" in page  # kept
    assert 'id="signed_pdf-error"' in page and "not a PDF document" in page
    assert 'id="party_ids-error"' in page and "at least one other party" in page
    assert "choose the PDF" in page
    assert registered() == []


def test_someone_elses_workshop_cannot_be_chosen(client, make_user, make_organisation, parties):
    other = make_organisation(kind=OrganisationKind.WORKSHOP, name="Muu paja")
    log_in(client, make_user(organisation=other, role=MembershipRole.EDITOR))
    response = by_hand(
        client,
        parties[0],
        party_ids=[parties[1].id],
        signed_pdf=(io.BytesIO(pdf_bytes()), "sopimus.pdf"),
    )
    assert response.status_code == 200
    assert "Choose the workshop from the list" in response.get_data(as_text=True)
    assert registered() == []


def bulk(client, csv_text: str, files: dict[str, bytes], encoding="utf-8-sig"):
    return client.post(
        "/agreements/register/bulk",
        data={
            "csv_file": (io.BytesIO(csv_text.encode(encoding)), "sopimukset.csv"),
            "zip_file": (io.BytesIO(zip_of(files)), "sopimukset.zip"),
        },
    )


GOOD_ROWS = [
    "bilateral;Yhteistyösopimus;0737546-2;1572860-0;1.8.2024;31.7.2027;3;ei;a.pdf;a.docx",
    "other;Vuokrasopimus;Tampereen Työpaja (Tampere);TAKK (Nokia) | Tredu (Tampere);2023-01-01;;6;;b.pdf;",
]
GOOD_FILES = {"a.pdf": pdf_bytes(), "a.docx": docx_bytes(), "b.pdf": pdf_bytes(3)}


def test_bulk_registration_stores_every_row_in_one_go(client, registrar, parties):
    response = bulk(client, "\r\n".join([HEADER, *GOOD_ROWS]) + "\r\n", GOOD_FILES)
    assert response.status_code == 302, response.get_data(as_text=True)
    first, second = sorted(registered(), key=lambda agreement: agreement.id)
    assert (first.kind, first.registration.docx) == (TemplateKind.BILATERAL, docx_bytes())
    assert (second.kind, second.end_date, second.notice_period_months) == (None, None, 6)
    assert len(second.parties) == 3
    assert audit_count("agreement.registered") == 2


def test_bulk_registration_reads_excel_plain_csv_in_windows_1252_and_says_so(client, registrar, parties):
    response = bulk(client, "\r\n".join([HEADER, *GOOD_ROWS]) + "\r\n", GOOD_FILES, encoding="cp1252")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert sorted(agreement.title for agreement in registered()) == ["Vuokrasopimus", "Yhteistyösopimus"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 agreements registered. The file was read as Windows-1252 text." in page


def test_a_refused_bulk_file_names_the_encoding_it_was_read_in(client, registrar, parties):
    bad = "bilateral;Yhteistyösopimus;0737546-2;Tuntematon Oppilaitos;1.8.2024;;3;;b.pdf;"
    page = bulk(client, "\r\n".join([HEADER, bad]), GOOD_FILES, encoding="utf-16").get_data(as_text=True)
    assert "<td>2</td><td>parties</td>" in page and "Tuntematon Oppilaitos" in page
    assert "The file was read as UTF-16 text." in page
    assert registered() == []


def test_bulk_registration_with_one_bad_row_stores_nothing_and_names_the_row(client, registrar, parties):
    bad = "annex;Liite;0737546-2;9999999-9;31.12.2024;1.1.2024;30;ehkä;missing.pdf;"
    response = bulk(client, "\n".join([HEADER, *GOOD_ROWS, bad]).replace(";", ","), GOOD_FILES)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was registered" in page
    assert "<title>Error:" in page and 'href="#csv_file"' in page.split('id="error-summary"', 1)[1]
    assert "<td>4</td><td>parties</td>" in page
    assert "<td>4</td><td>auto_renew</td>" in page
    assert "<td>4</td><td>pdf</td>" in page and "missing.pdf" in page
    assert "<td>2</td>" not in page and "<td>3</td>" not in page
    assert registered() == []


def test_bulk_registration_checks_dates_and_notice_against_the_rules(client, registrar, parties):
    bad = "bilateral;Sopimus;0737546-2;1572860-0;31.12.2024;1.1.2024;30;;a.pdf;"
    page = bulk(client, "\n".join([HEADER, bad]), GOOD_FILES).get_data(as_text=True)
    assert "<td>2</td><td>end_date</td>" in page
    assert "<td>2</td><td>notice_period_months</td>" in page
    assert registered() == []


@pytest.mark.parametrize(
    ("csv_bytes", "message"),
    [
        (b"", "The file is empty."),
        (b"kind;title\nother;x\n", "lacks these columns"),
        (b"kind;title;workshop;parties;start_date;pdf\n", "no agreement rows"),
        (b"\x00\x01binary", "not a text file"),
        (bytes(range(0x80, 0x100)) * 8, "not a text file"),
    ],
)
def test_bulk_files_that_cannot_be_read_are_refused_with_the_reason(
    client, registrar, parties, csv_bytes, message
):
    response = client.post(
        "/agreements/register/bulk",
        data={
            "csv_file": (io.BytesIO(csv_bytes), "x.csv"),
            "zip_file": (io.BytesIO(zip_of(GOOD_FILES)), "x.zip"),
        },
    )
    assert response.status_code == 200
    assert 'id="csv_file-error"' in response.get_data(as_text=True)
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("zip_bytes", "message"),
    [
        (b"PK not really", "not a ZIP file"),
        (pdf_bytes(), "not a ZIP file"),
        (zip_of({"../a.pdf": pdf_bytes()}), "not in folders"),
        (zip_of({"kansio/a.pdf": pdf_bytes()}), "not in folders"),
        (zip_of({f"{n}.pdf": b"" for n in range(4001)}), "more than 4000 files"),
    ],
)
def test_bulk_zip_files_that_are_unsafe_or_unreadable_are_refused(
    client, registrar, parties, zip_bytes, message
):
    response = client.post(
        "/agreements/register/bulk",
        data={
            "csv_file": (io.BytesIO("\n".join([HEADER, GOOD_ROWS[0]]).encode()), "x.csv"),
            "zip_file": (io.BytesIO(zip_bytes), "x.zip"),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="zip_file-error"' in page and message in page
    assert registered() == []


def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, registrar, parties):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("a.pdf", "w") as entry:
        for _megabyte in range(301):
            entry.write(bytes(1024 * 1024))
    bomb = buffer.getvalue()
    response = client.post(
        "/agreements/register/bulk",
        data={
            "csv_file": (io.BytesIO("\n".join([HEADER, GOOD_ROWS[0]]).encode()), "x.csv"),
            "zip_file": (io.BytesIO(bomb), "x.zip"),
        },
    )
    assert "unpacks to more than 300 MB" in response.get_data(as_text=True)


def test_more_rows_than_allowed_are_refused(client, registrar, parties):
    rows = [GOOD_ROWS[0]] * 2001
    response = bulk(client, "\n".join([HEADER, *rows]), GOOD_FILES)
    assert "more than 2000 rows" in response.get_data(as_text=True)
    assert registered() == []


def test_reminders_fire_for_a_registered_agreement(client, registrar, parties):
    row = "bilateral;Vanha sopimus;0737546-2;1572860-0;1.8.2026;31.7.2027;3;ei;a.pdf;"
    assert bulk(client, "\n".join([HEADER, row]), GOOD_FILES).status_code == 302
    [agreement] = registered()
    db.session.commit()
    take_mail()
    mail = run_day(date(2027, 1, 30))  # 90 days before the notice deadline of 30.4.2027
    subjects = [message.subject for message in mail.get(registrar.email, [])]
    assert subjects == [f"Notice deadline 30.4.2027: Vanha sopimus ({agreement.reference})"]


def register_one(client, row: str) -> Agreement:
    """Register one agreement through the bulk page (its row ends with notice_given_on and main_agreement);
    the agreement."""
    header = HEADER + ";notice_given_on;main_agreement"
    assert bulk(client, "\n".join([header, row]), GOOD_FILES).status_code == 302
    [agreement] = registered()
    return agreement


def test_a_registered_agreement_is_renewed_on_a_template_of_its_kind(
    client, registrar, parties, make_template_version
):
    bilateral = make_template_version(key="renewal_bilateral")
    make_template_version(key="renewal_commitment", kind="commitment")
    agreement = register_one(client, "bilateral;Vanha;0737546-2;1572860-0;1.8.2024;31.7.2027;3;ei;a.pdf;;;")
    page = client.get(f"/agreements/{agreement.id}/renew").get_data(as_text=True)
    assert bilateral.title in page and "renewal_commitment" not in page
    refused = client.post(f"/agreements/{agreement.id}/renew", data={})
    assert refused.status_code == 200 and "Choose a template." in refused.get_data(as_text=True)

    response = client.post(f"/agreements/{agreement.id}/renew", data={"template_version_id": bilateral.id})
    assert response.status_code == 302
    [draft] = agreement.renewals
    assert (draft.status, draft.template_version, draft.start_date) == (
        AgreementStatus.DRAFT,
        bilateral,
        date(2027, 8, 1),
    )
    assert {party.id for party in draft.parties} == {party.id for party in agreement.parties}


@pytest.mark.parametrize(
    ("template_kind", "kind", "reason"),
    [
        ("commitment", "bilateral", "No active template fits this agreement's kind and parties"),
        ("annex", "annex", "An annex is renewed under its main agreement"),
    ],
    ids=["no-template-of-its-kind", "annex-without-main-agreement"],
)
def test_a_registered_agreement_that_cannot_be_renewed_is_not_offered_renewal_and_says_why(
    client, registrar, parties, make_template_version, make_agreement, template_kind, kind, reason
):
    make_template_version(key="renewal_template", kind=template_kind)
    main = None
    if kind == "annex":  # a registered annex names its main agreement (which ends below)
        workshop, tredu, _takk = parties
        main = make_agreement(owner=workshop, providers=[tredu], status=AgreementStatus.SIGNED)
    row = f"{kind};Vanha;0737546-2;1572860-0;1.8.2024;31.7.2027;3;ei;a.pdf;;;{main.reference if main else ''}"
    agreement = register_one(client, row)
    if main is not None:
        main.status = AgreementStatus.CANCELLED  # the main agreement has ended: nothing to renew under
        db.session.commit()

    page = html.unescape(client.get(f"/agreements/{agreement.id}").get_data(as_text=True))
    assert "Renew the agreement" not in page and reason in page

    response = client.post(f"/agreements/{agreement.id}/renew", data={})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert f"Renew {agreement.reference}?" in page and reason in page and "Make the renewal draft" not in page
    assert agreement.renewals == []


def test_an_other_agreement_is_renewed_only_on_a_template_it_can_use(
    client, registrar, parties, make_template_version
):
    bilateral = make_template_version(key="renewal_bilateral")
    commitment = make_template_version(key="renewal_commitment", kind="commitment")
    annex = make_template_version(key="renewal_annex", kind="annex")
    other = register_one(client, "other;Vuokra;0737546-2;TAKK (Nokia);1.1.2024;31.12.2026;3;;a.pdf;;;")

    page = html.unescape(client.get(f"/agreements/{other.id}/renew").get_data(as_text=True))
    offered = {int(value) for value in re.findall(r'<option[^>]*value="(\d+)"', page)}
    assert bilateral.id in offered and not {commitment.id, annex.id} & offered
    assert "Templates of commitments to the guidelines are not offered" in page
    response = client.post(f"/agreements/{other.id}/renew", data={"template_version_id": annex.id})
    assert response.status_code == 200 and other.renewals == []

    response = client.post(f"/agreements/{other.id}/renew", data={"template_version_id": bilateral.id})
    assert response.status_code == 302
    [draft] = other.renewals
    assert draft.template_version == bilateral and draft.main_agreement is None


def test_a_registered_agreement_given_notice_is_terminated(client, registrar, parties):
    agreement = register_one(
        client, "other;Päättyvä;0737546-2;TAKK (Nokia);1.1.2024;31.12.2026;3;;a.pdf;;1.6.2026"
    )
    assert (agreement.status, agreement.kind, agreement.notice_given_on) == (
        AgreementStatus.TERMINATED,
        None,
        date(2026, 6, 1),
    )
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Notice was given on 1.6.2026" in page


def test_an_administrator_registers_for_any_workshop_and_others_may_not(client, make_user, parties):
    log_in(client, make_user(admin=True))
    assert bulk(client, "\n".join([HEADER, GOOD_ROWS[0]]), GOOD_FILES).status_code == 302
    client.post("/logout")
    log_in(client, make_user(organisation=parties[1], role=MembershipRole.EDITOR))
    assert client.get("/agreements/register").status_code == 403
    assert client.get("/agreements/register/bulk").status_code == 403


def test_the_example_file_is_read_as_it_is_downloaded(client, registrar, parties, make_organisation):
    make_organisation(
        kind=OrganisationKind.PROVIDER, name="Esimerkkiopisto", municipality="Espoo", business_id="1234567-1"
    )
    make_organisation(kind=OrganisationKind.WORKSHOP, name="Esimerkkipaja", business_id="2345678-0")
    example = client.get("/agreements/register/example.csv")
    assert example.headers["Content-Type"] == "text/csv; charset=utf-8"
    files = {
        "yhteistyosopimus-2024.pdf": pdf_bytes(),
        "yhteistyosopimus-2024.docx": docx_bytes(),
        "liite-1.pdf": pdf_bytes(2),
        "vuokra.pdf": pdf_bytes(3),
    }
    response = client.post(
        "/agreements/register/bulk",
        data={
            "csv_file": (io.BytesIO(example.data), "example.csv"),
            "zip_file": (io.BytesIO(zip_of(files)), "example.zip"),
        },
    )
    page = response.get_data(as_text=True)
    # the example's annex names a main agreement this service does not have
    assert "<td>3</td><td>main_agreement</td>" in page and "An annex names its main agreement" in page
    # the registrar edits Tampereen Työpaja only: the example's other workshop is refused, by row and column
    assert "<td>4</td><td>workshop</td>" in page
    assert "<td>2</td>" not in page


def test_a_registered_commitment_counts_as_one_but_offers_no_revising_or_joining(client, registrar, parties):
    agreement = register_one(
        client, "sitoumus;Sitoumus 2019;0737546-2;Tredu (Tampere);24.9.2019;;1;;a.pdf;;;"
    )
    assert agreement.kind == TemplateKind.COMMITMENT
    assert db.session.scalar(select(func.count(Agreement.id)).where(is_commitment())) == 1
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Revise the text" not in page and "Open for joining" not in page


def test_registered_agreements_count_on_the_dashboard(client, registrar, parties):
    rows = [
        "bilateral;Yhteistyö;0737546-2;1572860-0;1.1.2024;;3;;a.pdf;",
        "commitment;Sitoumus;0737546-2;2617416-4;1.1.2024;;3;;b.pdf;",
    ]
    assert bulk(client, "\n".join([HEADER, *rows]), GOOD_FILES).status_code == 302
    region_id = parties[0].region_id
    figures = region_figures({region_id}, helsinki_today(), utcnow())[region_id]
    # Tredu by the cooperation agreement; the workshop by both; TAKK and the workshop by the commitment
    assert (figures.workshops_in_force, figures.providers_in_force, figures.committed) == (1, 1, 2)
    assert figures.by_status[AgreementStatus.SIGNED] == 2


def test_a_registered_agreement_counts_beside_the_services_own_when_commitments_exist(
    client, registrar, parties, make_template_version, make_agreement, make_organisation
):
    """With a commitment template in use, an agreement without a template is still told apart from a
    commitment: its workshop is in force in the figure and in the list behind it, not among those without."""
    make_template_version(key="a_commitment", kind="commitment")
    workshop, tredu, _takk = parties
    other = make_organisation(kind=OrganisationKind.WORKSHOP, name="Toinen Paja", business_id="0201256-6")
    make_agreement(owner=other, providers=[tredu], status=AgreementStatus.SIGNED, start_date=date(2024, 1, 1))
    response = bulk(
        client, "\n".join([HEADER, "bilateral;Vanha;0737546-2;1572860-0;1.1.2024;;3;;a.pdf;"]), GOOD_FILES
    )
    assert response.status_code == 302, page_text(response)

    figures = region_figures({workshop.region_id}, helsinki_today(), utcnow())[workshop.region_id]
    assert (figures.workshops_in_force, figures.committed) == (2, 0)
    in_force = ORGANISATION_LISTS["workshops_in_force"][1](helsinki_today())
    without = ORGANISATION_LISTS["workshops_without"][1](helsinki_today())
    assert set(db.session.scalars(select(Organisation.name).where(in_force))) == {workshop.name, other.name}
    assert list(db.session.scalars(select(Organisation.name).where(without))) == []


def test_a_file_named_by_several_rows_is_refused_naming_the_rows(client, registrar, parties):
    # one entry named by many rows would otherwise be unpacked once per row: refused before any is read
    rows = [
        "bilateral;Ensimmäinen;0737546-2;1572860-0;1.8.2024;31.7.2027;3;ei;a.pdf;",
        "bilateral;Toinen;0737546-2;1572860-0;1.8.2024;31.7.2027;3;ei;b.pdf;",
        "bilateral;Kolmas;0737546-2;1572860-0;1.8.2024;31.7.2027;3;ei;a.pdf;",
        "bilateral;Neljäs;0737546-2;1572860-0;1.8.2024;31.7.2027;3;ei;a.pdf;",
    ]
    page = bulk(client, "\n".join([HEADER, *rows]), GOOD_FILES).get_data(as_text=True)
    assert "Nothing was registered" in page
    for row in (2, 4, 5):
        assert f"<td>{row}</td><td>pdf</td>" in page
    assert "<td>3</td>" not in page
    assert "a.pdf” is named more than once (rows 2, 4, 5)" in page
    assert registered() == []


def test_the_same_pdf_is_not_registered_twice(client, registrar, parties):
    workshop, tredu, _takk = parties
    assert bulk(client, "\n".join([HEADER, *GOOD_ROWS]), GOOD_FILES).status_code == 302
    first = min(registered(), key=lambda agreement: agreement.id)

    # the same upload again: every row is refused, naming the agreement already registered
    page = bulk(client, "\n".join([HEADER, *GOOD_ROWS]), GOOD_FILES).get_data(as_text=True)
    assert "<td>2</td><td>pdf</td>" in page and "<td>3</td><td>pdf</td>" in page
    assert f"This PDF is already registered as agreement {first.reference}." in page
    # by hand too, on the PDF field
    response = by_hand(client, workshop, party_ids=[tredu.id], signed_pdf=(io.BytesIO(pdf_bytes()), "x.pdf"))
    page = response.get_data(as_text=True)
    assert 'id="signed_pdf-error"' in page and f"already registered as agreement {first.reference}" in page
    assert len(registered()) == 2


def test_two_rows_with_the_same_pdf_content_are_refused(client, registrar, parties):
    rows = [
        "bilateral;Ensimmäinen;0737546-2;1572860-0;1.8.2024;31.7.2027;3;ei;a.pdf;",
        "bilateral;Toinen;0737546-2;1572860-0;1.8.2024;31.7.2027;3;ei;copy.pdf;",
    ]
    files = {"a.pdf": pdf_bytes(), "copy.pdf": pdf_bytes()}
    page = bulk(client, "\n".join([HEADER, *rows]), files).get_data(as_text=True)
    assert "<td>3</td><td>pdf</td>" in page and "The PDF is the same as on row 2" in page
    assert "<td>2</td>" not in page
    assert registered() == []


def test_another_workshop_may_register_the_same_pdf(client, make_user, make_organisation, parties):
    workshop = parties[0]
    other = make_organisation(kind=OrganisationKind.WORKSHOP, name="Toinen paja", business_id="1234567-1")
    log_in(client, make_user(admin=True))
    assert bulk(client, "\n".join([HEADER, GOOD_ROWS[0]]), GOOD_FILES).status_code == 302
    row = GOOD_ROWS[0].replace(";0737546-2;", ";1234567-1;")
    assert bulk(client, "\n".join([HEADER, row]), GOOD_FILES).status_code == 302
    assert {agreement.owner_id for agreement in registered()} == {workshop.id, other.id}


def test_the_bulk_page_takes_more_than_other_forms_and_says_its_limits(app, client, registrar, parties):
    page = client.get("/agreements/register/bulk").get_data(as_text=True)
    assert "together at most 200 MB; each PDF and .docx at most 10 MB" in page
    # a ZIP larger than other forms take (MAX_CONTENT_LENGTH) reaches the check of its rows
    filler = {f"{n}.bin": bytes(range(256)) * 4096 * 17 for n in range(1)}  # 17 MB, stored as is
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in {**GOOD_FILES, **filler}.items():
            archive.writestr(name, data)
    assert len(buffer.getvalue()) > app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/agreements/register/bulk",
        data={
            "csv_file": (io.BytesIO("\n".join([HEADER, *GOOD_ROWS]).encode()), "x.csv"),
            "zip_file": (io.BytesIO(buffer.getvalue()), "x.zip"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert len(registered()) == 2


def test_a_bulk_upload_over_its_limit_is_told_the_limit(app, client, registrar, parties, monkeypatch):
    monkeypatch.setitem(app.config, "BULK_REGISTRATION_MAX_BYTES", 1024 * 1024)
    response = client.post(
        "/agreements/register/bulk",
        data={
            "csv_file": (io.BytesIO("\n".join([HEADER, *GOOD_ROWS]).encode()), "x.csv"),
            "zip_file": (io.BytesIO(bytes(2 * 1024 * 1024)), "x.zip"),
        },
        headers={"Referer": "http://localhost/agreements/register/bulk"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "at most 1 MB of files together" in page
    assert 'href="/agreements/register/bulk"' in page  # back to the form


MAIN_ROW = "bilateral;Pääsopimus;0737546-2;1572860-0;1.8.2024;31.7.2030;3;ei;a.pdf;"
ANNEX_HEADER = HEADER + ";main_agreement"


def test_a_registered_annex_names_its_main_agreement_by_hand_and_ends_with_it(client, registrar, parties):
    workshop, tredu, _takk = parties
    main = register_one(client, MAIN_ROW + ";")
    page = client.get("/agreements/register").get_data(as_text=True)
    assert f"{main.reference} Pääsopimus" in page and "Only for an annex" in page

    annex_fields = {"agreement_kind": "annex", "title": "Korvausliite", "party_ids": [tredu.id]}
    refused = by_hand(client, workshop, **annex_fields, signed_pdf=(io.BytesIO(pdf_bytes(2)), "liite.pdf"))
    page = refused.get_data(as_text=True)
    assert 'id="main_agreement_id-error"' in page and "Choose the main agreement" in page
    refused = by_hand(
        client,
        workshop,
        party_ids=[tredu.id],
        main_agreement_id=main.id,
        signed_pdf=(io.BytesIO(pdf_bytes(2)), "muu.pdf"),
    )
    assert "Only an annex belongs to a main agreement." in refused.get_data(as_text=True)

    response = by_hand(
        client,
        workshop,
        **annex_fields,
        main_agreement_id=main.id,
        signed_pdf=(io.BytesIO(pdf_bytes(2)), "liite.pdf"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    annex = max(registered(), key=lambda agreement: agreement.id)
    assert (annex.kind, annex.main_agreement) == (TemplateKind.ANNEX, main)
    annex_page = page_text(client.get(f"/agreements/{annex.id}"))
    assert "Annex to" in annex_page and f"{main.reference} Pääsopimus</a>" in annex_page

    # ending the main agreement ends the annex with it
    given = client.post(
        f"/agreements/{main.id}/notice",
        data={"given_by": workshop.id, "given_on": helsinki_today().isoformat()},
    )
    assert given.status_code == 302
    db.session.refresh(annex)
    assert annex.status == AgreementStatus.TERMINATED


def test_a_main_agreement_of_another_workshop_cannot_be_chosen(client, make_user, make_organisation, parties):
    workshop, tredu, _takk = parties
    other = make_organisation(kind=OrganisationKind.WORKSHOP, name="Toinen paja", business_id="1234567-1")
    log_in(client, make_user(admin=True))
    elsewhere = register_one(client, MAIN_ROW.replace(";0737546-2;", ";1234567-1;") + ";")
    assert elsewhere.owner == other
    response = by_hand(
        client,
        workshop,
        agreement_kind="annex",
        party_ids=[tredu.id],
        main_agreement_id=elsewhere.id,
        signed_pdf=(io.BytesIO(pdf_bytes(2)), "liite.pdf"),
    )
    page = response.get_data(as_text=True)
    assert 'id="main_agreement_id-error"' in page
    assert [agreement.id for agreement in registered()] == [elsewhere.id]


def test_a_bulk_annex_names_its_main_agreement_by_reference(client, make_user, make_organisation, parties):
    other = make_organisation(kind=OrganisationKind.WORKSHOP, name="Toinen paja", business_id="1234567-1")
    log_in(client, make_user(admin=True))
    assert bulk(client, "\n".join([HEADER, MAIN_ROW]), GOOD_FILES).status_code == 302
    [main] = registered()
    their_row = MAIN_ROW.replace(";0737546-2;", ";1234567-1;").replace("a.pdf", "b.pdf")
    assert bulk(client, "\n".join([HEADER, their_row]), GOOD_FILES).status_code == 302
    elsewhere = next(agreement for agreement in registered() if agreement.owner == other)

    annex = "annex;Liite;0737546-2;1572860-0;1.1.2025;31.7.2027;3;ei;{pdf};;{main}"
    rows = [
        annex.format(pdf="c.pdf", main=""),  # an annex must name one
        annex.format(pdf="d.pdf", main=elsewhere.reference),  # another workshop's
        annex.format(pdf="e.pdf", main="SOP-1999-0001"),  # no such agreement
        MAIN_ROW.replace("a.pdf", "f.pdf") + f";{main.reference}",  # not an annex
    ]
    files = {f"{name}.pdf": pdf_bytes(pages) for pages, name in enumerate("cdef", start=2)}
    page = bulk(client, "\n".join([ANNEX_HEADER, *rows]), files).get_data(as_text=True)
    for row in (2, 3, 4):
        assert f"<td>{row}</td><td>main_agreement</td><td>An annex names its main agreement" in page
    assert "<td>5</td><td>main_agreement</td><td>Only an annex belongs to a main agreement." in page

    good = annex.format(pdf="c.pdf", main=main.reference.lower())
    assert bulk(client, "\n".join([ANNEX_HEADER, good]), files).status_code == 302
    [registered_annex] = [agreement for agreement in registered() if agreement.kind == TemplateKind.ANNEX]
    assert registered_annex.main_agreement == main
