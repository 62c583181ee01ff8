"""The agreement's history: its events from the audit hash chain, and whether the chain is intact."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from agreements.core.audit import AuditEvent, record
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.reviews import operations as review_operations
from agreements.reviews.models import RoundVisibility
from agreements.signatures import operations
from tests.support.review_world import open_plain_round


def detail(client, agreement) -> str:
    return client.get(f"/agreements/{agreement.id}").get_data(as_text=True)


def test_the_agreements_page_lists_its_events_and_an_intact_history(client, login, drafter, send, sign):
    request = send()
    sign(request.signatures[0])
    login(client, drafter)
    page = detail(client, request.agreement)
    assert "History intact" in page and "History has been altered" not in page
    for description in (
        "Sent the agreement for signature",
        "Froze a version and asked the parties to sign it",
        "Signed electronically for a party",
    ):
        assert description in page
    assert "Eeva Editori" in page and "Riitta Rehtori" in page
    # newest first
    assert page.index("Signed electronically for a party") < page.index("Sent the agreement for signature")


def test_the_full_history_page_shows_every_event_with_its_hash(client, login, drafter, send):
    request = send()
    login(client, drafter)
    page = client.get(f"/signatures/history/{request.agreement_id}").get_data(as_text=True)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.chain == f"agreement:{request.agreement_id}")
    )
    for event in events:
        assert event.hash in page
    assert "History intact" in page


TAMPERING = {
    "changed": "UPDATE audit_events SET action = 'signature.sign' WHERE action = 'signature.decline'",
    "deleted": "DELETE FROM audit_events WHERE action = 'signature_request.send'",
    "last deleted": "DELETE FROM audit_events WHERE action = 'agreement.return_to_draft'",
}


@pytest.mark.parametrize("tampering", TAMPERING.values(), ids=TAMPERING.keys())
def test_an_event_changed_or_deleted_in_sql_shows_the_history_as_altered(
    client, login, drafter, send, provider_signatory, tampering
):
    request = send()
    operations.decline(request.signatures[0], provider_signatory, "Korvaus puuttuu.")
    db.session.commit()
    assert db.session.execute(text(tampering)).rowcount == 1  # in SQL, past the ORM's guards
    db.session.commit()
    login(client, drafter)
    for url in (f"/agreements/{request.agreement_id}", f"/signatures/history/{request.agreement_id}"):
        page = client.get(url).get_data(as_text=True)
        assert "History has been altered" in page and "History intact" not in page


def test_the_agreements_page_shows_the_latest_50_events_and_links_to_all(client, login, drafter, agreement):
    for number in range(54):
        record("agreement.save", agreement, {"version": number}, actor=drafter)
    record("agreement.archive", agreement, actor=drafter)
    db.session.commit()
    login(client, drafter)
    page = detail(client, agreement)
    assert page.count("Saved a new version") == 49 and "agreement.archive" in page
    assert "Showing the latest 50 of 55 events." in page and f"/signatures/history/{agreement.id}" in page
    full = client.get(f"/signatures/history/{agreement.id}").get_data(as_text=True)
    assert full.count("Saved a new version") == 54 and "History intact" in full


def test_history_shows_descriptions_never_the_events_details(
    client, login, drafter, send, provider_signatory
):
    request = send()
    operations.decline(request.signatures[0], provider_signatory, "Salainen syy")
    db.session.commit()
    login(client, drafter)
    page = client.get(f"/signatures/history/{request.agreement_id}").get_data(as_text=True)
    assert "Declined to sign" in page and "Salainen syy" not in page


def test_comments_in_a_private_round_stay_out_of_other_readers_history(
    client, login, agreement, drafter, provider, provider_signatory, make_network, make_user
):
    comment_round = open_plain_round(
        agreement, drafter, utcnow() + timedelta(days=14), [provider], RoundVisibility.DRAFTER_ONLY
    )
    review_operations.add_comment(comment_round, provider_signatory, "Luottamuksellinen huomio")
    db.session.commit()
    coordinator = make_user(networks=[make_network()], name="Kaisa Koordinaattori")
    login(client, coordinator)
    page = client.get(f"/signatures/history/{agreement.id}").get_data(as_text=True)
    assert "Opened a comment round" in page
    assert "Commented in a comment round" not in page and "Riitta Rehtori" not in page
    client.post("/logout")
    login(client, drafter)
    page = client.get(f"/signatures/history/{agreement.id}").get_data(as_text=True)
    assert "Commented in a comment round" in page and "Riitta Rehtori" in page
    assert "Luottamuksellinen huomio" not in page


def test_only_readers_of_the_agreement_see_its_history(
    client, login, agreement, make_user, make_organisation
):
    login(client, make_user(organisation=make_organisation(name="Muu Paja")))
    assert client.get(f"/signatures/history/{agreement.id}").status_code == 404
    client.post("/logout")
    response = client.get(f"/signatures/history/{agreement.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
