"""The 2019 process in a real browser: a workshop editor drafts a commitment; it is commented in two phases
(first the network's organisations, then every active organisation, nobody invited twice); the drafter
resolves the comments, saves a revision answering them, records the board's approval and opens the
commitment for joining; three organisations join. Every page on the way passes axe-core."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import Locator, Page, expect

from agreements.accounts.models import MembershipRole
from agreements.core.timeutil import HELSINKI, utcnow
from agreements.organisations.models import OrganisationKind
from tests.browser.helpers import (
    assert_accessible,
    expect_flash,
    fresh_page,
    join_commitment,
    log_in,
    open_page,
)
from tests.support.joining import commitment_manifest

pytestmark = [pytest.mark.browser, pytest.mark.committing]

#: The network's organisations are asked first; Ekaopisto, in another region, only in phase 2.
NETWORK = "ALU Linjausverkosto"
EARLY, SILENT, LATE = "Ammattiopisto Aalto", "Työpaja Bovallius", "Ekaopisto"
EARLY_COMMENT = "Yksilön etu pitää mainita ensimmäisenä."
LATE_COMMENT = "Paikkamäärä on liian pieni."
#: The document's section the late comment is on (the document is in Finnish).
SECTION_FI = "2 Yksityiskohdat"
TITLE = "Yhteistyön linjaukset"


@pytest.fixture
def cast(make_organisation, make_user, make_template_version, make_network):
    """A workshop's editor, a commitment template that requires approval, three other organisations each
    with a signatory, and the network of the workshop's region. Everyone reads English."""
    make_network(name=NETWORK, region_codes=("06",))
    workshop = make_organisation(OrganisationKind.WORKSHOP, name="Työpaja Linjaus")
    drafter = make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Elina Editori")
    signers = {}
    for name, kind, region in (
        (EARLY, OrganisationKind.PROVIDER, "06"),
        (SILENT, OrganisationKind.WORKSHOP, "06"),
        (LATE, OrganisationKind.PROVIDER, "04"),
    ):
        organisation = make_organisation(kind, name=name, region_code=region)
        signers[name] = make_user(
            organisation=organisation, role=MembershipRole.SIGNATORY, name=f"Signer {name}"
        )
    template = make_template_version(manifest_dict=commitment_manifest("process_commitment"))
    return SimpleNamespace(
        template_title=template.text(template.manifest["title"], "en"),
        workshop=workshop,
        drafter=drafter,
        signers=signers,
        commitment=None,
    )


def draft_commitment(page: Page, cast) -> None:
    """The editor drafts the commitment with the three organisations; ``cast.commitment`` is then its id,
    reference and title."""
    open_page(page, "/agreements/new")
    assert_accessible(page)
    page.get_by_label("Template", exact=True).select_option(label=cast.template_title)
    page.get_by_role("button", name="Continue").click()
    expect_heading(page, "New agreement")
    for label, value in (
        ("Title", TITLE),
        ("Start date", "2026-01-01"),
        ("End date", "2027-12-31"),
        ("Notice period in months", "3"),
        ("Instructor", "Maija Ohjaaja"),
        ("Duties", "Perehdytys ja ohjaus"),
        ("Places", "3"),
    ):
        page.get_by_label(label, exact=True).fill(value)
    others = [f"{name} (Tampere)" for name in cast.signers]  # as the list names them, with the municipality
    page.get_by_label("Other organisations", exact=True).select_option(label=others)
    page.get_by_label("Billing", exact=True).select_option("monthly")
    page.get_by_role("button", name="Create the draft").click()
    expect_flash(page, "created as a draft")
    assert_accessible(page)
    reference = re.search(r"SOP-\d{4}-\d+", page.locator("main .lead").first.inner_text()).group(0)
    agreement_id = int(re.search(r"/agreements/(\d+)", page.url).group(1))
    cast.commitment = SimpleNamespace(id=agreement_id, reference=reference, title=TITLE)


