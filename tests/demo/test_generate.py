"""`flask demo generate`: a realistic, consistent and repeatable data set on an empty database."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from agreements.accounts.models import Membership, User
from agreements.core.audit import AuditEvent, verify_chains
from agreements.core.dates import notice_deadline
from agreements.demo.generate import GenerateError, generate
from agreements.demo.generate_clock import Clock
from agreements.drafting.models import Agreement, AgreementParty, AgreementVersion
from agreements.drafting.operations import check_values
from agreements.extensions import db
from agreements.organisations.models import Network, Organisation, OrganisationKind
from agreements.reminders.jobs import send_reminders
from agreements.reminders.renewal import renew_automatically, staying_parties
from agreements.reviews.jobs import close_expired_rounds, send_comment_digests
from agreements.reviews.models import CommentRound, RoundStatus
from agreements.signatures.accession import expire_invitations
from agreements.signatures.models import (
    PartyStatus,
    RequestStatus,
    Signature,
    SignatureRequest,
    SignatureStatus,
    SigningMode,
)
from tests.support.database import empty_tables
from tests.support.demo import TODAY, count, generate_small, synced
from tests.support.factories import PASSWORD

#: Tables whose every column is compared between two runs (users without the salted password hash).
COMPARED = (
    "organisations",
    "memberships",
    "agreements",
    "agreement_versions",
    "agreement_parties",
    "comment_rounds",
    "comments",
    "round_invitations",
    "signature_requests",
    "signing_parties",
    "signatures",
    "signing_contacts",
    "sent_reminders",
    "notifications",
    "outbox_messages",
)


def agreements() -> list[Agreement]:
    return list(db.session.scalars(select(Agreement).order_by(Agreement.id)))


# Runs that generate for themselves on an empty database. They come first: the tests after them share
# one data set, which stays in place until the module's last test.


def test_templates_must_be_synced_first(app):
    with pytest.raises(GenerateError, match="flask templates sync"):
        generate("small", seed=7, today=TODAY, password=PASSWORD)


def snapshot() -> str:
    """A digest of the generated rows, ids included (users without their salted password hashes)."""
    digest = hashlib.sha256()
    for name in COMPARED:
        columns = [c for c in db.metadata.tables[name].c if c.name != "template_version_id"]
        digest.update(repr(db.session.execute(select(*columns).order_by(*columns[:2])).all()).encode())
    users = select(User.id, User.email, User.name, User.created_at).order_by(User.id)
    digest.update(repr(db.session.execute(users).all()).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(app):
    digests = []
    for seed in (7, 7, 8):
        synced()
        generate_small(seed)
        digests.append(snapshot())
        db.session.remove()
        empty_tables()

    assert digests[0] == digests[1] != digests[2]


def test_the_command_generates_and_prints_a_summary(app):
    synced()

    result = app.test_cli_runner().invoke(
        args=["demo", "generate", "--scale", "small", "--today", "2026-03-10"]
    )

    assert result.exit_code == 0, result.output
    assert "Agreements per status:" in result.output
    assert "admin-1@demo.sopimuspolku.fi" in result.output
    assert count(Agreement) >= 300


# One data set for the tests below (the fixture ``generated``): generated once, each test rolled back to it.


def test_counts_are_those_of_the_small_scale(generated):
    assert count(Organisation, Organisation.kind == OrganisationKind.WORKSHOP) == 20
    assert count(Organisation, Organisation.kind == OrganisationKind.PROVIDER) == 10
    assert count(Network) == 16
    assert 50 <= count(User) <= 90
    assert count(Membership) >= 60
    assert 300 <= count(Agreement) <= 330
    assert count(Agreement) < count(AgreementVersion) <= 4 * count(Agreement)
    for table in (
        "comment_rounds",
        "comments",
        "signatures",
        "sent_reminders",
        "notifications",
        "audit_events",
    ):
        assert generated.counts[table] > 0, table
    assert generated.counts["outbox_messages"] >= generated.counts["notifications"]
    assert sum(generated.statuses.values()) == count(Agreement)


def test_status_mix_is_mostly_signed_with_some_of_everything_else(generated):
    statuses = generated.statuses

    assert statuses["signed"] > sum(statuses.values()) / 2
    assert {"terminated", "draft", "cancelled"} <= set(statuses)
    assert statuses["commenting"] + statuses["awaiting_signatures"] >= 1


def test_every_agreement_is_drafted_by_a_workshop_that_is_a_party(generated):
    for agreement in agreements():
        kinds = {party.kind for party in agreement.parties if party.id != agreement.owner_id}
        assert agreement.owner in agreement.parties
        assert agreement.owner.kind == OrganisationKind.WORKSHOP
        if agreement.template_version.template.key != "commitment":
            assert kinds == {OrganisationKind.PROVIDER}, agreement.reference
    commitments = [a for a in agreements() if a.template_version.template.key == "commitment"]
    assert commitments and max(len(a.parties) for a in commitments) > 5


def test_versions_are_numbered_and_hold_values_valid_for_their_template(generated):
    for agreement in agreements():
        numbers = [version.number for version in agreement.versions]
        assert numbers == list(range(1, agreement.current_version_number + 1))
        assert 1 <= len(numbers) <= 4
        latest = agreement.latest_version
        assert (latest.title, latest.start_date) == (agreement.title, agreement.start_date)
        assert latest.party_ids[0] == agreement.owner_id
        for version in agreement.versions:
            assert check_values(agreement.template_version.manifest, version.values) == version.values


def test_dates_and_statuses_agree(generated):
    for agreement in agreements():
        requests = db.session.scalars(
            select(SignatureRequest).where(SignatureRequest.agreement_id == agreement.id)
        ).all()
        by_status = {request.status for request in requests}
        joined = [p for r in requests if r.is_accession for p in r.parties if p.status == PartyStatus.SIGNED]
        assert agreement.end_date is None or agreement.end_date >= agreement.start_date
        assert agreement.notice_deadline == notice_deadline(
            agreement.end_date, agreement.notice_period_months
        )
        signed = agreement.status.value in ("signed", "terminated")
        assert signed == (RequestStatus.COMPLETED in by_status or bool(joined)), agreement.reference
        awaiting = RequestStatus.PENDING in by_status and not signed
        assert (agreement.status.value == "awaiting_signatures") == awaiting, agreement.reference
        assert (agreement.notice_given_on is not None) == (agreement.status.value == "terminated")
        if agreement.status.value == "terminated":
            # the notice ends the agreement: the drafting workshop's, or the only provider's
            giver = db.session.get(AgreementParty, (agreement.id, agreement.notice_given_by_id))
            assert giver.bound and giver.notice_given_on == agreement.notice_given_on
            assert agreement.notice_given_by_id == agreement.owner_id or len(agreement.parties) == 2
        if agreement.status.value == "signed" and agreement.auto_renew and agreement.end_date:
            assert agreement.end_date >= TODAY, "an automatic renewal was left undone"
    open_rounds = db.session.scalars(
        select(CommentRound).where(CommentRound.status == RoundStatus.OPEN)
    ).all()
    assert all(r.agreement.status.value == "commenting" for r in open_rounds)


def test_completed_requests_have_every_party_signed_with_its_evidence(generated):
    completed = db.session.scalars(
        select(SignatureRequest).where(SignatureRequest.status == RequestStatus.COMPLETED)
    ).all()
    assert completed
    for request in completed:
        assert request.mode == SigningMode.JOINT
        assert {p.organisation_id for p in request.parties} == {p.id for p in request.agreement.parties}
        for party in request.parties:
            (signature,) = party.signers
            assert party.status == PartyStatus.SIGNED
            assert signature.status == SignatureStatus.SIGNED
            assert signature.signed_at == party.signed_at <= request.closed_at
            assert signature.document_sha256 == request.docx_sha256
        assert request.closed_at == max(party.signed_at for party in request.parties)
        assert hashlib.sha256(request.docx).hexdigest() == request.docx_sha256


def test_renewals_are_linked_to_the_agreement_they_renew(generated):
    renewals = [agreement for agreement in agreements() if agreement.renewal_of is not None]

    assert renewals
    for renewal in renewals:
        original = renewal.renewal_of
        assert original.status.value in ("signed", "terminated")
        assert original.created_at < renewal.created_at
        assert renewal.owner_id == original.owner_id
        assert {p.id for p in renewal.parties} == {p.id for p in staying_parties(original)}
        assert renewal.start_date == original.latest_version.end_date + timedelta(days=1)


def test_events_are_by_people_who_had_joined_and_record_what_the_operations_record(generated):
    joined_later = select(AuditEvent).join(User, User.id == AuditEvent.actor_id)
    assert db.session.scalars(joined_later.where(User.created_at > AuditEvent.created_at)).all() == []
    paper = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signature.paper")).all()
    assert paper
    for event in paper:
        signature = db.session.get(Signature, event.object_id)
        assert event.details["paper_sha256"] == signature.paper_sha256
        assert event.details["size"] == len(signature.paper_pdf)


def test_audit_chains_are_intact(generated):
    chains, problems = verify_chains()

    assert problems == []
    assert chains == count(Agreement) + 1


def test_the_scheduler_finds_nothing_left_undone(generated):
    now = Clock(TODAY).now + timedelta(minutes=1)

    assert renew_automatically(now) == 0
    assert close_expired_rounds(now) == []
    assert send_comment_digests(now) == 0
    assert send_reminders(now) == 0
    assert expire_invitations(TODAY, now) == 0


def _agreement_seen_by(user: User) -> Agreement:
    regions = {region.id for network in user.coordinated_networks for region in network.regions}
    return next(a for a in agreements() if any(p.region_id in regions for p in a.parties))


@pytest.mark.parametrize("email", ["admin-1@demo.sopimuspolku.fi", "coordinator-1@demo.sopimuspolku.fi"])
def test_pages_answer_on_the_generated_data(generated, client, login, email):
    user = db.session.scalar(select(User).where(User.email == email))
    agreement = agreements()[-1] if user.is_admin else _agreement_seen_by(user)
    login(client, user)

    assert client.get("/agreements/").status_code == 200
    assert client.get(f"/agreements/{agreement.id}").status_code == 200
    assert client.get("/notifications/").status_code == 200


def test_a_database_with_agreements_is_refused(generated):
    with pytest.raises(GenerateError, match="already has"):
        generate("small", seed=7, today=TODAY, password=PASSWORD)


def test_the_command_refuses_a_database_with_data(app, generated):
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--scale", "small"])

    assert result.exit_code != 0
    assert "already has" in result.output
