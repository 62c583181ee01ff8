"""Version history, earlier versions' documents and the comparison of two versions in the browser."""

import re
from datetime import date

import pytest

from agreements.accounts.models import MembershipRole, UILanguage
from agreements.core.timeutil import HELSINKI
from agreements.drafting.operations import HEADER_FIELDS, save_version
from agreements.extensions import db
from agreements.organisations.models import Organisation

DUTIES_V2 = "Perehdytys & työturvallisuus <script>alert(1)</script>\nToinen rivi, lyhyempi"


def save(agreement, actor, change_note: str = "", values: dict | None = None, **header):
    """Save the next version through the drafting operation, changing only what is given."""
    latest = agreement.latest_version
    others = [db.session.get(Organisation, party_id) for party_id in latest.party_ids[1:]]
    version = save_version(
        agreement,
        agreement.current_version_number,
        **{name: header.get(name, getattr(latest, name)) for name in HEADER_FIELDS},
        parties=header.get("parties", others),
        values={**latest.values, **(values or {})},
        change_note=change_note,
        actor=actor,
    )
    db.session.commit()
    return version


@pytest.fixture
def edited(agreement, editor):
    """The agreement with a second version: new instructor, duties, places, a row, title and end date."""
    units = [*agreement.latest_version.values["units"], {"name": "Kokin ammattitutkinto", "students": 1}]
    save(
        agreement,
        editor,
        "Tarkennettu tehtävät",
        values={"instructor": "Matti Ohjaaja", "duties": DUTIES_V2, "places": 4, "units": units},
        title="Yhteistyösopimus työelämässä oppimisesta 2026–2027",
        end_date=date(2027, 12, 31),
    )
    return agreement


def test_history_lists_versions_newest_first_with_who_when_and_why(client, login, edited, editor):
    login(client, editor)

    page = client.get(f"/agreements/{edited.id}/history").get_data(as_text=True)

    rows = re.findall(
        r"<tr>\s*<td><a [^>]*>Version (\d)</a></td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>"
        r"\s*<td>([^<]*)</td>",
        page,
    )
    saved = [version.created_at.astimezone(HELSINKI) for version in reversed(edited.versions)]
    assert rows == [
        ("2", "Eeva Editori", f"{saved[0]:%-d.%-m.%Y %H.%M}", "Tarkennettu tehtävät"),
        ("1", "Eeva Editori", f"{saved[1]:%-d.%-m.%Y %H.%M}", "No note"),
    ]
    assert re.search(r'name="from" value="1"\s+id="from-1" checked', page)
    assert re.search(r'name="to" value="2"\s+id="to-2" checked', page)
    assert f'action="/agreements/{edited.id}/compare"' in page


def test_history_of_a_single_version_says_there_is_nothing_to_compare(client, login, agreement, editor):
    login(client, editor)

    page = client.get(f"/agreements/{agreement.id}/history").get_data(as_text=True)

    assert "There is only one version, so there is nothing to compare yet." in page
    assert 'type="radio"' not in page


def test_earlier_versions_keep_their_own_document(client, login, edited, editor):
    login(client, editor)

    old = client.get(f"/agreements/{edited.id}/preview?version=1").get_data(as_text=True)
    new = client.get(f"/agreements/{edited.id}/preview").get_data(as_text=True)

    assert "Instructor: Maija Ohjaaja" in old
    assert "This is an earlier version. The latest is version 2." in old
    assert "Instructor: Matti Ohjaaja" in new
    assert "Kokin ammattitutkinto / 1" in new and "Kokin ammattitutkinto" not in old
    assert "earlier version" not in new


def _value_rows(page: str) -> dict[str, tuple[str, str]]:
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]*)</td><td>([^<]*)</td></tr>', page)
    return {name: (old, new) for name, old, new in rows}


def test_compare_shows_only_the_changed_fields_old_and_new(client, login, edited, editor):
    login(client, editor)

    page = client.get(f"/agreements/{edited.id}/compare?from=1&to=2").get_data(as_text=True)

    assert _value_rows(page) == {
        "End date": ("31.7.2027", "31.12.2027"),
        "Instructor": ("Maija Ohjaaja", "Matti Ohjaaja"),
        "Places": ("3", "4"),
        "Units, row 2": ("(no row)", "Unit: Kokin ammattitutkinto; Students: 1"),
    }
    headings = re.findall(r'<h2 id="changes-(\w+)"', page)
    assert headings == ["agreement", "basics", "details"]
    assert '<h3 class="h5">Duties</h3>' in page and '<h3 class="h5">Title</h3>' in page
    for unchanged in ("Billing", "Fee", "Insured", "First day", "Start date", "Parties", "Notice period"):
        assert unchanged not in page


def wdiff(html: str) -> str:
    """A redline in wdiff notation: [-removed-] and {+added+}, checking the screen-reader words on the way."""
    html = re.sub(r'<del [^>]*><span class="visually-hidden">removed: </span>(.*?)</del>', r"[-\1-]", html)
    return re.sub(r'<ins [^>]*><span class="visually-hidden">added: </span>(.*?)</ins>', r"{+\1+}", html)


def _redlines(page: str) -> dict[str, str]:
    found = re.findall(
        r'<h3 class="h5">([^<]+)</h3>\s*<p class="redline[^"]*" lang="fi">(.*?)</p>', page, re.S
    )
    return {name: wdiff(html) for name, html in found}


def test_compare_redlines_long_texts_word_by_word_with_escaped_markup(client, login, edited, editor):
    login(client, editor)

    page = client.get(f"/agreements/{edited.id}/compare").get_data(as_text=True)

    assert "Changes from version 1 to version 2" in page
    assert _redlines(page) == {
        "Title": "Yhteistyösopimus työelämässä oppimisesta{+ 2026–2027+}",
        "Duties": "Perehdytys &amp; työturvallisuus &lt;[-tärkeä-]{+script&gt;alert(1)&lt;/script+}&gt;"
        "<br>Toinen rivi{+, lyhyempi+}",
    }
    assert "<script>alert" not in page


def test_compare_labels_follow_the_interface_language(client, login, edited, make_user):
    reader = make_user(organisation=edited.owner, role=MembershipRole.VIEWER, locale=UILanguage.SV)
    login(client, reader)

    page = client.get(f"/agreements/{edited.id}/compare").get_data(as_text=True)

    assert "Instructor (sv)" in _value_rows(page)
    assert '<h2 id="changes-basics" class="h4">1 Grunduppgifter</h2>' in page


def test_versions_are_compared_oldest_first_whichever_way_they_are_picked(client, login, edited, editor):
    login(client, editor)

    page = client.get(f"/agreements/{edited.id}/compare?from=2&to=1").get_data(as_text=True)

    assert "Changes from version 1 to version 2" in page
    assert _value_rows(page)["Places"] == ("3", "4")


def test_comparing_a_version_with_itself_says_so(client, login, edited, editor):
    login(client, editor)

    page = client.get(f"/agreements/{edited.id}/compare?from=2&to=2").get_data(as_text=True)

    assert "You chose the same version twice." in page
    assert "<del" not in page and not _value_rows(page)


def test_comparing_a_missing_version_is_404(client, login, edited, editor):
    login(client, editor)

    assert client.get(f"/agreements/{edited.id}/compare?from=1&to=9").status_code == 404