def expect_heading(page: Page, text: str) -> None:
    """Expect the page's one heading, then check the page with axe-core."""
    expect(page.locator("h1")).to_have_text(text)
    assert_accessible(page)


def open_round(page: Page, cast, link: str, heading: str, invitees: Locator, button: str) -> None:
    """From the commitment's page, follow ``link`` to the form, tick ``invitees`` and send the form; the
    round's page follows."""
    open_page(page, f"/agreements/{cast.commitment.id}")
    assert_accessible(page)
    page.get_by_role("link", name=link).click()
    expect_heading(page, heading)
    deadline = (utcnow() + timedelta(days=7)).astimezone(HELSINKI).date()
    page.get_by_label("Deadline date").fill(deadline.isoformat())
    invitees.check()
    page.get_by_role("button", name=button).click()
    expect_flash(page, "The comment round is open")
    expect_heading(page, f"Comments on “{cast.commitment.title}”")


def open_phase_one(page: Page, cast) -> None:
    """Open a round to every organisation of the region's network."""
    network = page.get_by_role("group", name="Every organisation in these networks").get_by_label(NETWORK)
    heading = f"Open a comment round on {cast.commitment.reference}"
    open_round(
        page, cast, "Open a comment round", heading, network, "Open the round and send the invitations"
    )
    answers = page.get_by_role("table", name="Who has answered")
    expect(answers.get_by_role("row")).to_have_count(3)  # the header, Aalto and Bovallius


def comment(page: Page, cast, name: str, region: str, opener: str, label: str, text: str) -> None:
    """The organisation's signatory opens the round from the list of rounds and comments."""
    log_in(page, cast.signers[name])
    assert_accessible(page)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Comment rounds").click()
    expect_heading(page, "Comment rounds")
    page.get_by_role("link", name=re.compile(re.escape(cast.commitment.reference))).first.click()
    where = page.get_by_role("region", name=region)
    where.get_by_text(opener, exact=True).click()
    where.get_by_label(label).fill(text)
    where.get_by_role("button", name="Send").click()
    expect_flash(page, "Your comment was saved.")
    assert_accessible(page)


def close_round(page: Page) -> None:
    page.get_by_role("link", name="Close the round").click()
    expect_heading(page, "Close the comment round?")
    page.get_by_role("button", name="Close the round").click()
    expect_flash(page, "The comment round was closed.")
    assert_accessible(page)


def open_phase_two(page: Page, cast) -> None:
    """Open phase 2 to every active organisation: those of the network, asked in phase 1, are left out."""
    open_round(
        page,
        cast,
        "Open phase 2 of this comment round",
        f"Open phase 2 of the comment round on {cast.commitment.reference}",
        page.get_by_label("Every active organisation"),
        "Open the phase and send the invitations",
    )
    phases = page.get_by_role("region", name="Phases")
    expect(phases).to_contain_text("This is phase 2 of the comment round.")
    for name in (EARLY, SILENT):
        expect(phases).to_contain_text(f"{name}, invited to phase 1")
    answers = page.get_by_role("table", name="Who has answered")
    expect(answers.get_by_role("row")).to_have_count(2)  # the header and Ekaopisto only
    expect(answers).to_contain_text(LATE)


def resolve(page: Page, text: str, resolution: str, reasoning: str) -> None:
    """Resolve the comment with ``text`` from the round page it is on."""
    card = page.get_by_role("article").filter(has_text=text).first
    card.get_by_role("link", name=re.compile(r"^Resolve the comment by")).click()
    expect_heading(page, "Resolve a comment")
    page.get_by_role("group", name="Resolution").get_by_label(resolution, exact=True).check()
    page.get_by_label("Reasoning").fill(reasoning)
    page.get_by_role("button", name="Save the resolution").click()
    expect_flash(page, "The resolution was saved.")
    assert_accessible(page)


