"""Who reads an agreement and who may change it: members of every party read, the owner's editors edit,
coordinators read in their networks' regions, administrators read everything, everyone else gets 404."""

import pytest

from agreements.accounts.models import MembershipRole, UILanguage
from tests.support.client import log_in
from tests.support.factories import WORKSHOP


@pytest.fixture
def as_user(client):
    """Log the client in as ``user`` and return it."""

    def login_as(user):
        log_in(client, user)
        return client

    return login_as


def pages(agreement) -> dict[str, str]:
    base = f"/agreements/{agreement.id}"
    return {"detail": base, "edit": f"{base}/edit", "cancel": f"{base}/cancel"}


def statuses(client, agreement) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in pages(agreement).items()}


def test_the_owners_editor_may_do_everything(as_user, agreement, editor):
    client = as_user(editor)
    assert statuses(client, agreement) == {"detail": 200, "edit": 200, "cancel": 200}
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Edit the draft" in page and "Cancel the agreement" in page


@pytest.mark.parametrize("role", [MembershipRole.VIEWER, MembershipRole.SIGNATORY])
def test_other_members_of_the_owner_read_only(as_user, make_user, agreement, workshop, role):
    client = as_user(make_user(organisation=workshop, role=role))
    assert statuses(client, agreement) == {"detail": 200, "edit": 404, "cancel": 404}
    assert "Edit the draft" not in client.get(f"/agreements/{agreement.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", list(MembershipRole))
def test_members_of_a_provider_party_read_but_do_not_edit(as_user, make_user, agreement, provider, role):
    client = as_user(make_user(organisation=provider, role=role))
    assert statuses(client, agreement) == {"detail": 200, "edit": 404, "cancel": 404}
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert agreement.reference in page
    assert "Maija Ohjaaja" in page


def test_a_workshop_that_is_not_a_party_gets_404(as_user, make_user, make_organisation, agreement):
    outsider = make_organisation(kind=WORKSHOP, name="Ulkopuolinen Paja")
    client = as_user(make_user(organisation=outsider, role=MembershipRole.EDITOR))
    assert statuses(client, agreement) == {"detail": 404, "edit": 404, "cancel": 404}


def test_the_coordinator_of_a_partys_region_reads(as_user, make_user, make_network, agreement):
    client = as_user(make_user(networks=[make_network(region_codes=("06",))]))
    assert statuses(client, agreement) == {"detail": 200, "edit": 404, "cancel": 404}


def test_a_coordinator_of_another_network_gets_404(as_user, make_user, make_network, agreement):
    client = as_user(make_user(networks=[make_network(region_codes=("01",))]))
    assert statuses(client, agreement) == {"detail": 404, "edit": 404, "cancel": 404}


def test_an_administrator_reads_but_does_not_draft(as_user, make_user, agreement):
    client = as_user(make_user(admin=True))
    assert statuses(client, agreement) == {"detail": 200, "edit": 404, "cancel": 404}


def test_a_missing_agreement_is_404(as_user, editor):
    assert as_user(editor).get("/agreements/999999").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, agreement):
    for url in pages(agreement).values():
        assert client.get(url).status_code == 302


def test_the_page_shows_the_agreement(as_user, agreement, editor, provider):
    page = as_user(editor).get(f"/agreements/{agreement.id}").get_data(as_text=True)
    for text in (
        agreement.reference,
        "Status: Draft",
        "Tampereen Työpaja (drafting workshop)",
        "Tredu",
        "1.8.2026 – 31.7.2027",
        "3 months",
        "Test agreement, version 1",
        "Version 1, saved by Eeva Editori on",
        "1 Basics",
        "Perehdytys &amp; työturvallisuus &lt;tärkeä&gt;<br>Toinen rivi",
        "120,50",
        "monthly",
        "<td>Puusepänalan perustutkinto</td><td>2</td>",
        "Documents and history",
    ):
        assert text in page, text


def test_labels_follow_the_interface_language(client, make_user, workshop, agreement):
    log_in(client, make_user(organisation=workshop, role=MembershipRole.VIEWER, locale=UILanguage.SV))
    with client.session_transaction() as session:
        session.pop("locale", None)
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "1 Grunduppgifter" in page
    assert "Instructor (sv)" in page
    assert "månadsvis" in page
