"""The agreements list: what each role sees, filters, search, validity, pagination and empty states."""

import html
import re
from datetime import timedelta

import pytest

from agreements.accounts.models import Membership, MembershipRole, UILanguage
from agreements.core.timeutil import helsinki_today
from agreements.drafting.models import VALIDITY_STATUSES, AgreementStatus
from agreements.extensions import db
from tests.support.client import log_in
from tests.support.database import counted_statements
from tests.support.factories import PROVIDER, WORKSHOP

TODAY = helsinki_today()
DAY = timedelta(days=1)
SIGNED = AgreementStatus.SIGNED
#: Statuses in which an agreement has no validity: never upcoming, in force or expired, whatever its dates.
WITHOUT_VALIDITY = [status for status in AgreementStatus if status not in VALIDITY_STATUSES]


def titles_on(response) -> list[str]:
    """Agreement titles in the list, in order."""
    return re.findall(r'href="/agreements/\d+">([^<]+)</a>', response.get_data(as_text=True))


@pytest.fixture
def world(make_organisation, make_agreement, template_version, make_template_version, workshop, provider):
    """Agreements of ``workshop`` and of a workshop in Uusimaa, with various statuses, dates and templates.

    "Voimassa oleva" is a draft whose dates cover today: being a draft, it is not in force."""
    helsinki = make_organisation(
        kind=WORKSHOP, region_code="01", name="Helsingin Paja", municipality="Helsinki"
    )
    stadin = make_organisation(
        kind=PROVIDER, region_code="01", name="Stadin ammattiopisto", municipality="Helsinki"
    )
    commitment = make_template_version(key="test_commitment", kind="commitment")

    def agreement(title, owner=workshop, providers=(provider,), version=template_version, **fields):
        return make_agreement(
            owner=owner, providers=providers, template_version=version, title=title, **fields
        )

    return {
        "current": agreement("Voimassa oleva", start_date=TODAY - 30 * DAY, end_date=TODAY + 30 * DAY),
        "upcoming": agreement("Tuleva", status=SIGNED, start_date=TODAY + DAY, end_date=TODAY + 400 * DAY),
        "expired": agreement("Päättynyt", status=SIGNED, start_date=TODAY - 400 * DAY, end_date=TODAY - DAY),
        "open": agreement(
            "Toistaiseksi", status=SIGNED, start_date=TODAY - 10 * DAY, end_date=None, version=commitment
        ),
        "helsinki": agreement(
            "Helsingin sopimus",
            owner=helsinki,
            providers=(stadin,),
            status=SIGNED,
            start_date=TODAY,
            end_date=TODAY,
        ),
    }


@pytest.fixture
def editor_list(editor_client, world):
    return lambda **args: titles_on(editor_client.get("/agreements/", query_string=args))


def test_members_see_their_organisations_agreements(editor_list):
    assert sorted(editor_list()) == ["Päättynyt", "Toistaiseksi", "Tuleva", "Voimassa oleva"]


def test_provider_members_see_the_agreements_they_are_party_to(client, make_user, provider, world):
    log_in(client, make_user(organisation=provider, role=MembershipRole.VIEWER))
    assert "Helsingin sopimus" not in titles_on(client.get("/agreements/"))
    assert len(titles_on(client.get("/agreements/"))) == 4


def test_coordinators_see_agreements_with_a_party_in_their_regions(client, make_user, make_network, world):
    log_in(client, make_user(networks=[make_network(region_codes=("01",))]))
    assert titles_on(client.get("/agreements/")) == ["Helsingin sopimus"]


def test_administrators_see_every_agreement(client, make_user, world):
    log_in(client, make_user(admin=True))
    assert len(titles_on(client.get("/agreements/"))) == 5


def test_each_row_shows_its_own_parties(client, make_user, world, workshop, provider):
    log_in(client, make_user(admin=True))
    page = client.get("/agreements/").get_data(as_text=True)

    rows = dict(re.findall(r'href="/agreements/\d+">([^<]+)</a></td>\s*<td>([^<]*)</td>', page))
    ours = ", ".join(sorted([workshop.name, provider.name]))
    assert rows["Helsingin sopimus"] == "Helsingin Paja, Stadin ammattiopisto"
    assert rows["Voimassa oleva"] == rows["Tuleva"] == ours


def test_the_newest_change_comes_first(editor_list, world):
    world["upcoming"].title = "Tuleva, muutettu"
    db.session.commit()
    assert editor_list()[0] == "Tuleva, muutettu"


