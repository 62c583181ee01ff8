"""A two-party signing in a real browser: the drafter sends the draft for signature, the provider's and the
workshop's signatories each read the frozen document, check its hash and sign (one after a wrong password),
and the drafter finds the agreement signed with its certificate and history; no page on the way has a
serious accessibility problem."""

import hashlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Locator, Page, expect

from agreements.accounts.models import MembershipRole
from agreements.organisations.models import OrganisationKind
from tests.browser.helpers import assert_accessible, expect_flash, fresh_page, log_in, open_page
from tests.support.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.committing]

MESSAGE = "Allekirjoitathan sopimuksen tällä viikolla."
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture
def cast(make_organisation, make_user, make_agreement):
    """A workshop's draft with one provider: its editor, a signatory of each party and a second provider
    signatory who is not asked to sign; all use English."""
    workshop = make_organisation(OrganisationKind.WORKSHOP, name="Työpaja Allekirjoitus")
    provider = make_organisation(OrganisationKind.PROVIDER, name="Allekirjoituksen ammattiopisto")
    drafter = make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Elina Editori")
    workshop_signatory = make_user(
        organisation=workshop, role=MembershipRole.SIGNATORY, name="Toivo Toiminnanjohtaja"
    )
    provider_signatory = make_user(organisation=provider, role=MembershipRole.SIGNATORY, name="Raili Rehtori")
    make_user(organisation=provider, role=MembershipRole.SIGNATORY, name="Arvo Apulaisrehtori")
    agreement = make_agreement(owner=workshop, providers=[provider], created_by=drafter)
    return SimpleNamespace(
        agreement=agreement,
        workshop=workshop,
        provider=provider,
        drafter=drafter,
        signers=[(provider, provider_signatory), (workshop, workshop_signatory)],
    )


def frozen_hash(page: Page) -> str:
    """The .docx's SHA-256 in the request page's table of frozen documents."""
    documents = page.get_by_role("table", name="Frozen documents and their SHA-256 hashes")
    row = documents.get_by_role("row").filter(has=page.get_by_role("link", name="Word document (.docx)"))
    sha256 = row.locator("code").inner_text().strip()
    assert SHA256.match(sha256), sha256
    return sha256


def send_for_signature(page: Page, cast) -> str:
    """From the agreement's page, choose each party's signatory, keep parallel signing, write a message and
    send; the frozen document's hash the request page shows."""
    open_page(page, f"/agreements/{cast.agreement.id}")
    page.get_by_role("link", name="Send for signature").click()
    expect(page.locator("h1")).to_have_text(f"Send {cast.agreement.reference} for signature")
    assert_accessible(page)

    for party, signatory in cast.signers:  # the workshop's legend adds "(drafting workshop)"
        block = page.get_by_role("group", name=re.compile(f"^Signatory for {re.escape(party.name)}"))
        block.get_by_label("Signatory", exact=True).select_option(label=signatory.name)
    order = page.get_by_role("group", name="Signing order")
    expect(order.get_by_label("All at the same time")).to_be_checked()
    page.get_by_label("Message to the signatories").fill(MESSAGE)
    page.get_by_role("button", name="Send for signature").click()

    expect_flash(page, "The agreement was sent for signature")
    expect(page.locator("h1")).to_have_text(f"Signatures on “{cast.agreement.title}”")
    expect(page.get_by_role("region", name="Request details")).to_contain_text(MESSAGE)
    signatures = page.get_by_role("table", name=re.compile("^Signatures of the parties"))
    for party, signatory in cast.signers:
        row = signatures.get_by_role("row").filter(has_text=party.name)
        expect(row).to_contain_text(signatory.name)
        expect(row).to_contain_text("Not signed yet")
    assert_accessible(page)
    return frozen_hash(page)


def downloaded_sha256(page: Page, frozen: Locator) -> str:
    """SHA-256 of the .docx the signing page offers for download."""
    with page.expect_download() as download:
        frozen.get_by_role("link", name="Download .docx").click()
    return hashlib.sha256(Path(download.value.path()).read_bytes()).hexdigest()