def revise(page: Page, cast) -> None:
    """Save version 2 of the commitment, answering both comments."""
    open_page(page, f"/agreements/{cast.commitment.id}")
    page.get_by_role("link", name="Edit the draft").click()
    assert_accessible(page)
    answered = page.get_by_role("group", name="Comments this version answers")
    for text in (EARLY_COMMENT, LATE_COMMENT):
        answered.get_by_label(re.compile(re.escape(text))).check()
    page.get_by_label("Places").fill("5")
    page.get_by_label("Change note").fill("Kommenttien perusteella")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator("main")).to_contain_text("Version 2")
    assert_accessible(page)


def read_every_phase(page: Page) -> None:
    """The summary report of every phase lists both phases' comments with their resolutions."""
    page.get_by_role("link", name="Summary report of every phase").click()
    expect_heading(page, "Summary report of every phase")
    comments = page.get_by_role("region", name="Comments", exact=True)
    early = comments.get_by_role("article").filter(has_text=EARLY_COMMENT)
    late = comments.get_by_role("article").filter(has_text=LATE_COMMENT)
    for entry, phase, name, resolution in (
        (early, "Phase 1", EARLY, "Accepted"),
        (late, "Phase 2", LATE, "Partly accepted"),
    ):
        for text in (phase, name, resolution):
            expect(entry).to_contain_text(text)


def approve_and_open_for_joining(page: Page, cast) -> None:
    """Record the board's approval of version 2 and open the commitment for the three to join."""
    open_page(page, f"/agreements/{cast.commitment.id}")
    assert_accessible(page)  # version 2 awaits its approval
    page.get_by_role("link", name="Record the approval of version 2").click()
    expect_heading(page, f"Record the approval of {cast.commitment.reference}, version 2")
    page.get_by_label("Deciding body").fill("TPY:n hallitus")
    page.get_by_label("Date of the decision").fill(date.today().isoformat())
    page.get_by_label("Minutes reference").fill("7/2019, § 5")
    page.get_by_role("button", name="Record the approval").click()
    expect_flash(page, "The approval of version 2 was recorded.")
    assert_accessible(page)
    page.get_by_role("link", name="Open for joining").click()
    expect_heading(page, f"Open {cast.commitment.reference} for joining")
    own = page.get_by_role("group", name=re.compile(f"^Signatory for {cast.workshop.name}"))
    own.get_by_label("Signatory", exact=True).select_option(label="Do not invite this organisation now")
    page.get_by_role("button", name="Open for joining").click()
    expect_flash(page, "The commitment is open for joining")
    assert_accessible(page)


def join(page: Page, cast, name: str) -> None:
    """The organisation's signatory opens the invitation from the home page and signs."""
    log_in(page, cast.signers[name])
    assert_accessible(page)
    join_commitment(page, cast.signers[name], cast.commitment.reference, name)
    assert_accessible(page)


def test_a_commitment_is_commented_in_two_phases_revised_approved_and_joined(new_page, cast):
    drafter = fresh_page(new_page)
    log_in(drafter, cast.drafter)
    draft_commitment(drafter, cast)
    open_phase_one(drafter, cast)
    phase_one = drafter.url
    whole = ("The document as a whole", "Comment on the document as a whole")
    comment(
        fresh_page(new_page), cast, EARLY, *whole, "Your comment on the document as a whole", EARLY_COMMENT
    )
    drafter.reload()
    close_round(drafter)

    open_phase_two(drafter, cast)
    on_section = (SECTION_FI, "Comment on this section", f"Your comment on “{SECTION_FI}”")
    comment(fresh_page(new_page), cast, LATE, *on_section, LATE_COMMENT)
    drafter.reload()
    resolve(drafter, LATE_COMMENT, "Partly accepted", "Paikkoja lisätään viiteen.")
    close_round(drafter)
    drafter.goto(phase_one)
    resolve(drafter, EARLY_COMMENT, "Accepted", "Lisätty johdantoon.")
    read_every_phase(drafter)

    revise(drafter, cast)
    approve_and_open_for_joining(drafter, cast)
    for name in (EARLY, SILENT, LATE):
        join(fresh_page(new_page), cast, name)
    drafter.reload()
    expect(drafter.locator("main")).to_contain_text("Joined: 3")
    assert_accessible(drafter)
