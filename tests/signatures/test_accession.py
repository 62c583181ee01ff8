"""A commitment is joined, not co-signed: six organisations invited, two sign, the third declines and the
others' signatures stand; a seventh is invited later and joins; after the joining is closed nobody new
can be invited or sign; each organisation is bound from its own signature day; a revised version lists
who signed the earlier one."""

from datetime import date

import pytest
from sqlalchemy import select

from agreements.core.errors import OperationRefused
from agreements.core.timeutil import helsinki_today
from agreements.drafting.models import Agreement, AgreementParty, AgreementStatus
from agreements.extensions import db
from agreements.signatures import accession, operations, queries
from agreements.signatures.eligibility import PartyChoice
from agreements.signatures.models import PartyStatus, RequestStatus, SignatureStatus, SigningMode
from tests.support.joining import approve, moment, sign_for, signatory
from tests.support.signing import edit_agreement


def terms(agreement: Agreement, organisation) -> AgreementParty:
    return db.session.get(AgreementParty, (agreement.id, organisation.id))


def bound_on(agreement: Agreement, day: date) -> set[str]:
    """Names of the organisations the agreement binds on ``day``, by the query every count uses."""
    query = (
        select(AgreementParty)
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(Agreement.id == agreement.id, AgreementParty.in_force_on(day))
    )
    return {party.organisation.name for party in db.session.scalars(query)}


def test_opening_invites_each_organisation_for_itself(opened, commitment):
    assert opened.mode == SigningMode.ACCESSION
    assert [p.status for p in opened.parties] == [PartyStatus.PENDING] * 6
    assert commitment.status == AgreementStatus.AWAITING_SIGNATURES
    assert bound_on(commitment, date(2026, 9, 2)) == set()


def test_a_decline_ends_only_that_organisations_invitation(opened, commitment, joiners):
    sign_for(opened, joiners[0], moment(3))
    sign_for(opened, joiners[1], moment(10))
    third = opened.party_of(joiners[2].id).signers[0]
    operations.decline(third, third.signatory, "Hallitus ei ole käsitellyt linjauksia.", moment(12))
    db.session.commit()

    assert opened.status == RequestStatus.PENDING
    assert commitment.status == AgreementStatus.SIGNED
    statuses = [opened.party_of(o.id).status for o in joiners[:6]]
    assert statuses == [
        PartyStatus.SIGNED,
        PartyStatus.SIGNED,
        PartyStatus.DECLINED,
        *[PartyStatus.PENDING] * 3,
    ]
    assert opened.party_of(joiners[2].id).end_reason == "Hallitus ei ole käsitellyt linjauksia."
    assert [s.status for s in opened.party_of(joiners[0].id).signers] == [SignatureStatus.SIGNED]
    assert bound_on(commitment, date(2026, 9, 20)) == {"Liittyjä 1", "Liittyjä 2"}
    # the fourth can still join, and nobody re-signs
    sign_for(opened, joiners[3], moment(15))
    assert bound_on(commitment, date(2026, 9, 20)) == {"Liittyjä 1", "Liittyjä 2", "Liittyjä 4"}


def test_each_organisation_is_bound_from_its_own_signature_day(opened, commitment, joiners):
    sign_for(opened, joiners[0], moment(3))
    sign_for(opened, joiners[1], moment(10))
    assert terms(commitment, joiners[0]).joined_on == date(2026, 9, 3)
    assert terms(commitment, joiners[1]).joined_on == date(2026, 9, 10)
    assert bound_on(commitment, date(2026, 9, 2)) == set()
    assert bound_on(commitment, date(2026, 9, 3)) == {"Liittyjä 1"}
    assert bound_on(commitment, date(2026, 9, 10)) == {"Liittyjä 1", "Liittyjä 2"}
    assert terms(commitment, joiners[4]).bound is False


def test_an_organisation_invited_later_joins_and_after_closing_nobody_new_can(
    opened, commitment, joiners, drafter
):
    sign_for(opened, joiners[0], moment(3))
    seventh = joiners[6]
    accession.invite(opened, drafter, [PartyChoice(seventh, (signatory(seventh),))], now=moment(20))
    db.session.commit()
    assert seventh in commitment.parties and terms(commitment, seventh).bound is False
    sign_for(opened, seventh, moment(25))
    assert terms(commitment, seventh).joined_on == date(2026, 9, 25)

    accession.close_accession(opened, drafter, "Allekirjoituskierros päättyi.", moment(30))
    db.session.commit()
    assert opened.status == RequestStatus.CLOSED
    assert opened.party_of(joiners[5].id).status == PartyStatus.WITHDRAWN
    assert commitment.status == AgreementStatus.SIGNED
    assert bound_on(commitment, date(2026, 10, 1)) == {"Liittyjä 1", "Liittyjä 7"}

    eighth = joiners[7]
    with pytest.raises(OperationRefused, match="closed"):
        accession.invite(opened, drafter, [PartyChoice(eighth, (signatory(eighth),))])
    with pytest.raises(OperationRefused):
        sign_for(opened, joiners[5], moment(1, 10))