def test_a_party_is_found_by_a_part_of_its_name(editor_list):
    assert sorted(editor_list(party_name="TREDU")) == [
        "Päättynyt",
        "Toistaiseksi",
        "Tuleva",
        "Voimassa oleva",
    ]
    assert editor_list(party_name="%") == []  # wildcards are literal


def test_the_party_filter_is_a_labelled_search_field_not_a_list_of_parties(editor_client, world):
    page = editor_client.get("/agreements/").get_data(as_text=True)
    assert re.search(r'<label[^>]*for="party_name"[^>]*>\s*Party', page)
    assert re.search(
        r'<input[^>]*name="party_name"[^>]*type="text"|<input[^>]*type="text"[^>]*name="party_name"', page
    )
    assert "Tredu (Tampere)" not in page  # no party is listed to choose from


@pytest.mark.parametrize(
    ("validity", "expected"),
    [
        ("upcoming", ["Tuleva"]),
        ("in_force", ["Toistaiseksi"]),  # not the draft "Voimassa oleva", though its dates cover today
        ("expired", ["Päättynyt"]),
        ("open_ended", ["Toistaiseksi"]),
    ],
)
def test_filter_by_validity_on_todays_date_in_helsinki(editor_list, validity, expected):
    assert sorted(editor_list(validity=validity)) == expected


def test_an_agreement_ending_today_is_still_in_force(client, make_user, world):
    log_in(client, make_user(admin=True))
    assert "Helsingin sopimus" in titles_on(client.get("/agreements/?validity=in_force"))
    assert "Helsingin sopimus" not in titles_on(client.get("/agreements/?validity=expired"))


def test_filter_by_status(editor_list):
    assert sorted(editor_list(status="signed")) == ["Päättynyt", "Toistaiseksi", "Tuleva"]
    assert editor_list(status="draft") == ["Voimassa oleva"]


def test_filter_by_template(editor_list, world):
    template_id = world["open"].template_version.template_id
    assert editor_list(template=template_id) == ["Toistaiseksi"]


def test_filter_by_party(client, make_user, world):
    log_in(client, make_user(admin=True))
    party = world["helsinki"].owner
    assert titles_on(client.get(f"/agreements/?party={party.id}")) == ["Helsingin sopimus"]


def test_a_party_search_finds_only_visible_agreements(editor_list, editor_client, world):
    assert editor_list(party_name="Stadin") == []  # the party of an agreement the editor may not read
    page = editor_client.get("/agreements/?party_name=Stadin").get_data(as_text=True)
    assert (
        "No agreements match your search." in page and "Stadin ammattiopisto" not in page.split("</form>")[1]
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tuleva", ["Tuleva"]),  # title, any case
        ("tredu", ["Päättynyt", "Toistaiseksi", "Tuleva", "Voimassa oleva"]),  # a party's name
        ("SOP-2026", ["Päättynyt", "Toistaiseksi", "Tuleva", "Voimassa oleva"]),  # reference
        ("%", []),  # wildcards are literal
    ],
)
def test_search_by_title_reference_and_party_name(editor_list, query, expected):
    assert sorted(editor_list(q=query)) == expected


def test_search_by_a_whole_reference(editor_list, world):
    assert editor_list(q=world["upcoming"].reference) == ["Tuleva"]


def test_a_search_without_results_says_so(editor_client, world):
    page = editor_client.get("/agreements/?q=eiloydy").get_data(as_text=True)
    assert "No agreements match your search." in page


def test_without_agreements_the_list_says_so_and_offers_to_create(editor_client):
    page = editor_client.get("/agreements/").get_data(as_text=True)
    assert "There are no agreements for you to see yet." in page
    assert 'href="/agreements/new"' in page


def test_a_bad_filter_value_is_ignored(editor_list):
    assert len(editor_list(status="nonsense", validity="someday", party="x")) == 4


def pager_links(response) -> dict[str, str]:
    """The list's page links by their text: First page, Previous, Next, Last page (those enabled)."""
    found = re.findall(r'<a class="page-link" href="([^"]+)">([^<]+)</a>', response.get_data(as_text=True))
    return {text: html.unescape(href) for href, text in found}


