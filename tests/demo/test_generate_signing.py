"""`flask demo generate`: signing as the operations leave it — a party per organisation with its signer,
commitments joined organisation by organisation, signing contacts — and events the operations record.

The last tests run the real operations on the generated data (inviting, joining, declining, expiring,
closing; sending and signing jointly) and hold their events to the same rules as the generated ones.
"""

from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from flask import current_app
from flask_login import login_user
from sqlalchemy import func, select

from agreements.accounts.models import MembershipRole, User
from agreements.accounts.queries import active_members
from agreements.core.audit import GLOBAL_CHAIN, AuditEvent
from agreements.core.timeutil import helsinki_today
from agreements.drafting.approval import approval_details
from agreements.drafting.models import Agreement, AgreementParty, AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.signatures import accession, operations
from agreements.signatures.eligibility import PartyChoice
from agreements.signatures.models import (
    PartyStatus,
    RequestStatus,
    Signature,
    SignatureRequest,
    SignatureStatus,
    SigningContact,
    SigningMode,
)
from agreements.templates_lib.models import TemplateKind
from tests.support.factories import PASSWORD
from tests.support.signing import EVIDENCE
from tests.support.signing_events import actions, check_events, helsinki_day, request_events


def requests(*where) -> list[SignatureRequest]:
    return list(db.session.scalars(select(SignatureRequest).where(*where).order_by(SignatureRequest.id)))


def accessions(*where) -> list[SignatureRequest]:
    return requests(SignatureRequest.mode == SigningMode.ACCESSION, *where)


def terms(agreement: Agreement) -> dict[int, AgreementParty]:
    query = select(AgreementParty).where(AgreementParty.agreement_id == agreement.id)
    return {t.organisation_id: t for t in db.session.scalars(query)}


def test_every_request_has_a_party_per_organisation_with_one_named_signer(generated):
    for request in requests():
        commitment = request.agreement.template_version.template.kind == TemplateKind.COMMITMENT
        assert request.mode == (SigningMode.ACCESSION if commitment else SigningMode.JOINT)
        assert [party.position for party in request.parties] == list(range(1, len(request.parties) + 1))
        assert len(request.signatures) == len(request.parties)
        for party in request.parties:
            (signature,) = party.signers
            assert (party.rule.value, party.signers_in_order) == ("one", False)
            assert (signature.position, signature.party_position) == (1, party.position)
            assert signature.organisation_id == party.organisation_id
            assert party.invited_at >= request.sent_at and party.invited_by_id is not None


def test_joint_requests_end_as_the_operations_end_them(generated):
    for request in requests(SignatureRequest.mode == SigningMode.JOINT):
        statuses = {party.status for party in request.parties}
        if request.status == RequestStatus.PENDING:
            assert PartyStatus.PENDING in statuses
        elif request.status == RequestStatus.VOIDED:
            assert statuses == {PartyStatus.VOIDED}
        elif request.status != RequestStatus.COMPLETED:
            assert PartyStatus.PENDING not in statuses and statuses != {PartyStatus.SIGNED}
            assert (PartyStatus.DECLINED in statuses) == (request.status == RequestStatus.DECLINED)


def test_every_signing_event_has_the_actor_and_details_the_operations_give_it(generated):
    for request in requests():
        events = request_events(request)
        check_events(request, events)
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)


def test_commitments_are_joined_organisation_by_organisation_from_each_ones_own_day(generated):
    joined = [r for r in accessions() if any(p.status == PartyStatus.SIGNED for p in r.parties)]
    assert joined
    for request in accessions(SignatureRequest.status == RequestStatus.PENDING):
        if request not in joined:
            assert request.agreement.status == AgreementStatus.AWAITING_SIGNATURES
            assert not any(own.bound for own in terms(request.agreement).values())
    for request in joined:
        agreement, bound = request.agreement, terms(request.agreement)
        signed = [party for party in request.parties if party.status == PartyStatus.SIGNED]
        assert agreement.status in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)
        for party in request.parties:
            own = bound[party.organisation_id]
            day = helsinki_day(party.signed_at) if party in signed else None
            assert (own.bound, own.joined_on) == (party in signed, day), agreement.reference
        marked = _events("agreement.mark_signed", agreement)
        assert [event.created_at for event in marked] == [min(party.signed_at for party in signed)]


