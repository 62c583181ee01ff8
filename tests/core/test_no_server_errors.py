"""No request a client can send answers 500: each case once found to crash is answered with 400, 404 or a
form error instead, and changes nothing; and one agreement's stored dates, however far off, break no page.

Runs on SQLite and on PostgreSQL (whose int4 and int8 overflow where SQLite's integers do not).
"""

import io
import json
import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from agreements.accounts.models import Membership, MembershipRole, User
from agreements.accounts.tokens import TokenPurpose, make_token
from agreements.dashboard.lists import AGREEMENT_LISTS, ORGANISATION_LISTS
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.extensions import db
from agreements.reminders.calendar import feed_url
from agreements.templates_lib.models import TemplateVersion
from tests.support.demo import count
from tests.support.pages import form_values, page_text
from tests.support.reminders import run_day
from tests.support.template_package import manifest, package, upload_data

BEYOND_64_BITS = str(2**64 + 1)
BEYOND_32_BITS = str(2**31)


# POST /agreements/new


def new_agreement_data(client, template_version, workshop, provider) -> dict:
    """A complete new-agreement form as the page gives it, with the required fields filled in."""
    start = f"/agreements/new?template_version_id={template_version.id}&language=fi&owner_id={workshop.id}"
    data = form_values(client.get(start))
    data.update(
        {
            "title": "Yhteistyösopimus",
            "start_date": "1.8.2026",
            "end_date": "2027-07-31",
            "party_ids": [str(provider.id)],
            "field-instructor": "Maija",
            "field-duties": "Perehdytys",
            "field-billing": "yearly",
        }
    )
    return data


def test_the_complete_new_agreement_form_is_saved(editor_client, template_version, workshop, provider):
    """The baseline of the cases below: the same data unchanged makes an agreement."""
    data = new_agreement_data(editor_client, template_version, workshop, provider)
    assert editor_client.post("/agreements/new", data=data).status_code == 302
    assert count(Agreement) == 1


@pytest.mark.parametrize(
    "change, says",
    [
        ({"template_version_id": "abc"}, "Choose a template."),  # KeyError in StartForm.chosen
        ({"template_version_id": BEYOND_64_BITS}, "Choose a template."),
        ({"owner_id": "abc"}, "Choose the template and the language"),  # the first step again
        ({"party_ids": "abc"}, "Choose the parties from the list."),  # TypeError in validate_party_ids
        ({"party_ids": BEYOND_64_BITS}, "Choose the parties from the list."),
        ({"field-fee": "sNaN"}, "Enter an amount in euros, e.g. 120,50."),  # ValueError in NumberRange
        ({"field-fee": "NaN"}, "Enter an amount in euros, e.g. 120,50."),
        ({"field-fee": "-Infinity"}, "Enter an amount in euros, e.g. 120,50."),
        ({"field-fee": "1e999999"}, "Enter an amount in euros, e.g. 120,50."),
        ({"field-places": BEYOND_64_BITS}, "Enter a number from 1 to 50."),
        ({"notice_period_months": BEYOND_64_BITS}, "Enter a number of months from 0 to 24."),
        ({"start_date": "0001-01-01"}, "Enter a date in the years 2000–2100."),
        ({"start_date": "31.12.1999"}, "Enter a date in the years 2000–2100."),
        ({"end_date": "9999-12-31"}, "Enter a date in the years 2000–2100."),
        ({"end_date": "1.1.2101"}, "Enter a date in the years 2000–2100."),
        ({"field-first_day": "0001-01-01"}, "Enter a date in the years 2000–2100."),
        ({"start_date": "2026-02-30"}, "Enter a date, e.g. 31.12.2026."),
    ],
    ids=lambda value: str(value)[:30],
)
def test_a_new_agreement_with_a_bad_value_is_refused_with_a_message(
    editor_client, template_version, workshop, provider, change, says
):
    data = {**new_agreement_data(editor_client, template_version, workshop, provider), **change}

    response = editor_client.post("/agreements/new", data=data)

    assert response.status_code == 200
    assert says in page_text(response)
    assert count(Agreement) == 0


# A file part sent for a text field: len(FileStorage) in Length, on some 25 forms


def file_part():
    return (io.BytesIO(b"not text"), "text.txt")


def post_multipart(client, path: str, data: dict):
    return client.post(path, data=data, content_type="multipart/form-data")


