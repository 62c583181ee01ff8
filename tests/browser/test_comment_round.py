"""A whole comment round in a real browser: the drafter opens it, an invitee comments on a section and on
the whole document, the drafter replies, resolves both comments and closes the round, and both read the
shared summary report; no page on the way has a serious accessibility problem."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import Locator, Page, expect

from agreements.accounts.models import MembershipRole
from agreements.core.timeutil import HELSINKI, utcnow
from agreements.organisations.models import OrganisationKind
from tests.browser.helpers import assert_accessible, log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.committing]

BACKGROUND = "Uusi sopimuspohja korvaa vuoden 2019 sopimuksen."
QUESTIONS = "Onko paikkamäärä sopiva?"
#: The section the views are asked on: its English title in the form, its Finnish one in the document.
SECTION_EN, SECTION_FI = "2 Details", "2 Yksityiskohdat"
SECTION_COMMENT = "Paikkoja voisi olla neljä."
WHOLE_COMMENT = "Sopimus on selkeä kokonaisuus."
REPLY = "Kiitos, selvitämme opettajien määrän."
SECTION_REASONING = "Paikkoja lisätään kolmesta neljään."
WHOLE_REASONING = "Kiitos palautteesta."


@pytest.fixture
def cast(make_organisation, make_user, make_agreement):
    """A workshop's draft, its editor, an education provider and one of its staff; both users use English."""
    workshop = make_organisation(OrganisationKind.WORKSHOP, name="Työpaja Kierros")
    provider = make_organisation(OrganisationKind.PROVIDER, name="Kierroksen ammattiopisto")
    drafter = make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Eeva Editori")
    invitee = make_user(organisation=provider, role=MembershipRole.VIEWER, name="Kalle Kommentoija")
    agreement = make_agreement(owner=workshop, providers=[provider], created_by=drafter)
    return SimpleNamespace(agreement=agreement, provider=provider, drafter=drafter, invitee=invitee)


def thread(page: Page, text: str) -> Locator:
    """The comment card whose text includes ``text``, with its replies."""
    return page.get_by_role("article").filter(has_text=text).first


def expect_flash(page: Page, text: str) -> None:
    """Expect a success message that includes ``text``."""
    expect(page.locator("main .alert-success")).to_contain_text(text)


def open_the_round(page: Page, cast) -> None:
    """From the agreement's page, fill and send the form that opens a comment round."""
    open_page(page, f"/agreements/{cast.agreement.id}")
    page.get_by_role("link", name="Open a comment round").click()
    expect(page.locator("h1")).to_have_text(f"Open a comment round on {cast.agreement.reference}")
    assert_accessible(page)

    deadline = (utcnow() + timedelta(days=7)).astimezone(HELSINKI).date()
    page.get_by_label("Deadline date").fill(deadline.isoformat())  # a date input's value, whatever it shows
    page.get_by_label("Background", exact=True).fill(BACKGROUND)
    page.get_by_label("Questions on which views are wanted").fill(QUESTIONS)
    page.get_by_role("group", name="Sections on which views are wanted").get_by_label(SECTION_EN).check()
    page.get_by_label(f"{cast.provider.name} ({cast.provider.municipality})").check()
    page.get_by_role("button", name="Open the round and send the invitations").click()

    expect_flash(page, "The comment round is open")
    expect(page.locator("h1")).to_have_text(f"Comments on “{cast.agreement.title}”")
    request = page.get_by_role("region", name="The request")
    expect(request).to_contain_text(BACKGROUND)
    expect(request).to_contain_text(QUESTIONS)
    expect(request).to_contain_text(f"Views wanted on {SECTION_EN}")
    expect(request).to_contain_text(f"{deadline.day}.{deadline.month}.{deadline.year} 16.00")
    assert_accessible(page)


def comment(page: Page, where: Locator, opener: str, label: str, text: str) -> None:
    """Open the comment box ``opener`` in ``where``, write ``text`` and send it."""
    where.get_by_text(opener, exact=True).click()
    where.get_by_label(label).fill(text)
    where.get_by_role("button", name="Send").click()
    expect_flash(page, "Your comment was saved.")