def test_every_commitment_was_approved_in_the_version_it_opened_as_the_operation_records(generated):
    for request in accessions():
        decisions = [d for d in request.agreement.approvals if d.version_id == request.version_id]
        assert len(decisions) == 1, request.id
        (decision,) = decisions
        assert decision.recorded_at < request.sent_at
        assert decision.decided_on <= helsinki_day(decision.recorded_at)
        assert decision.decided_on >= helsinki_day(request.version.created_at)
        query = select(AuditEvent).where(
            AuditEvent.action == "agreement.approve", AuditEvent.object_id == request.agreement_id
        )
        events = [e for e in db.session.scalars(query) if e.details["decision"] == decision.id]
        assert [(e.actor_id, e.details) for e in events] == [
            (decision.recorded_by_id, approval_details(decision))
        ]


def test_a_decline_ends_only_that_organisations_invitation(generated):
    declined = [(r, p) for r in accessions() for p in r.parties if p.status == PartyStatus.DECLINED]
    assert declined
    for request, party in declined:
        (signature,) = party.signers
        assert signature.status == SignatureStatus.DECLINED and signature.decline_reason == party.end_reason
        assert request.status in (RequestStatus.PENDING, RequestStatus.CLOSED)
        others = [p for p in request.parties if p is not party and p.signed_at is not None]
        assert all(p.signers[0].status == SignatureStatus.SIGNED for p in others)
        assert not terms(request.agreement)[party.organisation_id].bound


def test_organisations_are_invited_later_and_some_invitations_end_unanswered(generated):
    invited = [p for r in accessions() for p in r.parties if p.invited_at > r.sent_at]
    assert invited and any(p.respond_by for p in invited)
    for party in invited:
        assert party.organisation_id in terms(party.request.agreement)
    ended = {p.status for r in accessions() for p in r.parties}
    assert {PartyStatus.EXPIRED, PartyStatus.WITHDRAWN} <= ended
    for party in (p for r in accessions() for p in r.parties if p.status == PartyStatus.EXPIRED):
        assert helsinki_day(party.ended_at) == party.respond_by + timedelta(days=1)
    assert accessions(SignatureRequest.status == RequestStatus.CLOSED)
    assert accessions(SignatureRequest.status == RequestStatus.PENDING)


def test_invited_signers_who_signed_are_signing_contacts_of_that_organisation(generated):
    first = (
        select(Signature.organisation_id, Signature.signatory_id, func.min(Signature.id))
        .where(Signature.signer_role == "invited", Signature.signed_at.is_not(None))
        .group_by(Signature.organisation_id, Signature.signatory_id)
    )
    contacts = db.session.scalars(select(SigningContact).order_by(SigningContact.id)).all()
    assert contacts
    assert {(c.organisation_id, c.user_id, c.first_signature_id) for c in contacts} == set(
        db.session.execute(first).all()
    )
    for contact in contacts:
        assert contact.user.memberships == []
        assert contact.added_at == db.session.get(Signature, contact.first_signature_id).signed_at
        (event,) = _events("signing_contact.add", contact)
        assert (event.chain, event.actor_id, event.created_at) == (
            GLOBAL_CHAIN,
            contact.user_id,
            contact.added_at,
        )
        assert event.details == {
            "organisation": contact.organisation_id,
            "user": contact.user_id,
            "signature": contact.first_signature_id,
        }
        (invitation,) = _events("user.invite", contact.user)
        assert invitation.details == {"email": contact.user.email, "organisation_id": None, "role": None}


def _events(action: str, obj) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.action == action,
        AuditEvent.object_type == obj.__tablename__,
        AuditEvent.object_id == obj.id,
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


# The real operations on the generated data: their events follow the same rules, in the same steps.


@contextmanager
def acting_as(user: User):
    """A request of ``user``'s, as the signing pages run the operations in."""
    with current_app.test_request_context():
        login_user(user)
        yield


def last_event_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id)))


def steps(events: list[AuditEvent]) -> list[list[AuditEvent]]:
    """Generated events, grouped by the moment they were recorded."""
    groups: dict = {}
    for event in events:
        groups.setdefault(event.created_at, []).append(event)
    return list(groups.values())


def signatory(organisation: Organisation) -> User:
    return next(u for u in active_members([organisation.id], MembershipRole.SIGNATORY) if u.password_hash)


