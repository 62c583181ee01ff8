"""The organisation list: who may see it, search, filters, sorting and pagination."""

import re

import pytest

from agreements.organisations.models import Language, OrganisationKind

WORKSHOP, PROVIDER = OrganisationKind.WORKSHOP, OrganisationKind.PROVIDER


def names_on(response) -> list[str]:
    """Organisation names in the list table, in order."""
    return re.findall(r'href="/organisations/\d+">([^<]+)</a>', response.get_data(as_text=True))


@pytest.fixture
def organisations(make_organisation):
    """Five organisations across regions, one of them inactive."""
    return {
        "tampere": make_organisation(
            name="Tampereen Työpaja", municipality="Tampere", business_id="0737546-2"
        ),
        "tredu": make_organisation(
            kind=PROVIDER, name="Tredu", municipality="Tampere", business_id="1572860-0"
        ),
        "jkl": make_organisation(name="Jyväskylän Paja", region_code="13", municipality="Jyväskylä"),
        "helsinki": make_organisation(name="Helsingin Paja", region_code="01", municipality="Helsinki"),
        "closed": make_organisation(name="Suljettu Paja", municipality="Nokia", active=False),
    }


def test_administrator_sees_every_active_organisation_sorted_by_name(admin_client, organisations):
    response = admin_client.get("/organisations/")
    assert response.status_code == 200
    assert names_on(response) == ["Helsingin Paja", "Jyväskylän Paja", "Tampereen Työpaja", "Tredu"]


def test_sorting_by_name_descending(admin_client, organisations):
    response = admin_client.get("/organisations/?sort=-name")
    assert names_on(response) == ["Tredu", "Tampereen Työpaja", "Jyväskylän Paja", "Helsingin Paja"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tampereen", ["Tampereen Työpaja"]),
        ("TAMPERE", ["Tampereen Työpaja", "Tredu"]),  # by municipality, any case
        ("1572860", ["Tredu"]),  # by business ID
        ("PAJA", ["Helsingin Paja", "Jyväskylän Paja", "Tampereen Työpaja"]),
    ],
)
def test_search_by_name_municipality_or_business_id_ignores_case(
    admin_client, organisations, query, expected
):
    assert names_on(admin_client.get("/organisations/", query_string={"q": query})) == expected


def test_search_treats_wildcards_literally(admin_client, organisations):
    response = admin_client.get("/organisations/", query_string={"q": "%"})
    assert "No organisations match your search." in response.get_data(as_text=True)


def test_filter_by_kind(admin_client, organisations):
    assert names_on(admin_client.get("/organisations/?kind=provider")) == ["Tredu"]


def test_filter_by_region(admin_client, organisations):
    region_id = organisations["jkl"].region_id
    assert names_on(admin_client.get(f"/organisations/?region={region_id}")) == ["Jyväskylän Paja"]


def test_filter_by_network_covers_its_regions(admin_client, organisations, pirkanmaa_network):
    response = admin_client.get(f"/organisations/?network={pirkanmaa_network.id}")
    assert names_on(response) == ["Jyväskylän Paja", "Tampereen Työpaja", "Tredu"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("inactive", ["Suljettu Paja"]),
        ("all", ["Helsingin Paja", "Jyväskylän Paja", "Suljettu Paja", "Tampereen Työpaja", "Tredu"]),
    ],
)
def test_filter_by_status(admin_client, organisations, status, expected):
    response = admin_client.get(f"/organisations/?status={status}")
    assert names_on(response) == expected


def test_unknown_filter_value_is_reported_and_ignored(admin_client, organisations):
    response = admin_client.get("/organisations/?kind=castle")
    assert len(names_on(response)) == 4
    assert 'id="kind-error"' in response.get_data(as_text=True)


def test_empty_result_says_so(admin_client, organisations):
    response = admin_client.get("/organisations/?q=Rovaniemi")
    assert names_on(response) == []
    assert "No organisations match your search." in response.get_data(as_text=True)


def test_pagination_keeps_the_filters_in_page_links(app, admin_client, make_organisation, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(5):
        make_organisation(name=f"Paja {n}", municipality=f"Kunta {n}")
    make_organisation(kind=PROVIDER, name="Opisto", language=Language.SV)

    first = admin_client.get("/organisations/?kind=workshop&q=paja")
    assert names_on(first) == ["Paja 0", "Paja 1"]
    page = first.get_data(as_text=True)
    assert re.search(r'href="/organisations/\?[^"]*kind=workshop[^"]*page=2', page)
    assert re.search(r'href="/organisations/\?[^"]*q=paja', page)

    third = admin_client.get("/organisations/?kind=workshop&q=paja&page=3")
    assert names_on(third) == ["Paja 4"]
    assert names_on(admin_client.get("/organisations/?kind=workshop&q=paja&page=9")) == []
    assert names_on(admin_client.get(f"/organisations/?page={10**30}")) == []


def test_page_links_stay_relative_whatever_the_query_string_holds(
    app, admin_client, make_organisation, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    make_organisation(name="Paja A")
    make_organisation(name="Paja B")
    response = admin_client.get("/organisations/?endpoint=x&_external=1&q=paja&q=x")
    assert response.status_code == 200
    assert 'href="/organisations/?endpoint=x&amp;_external=1&amp;q=paja&amp;q=x&amp;page=2"' in (
        response.get_data(as_text=True)
    )


def test_coordinator_sees_only_their_networks_regions(coordinator_client, organisations):
    response = coordinator_client.get("/organisations/?status=all")
    assert response.status_code == 200
    assert names_on(response) == ["Jyväskylän Paja", "Suljettu Paja", "Tampereen Työpaja", "Tredu"]
    assert "New organisation" not in response.get_data(as_text=True)


def test_coordinator_cannot_widen_the_list_with_a_filter(coordinator_client, organisations, make_network):
    uusimaa = make_network(name="ALU Etelä", region_codes=("01",))
    region_id = organisations["helsinki"].region_id
    for query in (f"region={region_id}", f"network={uusimaa.id}"):
        response = coordinator_client.get(f"/organisations/?{query}")
        assert "Helsingin Paja" not in names_on(response)
        assert re.search(r'id="(region|network)-error"', response.get_data(as_text=True))


def test_workshop_member_may_not_list_organisations(member_client):
    assert member_client.get("/organisations/").status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/organisations/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