def test_pages(app, editor_list, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    first, second = editor_list(page=1), editor_list(page=2)
    assert len(first) == 3 and len(second) == 1
    assert not set(first) & set(second)


def test_next_and_previous_pages_walk_the_whole_list_in_order(
    app, client, make_user, make_agreement, world, monkeypatch
):
    for number in range(6):
        make_agreement(title=f"Lisäsopimus {number}")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    log_in(client, make_user(admin=True))
    first_page = titles_on(client.get("/agreements/"))
    monkeypatch.setitem(app.config, "PAGE_SIZE", 100)
    whole = titles_on(client.get("/agreements/"))
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    assert len(whole) == 11 and first_page == whole[:2]

    pages, address = [], "/agreements/"
    while address:
        response = client.get(address)
        pages.append(titles_on(response))
        address = pager_links(response).get("Next")
    assert [title for page in pages for title in page] == whole
    assert [len(page) for page in pages] == [2, 2, 2, 2, 2, 1]

    backwards, address = [], pager_links(client.get("/agreements/")).get("Last page")
    while address:
        response = client.get(address)
        backwards.insert(0, titles_on(response))
        address = pager_links(response).get("Previous")
    # Read backwards from a full last page, the pages are the same size; the first is the list's first page
    # (full, so it repeats one agreement of the second).
    assert [len(page) for page in backwards] == [2] * 6
    assert backwards[0] == whole[:2] and backwards[-1] == whole[-2:]
    assert list(dict.fromkeys(title for page in backwards for title in page)) == whole
    first = client.get("/agreements/")
    assert set(pager_links(first)) == {"Next", "Last page"}
    assert set(pager_links(client.get(pager_links(first)["Last page"]))) == {"First page", "Previous"}


def test_a_numbered_page_beyond_the_end_shows_the_last_page(app, editor_client, editor_list, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    whole = editor_list(page=1) + editor_list(page=2)
    assert len(whole) == 4
    assert editor_list(page=40) == editor_list(last=1) == whole[-3:]  # the last page is full
    assert "Next" not in pager_links(editor_client.get("/agreements/?page=40"))


def test_a_numbered_page_deeper_than_any_pager_linked_is_the_last_page(app, editor_list, monkeypatch):
    whole = editor_list()
    assert len(whole) == 4
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    monkeypatch.setattr("agreements.core.keyset.LAST_NUMBERED_PAGE", 2)
    assert editor_list(page=2) == whole[1:2]  # read by skipping a row
    assert editor_list(page=3) == editor_list(last=1) == whole[-1:]  # not read by skipping: the last


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "x",
        "1_",
        "_1",
        "-5_3",
        "1_0",
        "1_2147483648",
        "99999999999999999999_1",
        "999999999999999999_1",
        "1.5_2",
        "1_2_3",
        "%00",
        "1_1\n",
        "\u0661_1",
    ],
)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_cursor_that_is_not_one_shows_the_first_page(app, editor_list, monkeypatch, direction, cursor):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    assert editor_list(**{direction: cursor}) == editor_list()