def invitee_comments(page: Page, cast) -> None:
    """Find the round under Comment rounds and comment on the chosen section and on the whole."""
    log_in(page, cast.invitee)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Comment rounds").click()
    expect(page.locator("h1")).to_have_text("Comment rounds")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(re.escape(cast.agreement.reference))).click()
    expect(page.locator("h1")).to_have_text(f"Comments on “{cast.agreement.title}”")

    section = page.get_by_role("region", name=SECTION_FI)
    expect(section).to_contain_text("Views wanted")
    comment(page, section, "Comment on this section", f"Your comment on “{SECTION_FI}”", SECTION_COMMENT)
    expect(thread(section, SECTION_COMMENT)).to_be_visible()

    whole = page.get_by_role("region", name="The document as a whole")
    whole.get_by_text("Comment on the document as a whole", exact=True).click()
    section.get_by_text("Comment on this section", exact=True).click()
    section.get_by_text("Reply", exact=True).click()
    assert_accessible(page)  # with the comment boxes open
    whole.get_by_label("Your comment on the document as a whole").fill(WHOLE_COMMENT)
    whole.get_by_role("button", name="Send").click()
    expect_flash(page, "Your comment was saved.")
    expect(thread(whole, WHOLE_COMMENT)).to_be_visible()
    assert_accessible(page)


def resolve(page: Page, text: str, resolution: str, reasoning: str) -> None:
    """Resolve the comment with ``text`` from the round page, back on which the resolution shows."""
    thread(page, text).get_by_role("link", name=re.compile(r"^Resolve the comment by")).click()
    expect(page.locator("h1")).to_have_text("Resolve a comment")
    expect(page.locator("main")).to_contain_text(text)
    assert_accessible(page)
    page.get_by_role("group", name="Resolution").get_by_label(resolution, exact=True).check()
    page.get_by_label("Reasoning").fill(reasoning)
    page.get_by_role("button", name="Save the resolution").click()
    expect_flash(page, "The resolution was saved.")
    expect(thread(page, text)).to_contain_text(f"Resolution: {resolution}")


def drafter_answers_and_closes(page: Page, cast) -> None:
    """See the answers, reply in the section's thread, resolve both comments and close the round."""
    page.reload()
    answers = page.get_by_role("table", name="Who has answered")
    expect(answers.get_by_role("row").filter(has_text=cast.provider.name)).to_contain_text("2 comments")
    expect(page.get_by_role("region", name="Answers")).to_contain_text("2 comments still need a resolution.")
    expect(thread(page, SECTION_COMMENT)).to_contain_text("No resolution yet")

    section_thread = thread(page, SECTION_COMMENT)
    comment(page, section_thread, "Reply", f"Your reply to {cast.invitee.name}", REPLY)
    expect(thread(page, SECTION_COMMENT)).to_contain_text(REPLY)

    resolve(page, SECTION_COMMENT, "Partly accepted", SECTION_REASONING)
    resolve(page, WHOLE_COMMENT, "Noted", WHOLE_REASONING)

    page.get_by_role("link", name="Close the round").click()
    expect(page.locator("h1")).to_have_text("Close the comment round?")
    expect(page.locator("main")).to_contain_text("the summary report is shared with the invitees at once")
    assert_accessible(page)
    page.get_by_role("button", name="Close the round").click()
    expect_flash(page, "The comment round was closed.")
    expect(page.locator("main .lead")).to_contain_text("Closed on")
    assert_accessible(page)


def read_the_summary(page: Page) -> Locator:
    """Open the shared summary report from the round page; its comments section."""
    page.get_by_role("link", name="Summary report", exact=True).click()
    expect(page.locator("h1")).to_have_text("Summary report")
    expect(page.locator("main")).to_contain_text("Final: shared with the invitees on")
    assert_accessible(page)
    return page.get_by_role("region", name="Comments", exact=True)


def expect_resolved(comments: Locator, text: str, resolution: str, reasoning: str) -> None:
    """Expect the report's entry of the comment with ``text`` to give its resolution and reasoning."""
    entry = comments.get_by_role("article").filter(has_text=text)
    expect(entry).to_contain_text(resolution)
    expect(entry).to_contain_text(reasoning)


def test_an_invitee_comments_and_the_drafter_resolves_and_closes(new_page, cast):
    drafter_page, invitee_page = new_page(), new_page()
    for page in (drafter_page, invitee_page):
        # No colour transitions: axe must judge a clicked button's colours, not a fade between them.
        page.emulate_media(reduced_motion="reduce")
    log_in(drafter_page, cast.drafter)
    open_the_round(drafter_page, cast)

    invitee_comments(invitee_page, cast)

    drafter_answers_and_closes(drafter_page, cast)
    comments = read_the_summary(drafter_page)
    expect_resolved(comments, SECTION_COMMENT, "Partly accepted", SECTION_REASONING)
    expect_resolved(comments, WHOLE_COMMENT, "Noted", WHOLE_REASONING)
    expect(comments.get_by_role("article").filter(has_text=SECTION_COMMENT)).to_contain_text(REPLY)

    invitee_page.reload()
    comments = read_the_summary(invitee_page)
    expect_resolved(comments, SECTION_COMMENT, "Partly accepted", SECTION_REASONING)
    expect(comments.get_by_role("article").filter(has_text=SECTION_COMMENT)).to_contain_text(
        cast.invitee.name
    )