def editor(agreement: Agreement) -> User:
    return next(u for u in active_members([agreement.owner_id], MembershipRole.EDITOR) if u.password_hash)


def newcomers(request: SignatureRequest, count: int) -> list[PartyChoice]:
    """Organisations not yet asked, each with one of its signatories."""
    asked = {party.organisation_id for party in request.parties}
    organisations = db.session.scalars(select(Organisation).where(Organisation.id.not_in(asked)))
    return [PartyChoice(organisation, (signatory(organisation),)) for organisation in organisations][:count]


def run(request: SignatureRequest, operation) -> list[str]:
    """Run an operation and return the actions it recorded for the request, a run of one action shortened
    to one; every event of the request is checked against the rules."""
    before = last_event_id()
    operation()
    db.session.flush()
    db.session.expire_all()
    check_events(request, request_events(request))
    return actions(request_events(request, after_id=before))


def sign(signature: Signature) -> None:
    """The signer signs, as the signing page has them do."""
    user = signature.signatory
    with acting_as(user):
        operations.sign(signature, user, PASSWORD, user.name, True, "fi", EVIDENCE)


def decline(signature: Signature) -> None:
    """The signer declines, with a reason."""
    with acting_as(signature.signatory):
        operations.decline(signature, signature.signatory, "Emme voi sitoutua tähän nyt.")


def generated_steps(mode: SigningMode) -> list[list[str]]:
    """Every step the generated requests took, as the actions recorded at one moment."""
    return [
        actions(step)
        for request in requests(SignatureRequest.mode == mode)
        for step in steps(request_events(request))
    ]


def test_inviting_joining_declining_expiring_and_closing_record_what_the_generator_does(generated):
    request = accessions(SignatureRequest.status == RequestStatus.PENDING)[-1]
    drafter, choices = editor(request.agreement), newcomers(request, 4)
    today = helsinki_today()

    with acting_as(drafter):
        invited = run(request, lambda: accession.invite(request, drafter, choices[:3]))
        run(request, lambda: accession.invite(request, drafter, choices[3:], respond_by=today))
    joiner, decliner = (request.party_of(choice.organisation.id).signers[0] for choice in choices[:2])
    joined = run(request, lambda: sign(joiner))
    declined = run(request, lambda: decline(decliner))
    expired = run(request, lambda: accession.expire_invitations(today + timedelta(days=2)))
    with acting_as(drafter):
        closed = run(request, lambda: accession.close_accession(request, drafter, "Liittymisaika päättyi."))

    assert joiner.status == SignatureStatus.SIGNED and request.status == RequestStatus.CLOSED
    assert terms(request.agreement)[joiner.organisation_id].joined_on == helsinki_day(joiner.signed_at)
    assert not terms(request.agreement)[decliner.organisation_id].bound
    taken = generated_steps(SigningMode.ACCESSION)
    for step in (invited, joined, declined, expired, closed):
        assert step in taken, step


def sent(agreement: Agreement) -> tuple[SignatureRequest, list[str]]:
    """The draft sent by its drafter to a signatory of each party, and the actions that recorded."""
    drafter = editor(agreement)
    choices = [(party, signatory(party)) for party in agreement.parties]
    with acting_as(drafter):
        request = operations.send_for_signature(agreement, drafter, choices)
    db.session.flush()
    check_events(request, request_events(request))
    return request, actions(request_events(request))


def test_sending_signing_and_declining_jointly_record_what_the_generator_does(generated):
    drafts = db.session.scalars(
        select(Agreement).where(Agreement.status == AgreementStatus.DRAFT).order_by(Agreement.id)
    )
    joint = [draft for draft in drafts if draft.template_version.template.kind != TemplateKind.COMMITMENT]
    (completing, sending), (declining, _) = sent(joint[0]), sent(joint[1])

    signing = [run(completing, partial(sign, signature)) for signature in completing.signatures]
    declined = run(declining, partial(decline, declining.signatures[0]))

    assert completing.status == RequestStatus.COMPLETED and declining.status == RequestStatus.DECLINED
    assert (joint[0].status, joint[1].status) == (AgreementStatus.SIGNED, AgreementStatus.DRAFT)
    taken = generated_steps(SigningMode.JOINT)
    for step in (sending, *signing, declined):
        assert step in taken, step
