"""A region's commitment joined over time, in a real browser: the drafting workshop opens it for joining,
one organisation joins, another declines, one more is invited later and joins too; the region's coordinator
follows who has joined on the dashboard and the request's page. Every page on the way passes axe-core."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from agreements.accounts.models import MembershipRole
from agreements.organisations.models import OrganisationKind
from tests.browser.helpers import (
    assert_accessible,
    expect_flash,
    fresh_page,
    join_commitment,
    log_in,
    open_page,
)
from tests.support.joining import approve, commitment_manifest

pytestmark = [pytest.mark.browser, pytest.mark.committing]


@pytest.fixture
def cast(make_organisation, make_user, make_agreement, make_template_version, make_network):
    """A workshop's commitment draft with four organisations of Pirkanmaa, a fifth not yet a party, each
    with a signatory; the drafter; the coordinator of the region's network. Everyone reads English."""
    network = make_network(name="ALU Liittymisverkosto", region_codes=("06",))
    workshop = make_organisation(OrganisationKind.WORKSHOP, name="Työpaja Linjaus")
    drafter = make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Elina Editori")
    organisations, signers = [], {}
    for number, name in enumerate(
        ("Ammattiopisto Aalto", "Bovallius", "Työpaja Cedar", "Dynamo", "Ekaopisto")
    ):
        kind = OrganisationKind.PROVIDER if number % 2 == 0 else OrganisationKind.WORKSHOP
        organisation = make_organisation(kind, name=name)
        signers[name] = make_user(
            organisation=organisation, role=MembershipRole.SIGNATORY, name=f"Signer {name}"
        )
        organisations.append(organisation)
    commitment = make_agreement(
        owner=workshop,
        providers=organisations[:4],
        template_version=make_template_version(manifest_dict=commitment_manifest("browser_commitment")),
        title="Pirkanmaan linjaukset",
        created_by=drafter,
    )
    approve(commitment, drafter)  # the board approved the draft before it opens for joining
    coordinator = make_user(networks=[network], name="Kaisa Koordinaattori")
    return SimpleNamespace(
        commitment=commitment,
        workshop=workshop,
        drafter=drafter,
        organisations=organisations,
        signers=signers,
        coordinator=coordinator,
    )


def open_for_joining(page: Page, cast) -> None:
    """The drafter opens the commitment for joining, inviting the four organisations but not itself."""
    open_page(page, f"/agreements/{cast.commitment.id}")
    page.get_by_role("link", name="Open for joining").click()
    expect(page.locator("h1")).to_have_text(f"Open {cast.commitment.reference} for joining")
    assert_accessible(page)
    own = page.get_by_role("group", name=re.compile(f"^Signatory for {cast.workshop.name}"))
    own.get_by_label("Signatory", exact=True).select_option(label="Do not invite this organisation now")
    for organisation in cast.organisations[:4]:
        block = page.get_by_role("group", name=f"Signatory for {organisation.name}")
        expect(block.get_by_label("Signatory", exact=True)).to_have_value(
            str(cast.signers[organisation.name].id)
        )
    page.get_by_role("button", name="Open for joining").click()
    expect_flash(page, "The commitment is open for joining")
    expect(page.locator("main .lead").first).to_contain_text("Joining open")
    assert_accessible(page)


def party_row(page: Page, name: str):
    table = page.get_by_role("table", name=re.compile("^Signatures of the parties"))
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(f"^{name}")))


def join(page: Page, cast, name: str) -> None:
    """The organisation's signatory opens the invitation from the home page and signs."""
    log_in(page, cast.signers[name])
    join_commitment(page, cast.signers[name], cast.commitment.reference, name)
    expect(party_row(page, name)).to_contain_text("Signed")
    assert_accessible(page)


def decline(page: Page, cast, name: str) -> None:
    """The organisation's signatory declines, with a reason."""
    log_in(page, cast.signers[name])
    waiting = page.get_by_role("region", name="Signatures waiting for you")
    waiting.get_by_role("link", name=re.compile(re.escape(cast.commitment.reference))).click()
    page.get_by_role("link", name="Decline").click()
    assert_accessible(page)
    page.get_by_label("Why do you decline?").fill("Hallitus ei ole vielä käsitellyt linjauksia.")
    page.get_by_role("button", name="Decline").click()
    expect(party_row(page, name)).to_contain_text("Declined")
    expect(page.locator("main .lead").first).to_contain_text("Joining open")


def invite_late(page: Page, cast, name: str) -> None:
    """The drafter invites one more organisation from the request page."""
    page.reload()
    page.get_by_role("link", name="Invite more organisations").click()
    expect(page.locator("h1")).to_have_text(f"Invite more organisations to join {cast.commitment.reference}")
    assert_accessible(page)
    page.get_by_role("group", name="Organisations").get_by_label(re.compile(f"^{name} ")).check()
    page.get_by_role("button", name="Invite", exact=True).click()
    expect_flash(page, "1 organisation was invited.")
    expect(party_row(page, name)).to_contain_text("Not signed yet")
    assert_accessible(page)


def test_organisations_join_a_commitment_over_time(new_page, cast):
    drafter = fresh_page(new_page)
    log_in(drafter, cast.drafter)
    open_for_joining(drafter, cast)
    request_url = drafter.url

    join(fresh_page(new_page), cast, "Ammattiopisto Aalto")
    decline(fresh_page(new_page), cast, "Bovallius")
    invite_late(drafter, cast, "Ekaopisto")
    join(fresh_page(new_page), cast, "Ekaopisto")

    coordinator = fresh_page(new_page)
    log_in(coordinator, cast.coordinator)
    open_page(coordinator, "/dashboard/")
    commitments = coordinator.get_by_role("table", name=re.compile("Commitments to the guidelines"))
    row = commitments.get_by_role("row").filter(has_text=cast.commitment.reference)
    expect(row.get_by_role("cell")).to_have_text(["Pirkanmaan linjaukset", "Signed", "5", "2", "1", "2"])
    assert_accessible(coordinator)
    open_page(coordinator, request_url.removeprefix(re.match(r"https?://[^/]+", request_url).group(0)))
    expect(coordinator.locator("main")).to_contain_text("Joined: 2 · Declined: 1 · Invited, not answered: 2")
    for name, status in (
        ("Ammattiopisto Aalto", "Signed"),
        ("Bovallius", "Declined"),
        ("Dynamo", "Not signed yet"),
    ):
        expect(party_row(coordinator, name)).to_contain_text(status)
    expect(coordinator.get_by_role("link", name="Invite more organisations")).to_have_count(0)
    assert_accessible(coordinator)