@pytest.mark.parametrize(
    "path, field",
    [("/login", "email"), ("/login", "password"), ("/login", "next"), ("/password/forgot", "email")],
)
def test_a_file_sent_for_a_text_field_counts_as_missing(client, path, field):
    data = {"email": "someone@example.fi", "password": "salasana", field: file_part()}

    response = post_multipart(client, path, data)

    assert response.status_code == 200
    assert "This field is required." in page_text(response) or field == "next"


def test_a_file_sent_for_the_invitations_password_is_refused(client, make_user):
    invited = make_user(password_hash=None)
    path = f"/invitation/{make_token(invited, TokenPurpose.INVITATION)}"

    response = post_multipart(client, path, {"password": file_part(), "confirm": file_part()})

    assert response.status_code == 200
    assert db.session.get(User, invited.id).password_hash is None


def test_a_file_sent_for_a_text_field_beside_a_file_field_is_refused(admin_client):
    """The upload form's file fields still read their files; a file for the CSRF token is no token."""
    data = upload_data()
    data["csrf_token"] = file_part()
    response = admin_client.post("/admin/templates/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert count(TemplateVersion) == 0
    assert post_multipart(admin_client, "/admin/templates/upload", upload_data()).status_code == 302


def test_a_json_body_is_no_form_data(client):
    token = client.csrf_token()
    for body in ('{"email": 5, "password": ["a"]}', "[1, 2]", '"text"'):
        response = client.post(
            "/login", data=body, content_type="application/json", headers={"X-CSRFToken": token}, csrf=False
        )
        assert response.status_code == 200, body


# Page numbers and ids past the database's integers


LISTS = [
    "/agreements/",
    "/rounds/",
    "/organisations/",
    "/networks/",
    "/notifications/",
    "/admin/users/",
    "/admin/mail/",
    "/admin/templates/",
    "/dashboard/list/workshops",
    "/dashboard/list/agreements",
]


@pytest.mark.parametrize("page", ["0", "-1", BEYOND_64_BITS, "-" + BEYOND_64_BITS, "1e3", "9" * 5000])
def test_any_page_number_on_every_list_answers_a_page(admin_client, page):
    for path in LISTS:
        response = admin_client.get(f"{path}?page={page}")
        assert response.status_code in (200, 404), path  # 404: a list that does not exist


@pytest.mark.parametrize("value", [BEYOND_32_BITS, BEYOND_64_BITS, "-" + BEYOND_64_BITS])
def test_ids_past_the_database_integers_in_filters_are_ignored(admin_client, value):
    for query in ("organisation", "party", "template", "status", "role"):
        for path in ("/agreements/", "/admin/users/", "/rounds/"):
            assert admin_client.get(f"{path}?{query}={value}").status_code == 200, (path, query)
    for query in ("network", "region"):  # the dashboard of a network or region that does not exist
        assert admin_client.get(f"/dashboard/?{query}={value}").status_code == 404


_INT_PART = re.compile(r"<int:[a-z_]+>")
_OTHER_PART = re.compile(r"<(?:any\(([a-z]+)[^)]*\)|[a-z]+):[a-z_]+>")


def addresses_with_ids(app, number: str) -> list[tuple[str, str]]:
    """Every route of the app that takes an int in its path, with ``number`` there: (method, path)."""
    found = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        path = _INT_PART.sub(number, rule.rule)
        path = _OTHER_PART.sub(lambda match: match.group(1) or "csv", path)
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


@pytest.mark.parametrize("number", [BEYOND_32_BITS, BEYOND_64_BITS, "0"])
def test_an_id_in_an_address_past_the_database_integers_answers_404(app, admin_client, agreement, number):
    addresses = addresses_with_ids(app, number)
    assert len(addresses) > 60
    for method, path in addresses:
        response = admin_client.open(path, method=method, data={"csrf_token": admin_client.csrf_token()})
        assert response.status_code == 404, (method, path)


def test_a_version_number_past_the_database_integers_answers_404(editor_client, agreement):
    for path in (
        f"/agreements/{agreement.id}/versions/{BEYOND_64_BITS}.docx",
        f"/agreements/{agreement.id}/compare?from={BEYOND_64_BITS}",
        f"/agreements/{agreement.id}/compare?to={BEYOND_32_BITS}",
        f"/agreements/{agreement.id}/preview?version={BEYOND_64_BITS}",
    ):
        assert editor_client.get(path).status_code == 404, path


# Administrator forms


def test_a_membership_with_an_unknown_role_or_organisation_is_refused(admin_client, make_user, workshop):
    user = make_user()
    memberships = count(Membership)
    for data in (
        {"organisation": workshop.id, "role": "emperor"},  # LookupError comparing the enum column
        {"organisation": BEYOND_32_BITS, "role": "editor"},  # int4 overflow on PostgreSQL
        {"organisation": BEYOND_64_BITS, "role": "editor"},
        {"organisation": "abc", "role": "editor"},
    ):
        response = admin_client.post(f"/admin/users/{user.id}/memberships", data=data)
        assert response.status_code == 200, data
    assert count(Membership) == memberships


@pytest.mark.parametrize(
    "old, new",
    [
        ('"Test agreement"', '"\\ud800"'),  # UnicodeEncodeError rendering the page or storing the JSON
        ('"Test agreement"', '"Test \\udfff agreement"'),
        ('"max": 50', '"max": NaN'),  # decimal.InvalidOperation; PostgreSQL's JSON has no NaN
        ('"max": 50', '"max": Infinity'),
        ('"min": 1', '"min": -Infinity'),
        ('"max": 50', '"max": 1e400'),
        ('"version": 1', '"version": NaN'),
    ],
)
def test_a_manifest_with_a_lone_surrogate_or_a_non_number_is_refused(admin_client, old, new):
    _manifest, documents = package()
    raw = json.dumps(manifest()).replace(old, new, 1).encode()
    assert new in raw.decode()

    response = post_multipart(admin_client, "/admin/templates/upload", upload_data(raw, documents))

    assert response.status_code == 200
    assert "The manifest is not valid JSON" in page_text(response)
    assert count(TemplateVersion) == 0


# Stored dates far outside the service's years break no page of another agreement


@pytest.fixture
def far_off(make_agreement, workshop, provider, editor):
    """Signed agreements of the workshop whose stored dates are the calendar's ends, and a normal one."""
    make = lambda start, end, **more: make_agreement(  # noqa: E731
        owner=workshop,
        providers=[provider],
        status=AgreementStatus.SIGNED,
        created_by=editor,
        **more,
        start_date=start,
        end_date=end,
    )
    return [
        make(date(1, 1, 1), date(9999, 12, 31)),
        make(date(1, 1, 1), date(1, 1, 1), auto_renew=True),
        make(date(9999, 12, 31), date(9999, 12, 31), notice_period_months=120),
        make(date(2026, 8, 1), date(2100, 12, 31)),
        make(date(2026, 8, 1), date(2027, 7, 31), title="Tavallinen sopimus"),
    ]


def test_the_calendar_feed_survives_any_stored_date(client, far_off, editor, make_user, provider):
    for user in (editor, make_user(organisation=provider, role=MembershipRole.SIGNATORY)):
        response = client.get(urlsplit(feed_url(user)).path)
        assert response.status_code == 200
        assert "Tavallinen sopimus" in response.get_data(as_text=True)


def test_pages_and_renewal_survive_any_stored_date(editor_client, far_off):
    for path in ("/", "/agreements/", "/agreements/?validity=expired", "/agreements/export.csv"):
        assert editor_client.get(path).status_code == 200, path
    for agreement in far_off[:4]:
        assert editor_client.get(f"/agreements/{agreement.id}").status_code == 200
        response = editor_client.get(f"/agreements/{agreement.id}/renew")
        assert response.status_code == 409
        assert "falls outside the years 2000–2100" in page_text(response)
        assert editor_client.post(f"/agreements/{agreement.id}/renew").status_code == 409
    normal = far_off[-1]
    assert editor_client.post(f"/agreements/{normal.id}/renew").status_code == 302


def test_the_days_work_survives_any_stored_date(far_off):
    run_day(date(2026, 12, 7))
    run_day(date(2027, 7, 31))


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "20261207"])
def test_any_day_of_a_dashboard_list_answers(admin_client, far_off, day):
    figures = [*ORGANISATION_LISTS, *AGREEMENT_LISTS, "open_rounds", "awaiting_signature"]
    for figure in figures:
        response = admin_client.get(f"/dashboard/list/{figure}?on={day}")
        assert response.status_code in (200, 404), (figure, day)