def test_an_organisation_cannot_be_invited_twice(opened, joiners, drafter):
    again = PartyChoice(joiners[0], (signatory(joiners[0]),))
    with pytest.raises(OperationRefused, match="invited already"):
        accession.invite(opened, drafter, [again])


def test_closing_before_anyone_joined_returns_the_commitment_to_draft(opened, commitment, drafter):
    accession.close_accession(opened, drafter, "", moment(5))
    db.session.commit()
    assert commitment.status == AgreementStatus.DRAFT


def test_a_revised_version_lists_the_earlier_signers_and_they_stay_bound(
    opened, commitment, joiners, drafter
):
    sign_for(opened, joiners[0], moment(3))
    sign_for(opened, joiners[1], moment(4))
    edit_agreement(commitment, drafter)
    db.session.commit()
    assert opened.status == RequestStatus.CLOSED  # the earlier version is no longer open for joining
    assert commitment.status == AgreementStatus.SIGNED
    assert {p.organisation.name for p in queries.earlier_signers(commitment)} == {"Liittyjä 1", "Liittyjä 2"}
    assert bound_on(commitment, date(2026, 10, 1)) == {"Liittyjä 1", "Liittyjä 2"}

    approve(commitment, drafter)  # the revised version is approved anew
    revised = operations.send_for_signature(
        commitment, drafter, [(o, signatory(o)) for o in joiners[:2]], now=moment(10, 10)
    )
    db.session.commit()
    assert revised.version.number == 2 and revised.is_pending
    assert bound_on(commitment, date(2026, 10, 11)) == {"Liittyjä 1", "Liittyjä 2"}


def test_an_invitation_expires_after_its_last_day(opened, joiners, drafter):
    late = joiners[6]
    today = helsinki_today()  # the service's day, which differs from UTC's between 22 and 24 UTC
    accession.invite(opened, drafter, [PartyChoice(late, (signatory(late),))], respond_by=today)
    db.session.commit()
    assert accession.expire_invitations(today=today) == 0
    assert accession.expire_invitations(today=date.fromordinal(today.toordinal() + 1)) == 1
    assert opened.party_of(late.id).status == PartyStatus.EXPIRED
    assert opened.is_pending


def test_when_the_commitment_ends_its_joining_closes(opened, commitment, joiners, editor):
    from agreements.reminders.renewal import give_notice

    sign_for(opened, joiners[0], moment(3))
    give_notice(commitment, commitment.owner, date(2026, 9, 10), "", editor, today=date(2026, 9, 10))
    db.session.commit()
    assert commitment.status == AgreementStatus.TERMINATED
    assert opened.status == RequestStatus.CLOSED
    with pytest.raises(OperationRefused):
        sign_for(opened, joiners[1], moment(11))


def test_an_organisation_that_gave_notice_and_signs_a_revised_version_stays(
    opened, commitment, joiners, drafter, editor
):
    from agreements.reminders.renewal import give_notice

    sign_for(opened, joiners[0], moment(3))
    sign_for(opened, joiners[1], moment(4))
    give_notice(commitment, joiners[0], date(2026, 9, 10), "", editor, today=date(2026, 9, 10))
    assert terms(commitment, joiners[0]).left_on is not None
    edit_agreement(commitment, drafter)
    approve(commitment, drafter)
    revised = operations.send_for_signature(
        commitment, drafter, [(joiners[0], signatory(joiners[0]))], now=moment(20)
    )
    db.session.commit()
    sign_for(revised, joiners[0], moment(25))
    rejoined = terms(commitment, joiners[0])
    assert (rejoined.left_on, rejoined.notice_given_on, rejoined.joined_on) == (None, None, date(2026, 9, 3))
    assert "Liittyjä 1" in bound_on(commitment, date(2027, 6, 1))


def test_only_organisations_that_joined_have_the_commitment_in_their_calendar(opened, commitment, joiners):
    from agreements.reminders.calendar import _dated_agreements

    sign_for(opened, joiners[0], moment(3))
    assert _dated_agreements({joiners[0].id}, date(2026, 9, 1)) == [commitment]
    assert _dated_agreements({joiners[1].id}, date(2026, 9, 1)) == []