def sign(page: Page, cast, signatory, party, sha256: str, wrong_password_first: bool = False) -> None:
    """Log in as ``signatory``, open the signature asked of them from the home page, check the document's
    hash and sign for ``party``."""
    log_in(page, signatory)
    waiting = page.get_by_role("region", name="Signatures waiting for you")
    expect(waiting).to_contain_text(cast.agreement.reference)
    assert_accessible(page)
    waiting.get_by_role("link", name=re.compile(re.escape(cast.agreement.reference))).click()

    expect(page.locator("h1")).to_have_text(f"Sign “{cast.agreement.title}” for {party.name}")
    frozen = page.get_by_role("region", name="The document you sign")
    expect(frozen.locator("code")).to_have_text(sha256)
    expect(frozen).to_contain_text(MESSAGE)
    assert downloaded_sha256(page, frozen) == sha256
    assert_accessible(page)

    signature = page.get_by_role("region", name="Your signature")
    if wrong_password_first:
        signature.get_by_label("Your name").fill(signatory.name)
        signature.get_by_label("Your password").fill(PASSWORD + "x")
        signature.get_by_role("checkbox").check()
        signature.get_by_role("button", name="Sign", exact=True).click()
        signature = page.get_by_role("region", name="Your signature")
        expect(signature).to_contain_text("You have not signed yet.")
        expect(page.locator("#error-summary")).to_be_focused()
        expect(page.get_by_role("alert")).to_contain_text("Your password: The password is not correct.")
        expect(signature.get_by_label("Your password")).to_have_accessible_description(
            re.compile("The password is not correct.")
        )
        expect(signature.get_by_label("Your name")).to_have_value(signatory.name)
        assert_accessible(page)
    else:
        signature.get_by_label("Your name").fill(signatory.name)

    signature.get_by_label("Your password").fill(PASSWORD)
    signature.get_by_role("checkbox").check()
    signature.get_by_role("button", name="Sign", exact=True).click()
    expect_flash(page, f"You signed the agreement for {party.name}.")
    rows = page.get_by_role("table", name=re.compile("^Signatures of the parties")).get_by_role("row")
    expect(rows.filter(has_text=party.name).locator(".badge")).to_have_text("Signed")
    open_page(page, "/")
    expect(page.get_by_role("region", name="Signatures waiting for you")).to_contain_text(
        "Nothing is waiting for your signature."
    )


def expect_signed(page: Page, cast, sha256: str) -> None:
    """On the request page, every party has signed; the agreement's page shows it signed, in force, with the
    certificate and its history; the certificate lists both signers and the document's hash."""
    page.reload()
    expect(page.locator("main .lead")).to_contain_text("Signed by every party")
    assert_accessible(page)

    page.get_by_role("link", name=cast.agreement.reference, exact=True).click()
    expect(page.locator("h1")).to_have_text(cast.agreement.title)
    expect(page.locator("main .lead")).to_contain_text("Status: Signed")
    signed = page.get_by_role("region", name="Signed agreement")
    expect(signed).to_contain_text("In force")
    for party, signatory in cast.signers:
        expect(signed.get_by_role("row").filter(has_text=party.name)).to_contain_text(signatory.name)
    history = page.get_by_role("region", name="History", exact=True)
    expect(history).to_contain_text("History intact")
    events = history.get_by_role("table")
    expect(events).to_contain_text("Froze a version and asked the parties to sign it")
    expect(events.get_by_role("row").filter(has_text="Signed electronically for a party")).to_have_count(2)
    expect(events).to_contain_text("Every party has signed")
    assert_accessible(page)

    signed.get_by_role("link", name="Certificate of completion").click()
    expect(page.locator("h1")).to_have_text("Certificate of completion")
    document = page.get_by_role("region", name="The signed document")
    expect(document.locator("code").first).to_have_text(sha256)
    signatures = page.get_by_role("region", name="Signatures", exact=True)
    for party, signatory in cast.signers:
        evidence = signatures.get_by_role("region", name=party.name)
        expect(evidence).to_contain_text(signatory.name)
        expect(evidence).to_contain_text(sha256)
    assert_accessible(page)


def test_both_parties_sign_in_the_browser(new_page, cast):
    drafter_page = fresh_page(new_page)
    log_in(drafter_page, cast.drafter)
    sha256 = send_for_signature(drafter_page, cast)

    (provider, provider_signatory), (workshop, workshop_signatory) = cast.signers
    sign(fresh_page(new_page), cast, provider_signatory, provider, sha256, wrong_password_first=True)
    sign(fresh_page(new_page), cast, workshop_signatory, workshop, sha256)

    expect_signed(drafter_page, cast, sha256)