def test_a_cursor_before_the_first_row_shows_the_first_page(app, editor_client, editor_list, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    assert editor_list(before="99999999999999999_1") == editor_list()
    assert editor_list(after="1_1") == editor_list(last=1)  # nothing is older: the last page
    assert set(pager_links(editor_client.get("/agreements/?after=1_1"))) == {"First page", "Previous"}


def test_the_count_is_exact_on_one_page_and_over_a_page_on_several(app, editor_client, world, monkeypatch):
    assert "<caption>4 agreements</caption>" in editor_client.get("/agreements/").get_data(as_text=True)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    for address in ("/agreements/", "/agreements/?last=1"):
        page = editor_client.get(address).get_data(as_text=True)
        assert "<caption>Over 3 agreements</caption>" in page


@pytest.mark.parametrize("page", ["99999999999999999999", "2147483648", "0", "-5", "x"])
def test_a_page_number_out_of_range_is_a_page_not_an_error(editor_client, world, page):
    response = editor_client.get(f"/agreements/?page={page}")
    assert response.status_code == 200


def test_pages_keep_the_filters(app, client, make_user, world, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    log_in(client, make_user(admin=True))  # an administrator sees two agreements in force
    first = client.get("/agreements/?validity=in_force&page=1")
    following = pager_links(first)["Next"]
    assert following.startswith("/agreements/?validity=in_force&after=") and "page=" not in following
    second = client.get(following)
    assert titles_on(second) != titles_on(first) and len(titles_on(second)) == 1
    assert set(pager_links(second)) == {"First page", "Previous"}
    assert pager_links(second)["Previous"].startswith("/agreements/?validity=in_force&before=")
    assert pager_links(second)["First page"] == "/agreements/?validity=in_force"
    export = re.search(r'href="([^"]+)">CSV', second.get_data(as_text=True)).group(1)
    assert html.unescape(export) == "/agreements/export.csv?validity=in_force"


def test_a_member_of_several_organisations_filters_by_organisation(editor, editor_client, provider, world):
    editor.memberships.append(Membership(organisation=provider, role=MembershipRole.VIEWER))
    db.session.commit()
    page = editor_client.get("/agreements/").get_data(as_text=True)
    assert "Your organisation" in page
    world["upcoming"].parties = [world["upcoming"].owner]
    db.session.commit()
    assert "Tuleva" not in titles_on(editor_client.get(f"/agreements/?organisation={provider.id}"))


def test_a_member_of_one_organisation_has_no_organisation_filter(editor_client, world):
    assert "Your organisation" not in editor_client.get("/agreements/").get_data(as_text=True)


def row_of(page: str, title: str) -> str:
    return re.search(rf"<tr>(?:(?!</tr>).)*>{title}</a>.*?</tr>", page, re.S).group(0)


def test_the_list_shows_status_and_validity_in_words(editor_client, world):
    page = editor_client.get("/agreements/").get_data(as_text=True)
    signed = row_of(page, "Päättynyt")
    assert '<span class="badge text-bg-success">Signed</span>' in signed
    assert '<span class="small">Expired</span>' in signed
    assert "from " in row_of(page, "Toistaiseksi") and "open-ended" in row_of(page, "Toistaiseksi")


@pytest.mark.parametrize("status", WITHOUT_VALIDITY)
def test_an_agreement_neither_signed_nor_terminated_is_never_in_force(
    editor_client, editor_list, world, status
):
    world["current"].status = status  # its dates cover today
    db.session.commit()
    assert editor_list(validity="in_force") == ["Toistaiseksi"]
    row = row_of(editor_client.get("/agreements/").get_data(as_text=True), "Voimassa oleva")
    assert f">{status.title}</span>" in row
    assert '<span class="small">' not in row  # no validity in words: not "In force"
    detail = editor_client.get(f"/agreements/{world['current'].id}").get_data(as_text=True)
    assert "(In force)" not in detail


@pytest.mark.parametrize("status", VALIDITY_STATUSES)
def test_a_signed_or_terminated_agreement_is_in_force_between_its_dates(
    editor_client, editor_list, world, status
):
    world["current"].status = status
    db.session.commit()
    assert sorted(editor_list(validity="in_force")) == ["Toistaiseksi", "Voimassa oleva"]
    row = row_of(editor_client.get("/agreements/").get_data(as_text=True), "Voimassa oleva")
    assert f">{status.title}</span>" in row and '<span class="small">In force</span>' in row
    detail = editor_client.get(f"/agreements/{world['current'].id}").get_data(as_text=True)
    assert "(In force)" in detail


def test_the_list_loads_parties_and_templates_in_a_fixed_number_of_queries(
    editor_client, make_agreement, make_template_version, make_organisation, workshop
):
    """A page of 25 agreements, each on its own template, costs as many queries as a page of two."""

    def add_agreements(count):
        for _ in range(count):
            providers = [make_organisation(kind=PROVIDER) for _ in range(2)]
            version = make_template_version(key=f"template_{providers[0].id}")
            make_agreement(owner=workshop, providers=providers, template_version=version)

    def queries_for_list():
        with counted_statements() as statements:
            response = editor_client.get("/agreements/")
        assert response.status_code == 200
        return len(statements)

    add_agreements(2)
    few = queries_for_list()
    add_agreements(23)

    assert queries_for_list() == few


def test_a_kept_filter_form_is_shown_only_for_the_same_choices_and_language(
    app, make_user, make_organisation, world
):
    """The filter form of a query is kept by the process; another user's organisations, or another
    language, are shown a form of their own for the same query."""

    def member_of(*names, locale=UILanguage.EN):
        organisations = [make_organisation(kind=WORKSHOP, name=name) for name in names]
        user = make_user(organisation=organisations[0], locale=locale)
        user.memberships.append(Membership(organisation=organisations[1], role=MembershipRole.VIEWER))
        db.session.commit()
        client = app.test_client()
        log_in(client, user)
        return client.get("/agreements/?status=signed").get_data(as_text=True)

    first = member_of("Ensimmäinen Paja", "Toinen Paja")
    assert "Ensimmäinen Paja" in first and "Your organisation" in first
    second = member_of("Kolmas Paja", "Neljäs Paja")
    assert "Kolmas Paja" in second and "Ensimmäinen Paja" not in second
    swedish = member_of("Femte Verkstad", "Sjätte Verkstad", locale=UILanguage.SV)
    assert "Din organisation" in swedish and "Your organisation" not in swedish
