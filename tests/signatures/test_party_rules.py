"""A party's signing rule: every one of its named signers (optionally in order) or one of them; replacing
a signer who has not signed keeps the signatures given; a reminder sent now, at most once a day."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import utcnow
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.notifications.models import Notification
from agreements.signatures import operations, queries, signers
from agreements.signatures.eligibility import PartyChoice
from agreements.signatures.models import PartyStatus, Signature, SignatureStatus, SignerRule
from tests.support.factories import PASSWORD
from tests.support.signing import EVIDENCE


@pytest.fixture
def rector(make_user, provider):
    return make_user(organisation=provider, role=MembershipRole.SIGNATORY, name="Riitta Rehtori")


@pytest.fixture
def finance_director(make_user, provider):
    return make_user(organisation=provider, role=MembershipRole.SIGNATORY, name="Taisto Talousjohtaja")


@pytest.fixture
def deputy(make_user, provider):
    return make_user(organisation=provider, role=MembershipRole.SIGNATORY, name="Varpu Vararehtori")


@pytest.fixture
def workshop_signatory(make_user, workshop):
    return make_user(organisation=workshop, role=MembershipRole.SIGNATORY, name="Timo Toiminnanjohtaja")


@pytest.fixture
def send_with(agreement, drafter, provider, workshop, workshop_signatory, rector, finance_director):
    """Factory: the provider signs by rector and finance director under ``rule``, the workshop by one."""

    def make(rule=SignerRule.ALL, in_order=False):
        provider_choice = PartyChoice(provider, (rector, finance_director), rule, in_order)
        request = operations.send_for_signature(
            agreement, drafter, [provider_choice, (workshop, workshop_signatory)]
        )
        db.session.commit()
        return request

    return make


def sign(signature):
    user = signature.signatory
    operations.sign(signature, user, PASSWORD, user.name, True, "fi", EVIDENCE)
    db.session.commit()


def test_a_party_needing_two_signers_is_not_signed_after_one(send_with, provider, workshop, agreement):
    request = send_with()
    party = request.party_of(provider.id)
    first, second = party.signers
    sign(first)
    assert party.status == PartyStatus.PENDING
    sign(request.party_of(workshop.id).signers[0])
    assert agreement.status == AgreementStatus.AWAITING_SIGNATURES
    sign(second)
    assert party.status == PartyStatus.SIGNED
    assert agreement.status == AgreementStatus.SIGNED
    assert [s.signatory.name for s in request.signatures if s.status == SignatureStatus.SIGNED] == [
        "Riitta Rehtori",
        "Taisto Talousjohtaja",
        "Timo Toiminnanjohtaja",
    ]


def test_signers_in_order_sign_one_after_another(send_with, provider, finance_director):
    request = send_with(in_order=True)
    first, second = request.party_of(provider.id).signers
    assert queries.awaiting(request)[0] == first
    assert second not in queries.awaiting(request)
    assert "not yet your turn" in queries.why_not_now(second)
    with pytest.raises(OperationRefused):
        sign(second)
    sign(first)
    assert second in queries.awaiting(request)
    asked = db.session.scalars(
        db.select(Notification).where(Notification.user_id == finance_director.id)
    ).all()
    assert len(asked) == 1  # told when the turn came, not before


def test_with_one_of_several_signers_the_first_signature_is_enough(send_with, provider):
    request = send_with(rule=SignerRule.ONE)
    first, second = request.party_of(provider.id).signers
    sign(second)
    assert request.party_of(provider.id).status == PartyStatus.SIGNED
    assert first.status == SignatureStatus.VOIDED
    assert "no other signature is needed" in queries.why_not_now(first)


def test_replacing_an_unsigned_signer_keeps_the_signatures_given(
    send_with, provider, drafter, deputy, rector
):
    request = send_with()
    first, second = request.party_of(provider.id).signers
    sign(first)
    signers.replace_signer(second, drafter, deputy)
    db.session.commit()
    assert first.status == SignatureStatus.SIGNED and first.signatory == rector
    assert second.signatory == deputy and second.status == SignatureStatus.PENDING
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "signature.replace_signer")
    ).one()
    assert event.details["to"] == deputy.id
    sign(second)
    assert request.party_of(provider.id).status == PartyStatus.SIGNED


def test_a_signer_who_signed_cannot_be_replaced(send_with, provider, drafter, deputy):
    request = send_with()
    first = request.party_of(provider.id).signers[0]
    sign(first)
    with pytest.raises(OperationRefused, match="not signed yet"):
        signers.replace_signer(first, drafter, deputy)


def test_only_an_eligible_person_replaces_a_signer(send_with, provider, drafter, make_user):
    request = send_with()
    outsider = make_user(name="Ulla Ulkopuolinen")
    with pytest.raises(OperationRefused, match="not a signatory"):
        signers.replace_signer(request.party_of(provider.id).signers[1], drafter, outsider)


def test_a_reminder_now_is_sent_at_most_once_a_day(send_with, provider, drafter, rector):
    request = send_with()
    first = request.party_of(provider.id).signers[0]
    before = db.session.query(Notification).filter_by(user_id=rector.id).count()
    now = utcnow()
    signers.remind_now(first, drafter, now)
    db.session.commit()
    assert db.session.query(Notification).filter_by(user_id=rector.id).count() == before + 1
    with pytest.raises(OperationRefused, match="less than a day ago"):
        signers.remind_now(first, drafter, now + timedelta(hours=23))
    signers.remind_now(first, drafter, now + timedelta(days=1, minutes=1))
    db.session.commit()
    assert db.session.query(Notification).filter_by(user_id=rector.id).count() == before + 2


def test_only_a_signer_whose_turn_it_is_is_reminded(send_with, provider, drafter):
    request = send_with(in_order=True)
    second = request.party_of(provider.id).signers[1]
    with pytest.raises(OperationRefused, match="whose turn it is"):
        signers.remind_now(second, drafter)


def test_when_one_signer_is_enough_one_decline_leaves_the_others_to_sign(send_with, provider, agreement):
    request = send_with(rule=SignerRule.ONE)
    first, second = request.party_of(provider.id).signers
    operations.decline(first, first.signatory, "En työskentele enää oppilaitoksessa.")
    db.session.commit()
    assert first.status == SignatureStatus.DECLINED
    assert request.party_of(provider.id).status == PartyStatus.PENDING and request.is_pending
    operations.decline(second, second.signatory, "Emme allekirjoita.")
    db.session.commit()
    assert request.party_of(provider.id).status == PartyStatus.DECLINED
    assert agreement.status == AgreementStatus.DRAFT


@pytest.mark.postgresql
@pytest.mark.committing  # threads, each with its own connection
def test_every_signer_signing_at_once_completes_the_agreement(app, send_with, provider, workshop, agreement):
    """Three signers press Sign at the same moment; the request's row lock makes each see the others."""
    request = send_with()
    signature_ids = [s.id for s in request.signatures]
    barrier = threading.Barrier(len(signature_ids))

    def sign_at_once(signature_id: int) -> None:
        with app.app_context():
            signature = db.session.get(Signature, signature_id)
            user = signature.signatory
            barrier.wait()
            operations.sign(signature, user, PASSWORD, user.name, True, "fi", EVIDENCE)
            time.sleep(0.05)  # hold the request a moment, so the others must wait for it
            db.session.commit()

    with ThreadPoolExecutor(max_workers=len(signature_ids)) as pool:
        list(pool.map(sign_at_once, signature_ids))
    db.session.expire_all()
    assert [p.status for p in request.parties] == [PartyStatus.SIGNED, PartyStatus.SIGNED]
    assert agreement.status == AgreementStatus.SIGNED


def test_the_replaced_signer_is_told_with_a_link_they_can_open(
    send_with, provider, drafter, deputy, finance_director
):
    request = send_with()
    second = request.party_of(provider.id).signers[1]
    signers.replace_signer(second, drafter, deputy)
    db.session.commit()
    told = db.session.scalars(
        db.select(Notification)
        .where(Notification.user_id == finance_director.id)
        .order_by(Notification.id.desc())
    ).first()
    assert "No signature needed now" in told.subject and told.link.endswith("/")
