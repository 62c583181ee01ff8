"""Notice by one provider of a bilateral or annex agreement with several: it ends that provider's own part
after the notice period while the workshop and another provider stay; the workshop's notice, or the last
provider's, ends the agreement as before. The notice page says which will happen before it is recorded."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import helsinki_today
from agreements.core.web import format_day
from agreements.drafting.models import AgreementStatus
from agreements.drafting.parties import terms_of
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reminders.renewal import give_notice, renew, staying_parties
from tests.support.client import log_in
from tests.support.messages import take_mail

JANUARY_12 = date(2027, 1, 12)


@pytest.fixture
def second_provider(make_organisation):
    return make_organisation(kind=OrganisationKind.PROVIDER, name="Sasky")


@pytest.fixture
def second_provider_editor(make_user, second_provider):
    return make_user(organisation=second_provider, role=MembershipRole.EDITOR, name="Sanna Sasky")


@pytest.fixture
def three_parties(make_agreement, workshop, provider, second_provider, editor):
    """Factory: a signed agreement of the workshop with two providers, 1.8.2026–31.7.2027 unless told."""

    def make(status=AgreementStatus.SIGNED, **fields):
        providers = [provider, second_provider]
        return make_agreement(owner=workshop, providers=providers, status=status, created_by=editor, **fields)

    return make


def audit_events(agreement, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.chain == f"agreement:{agreement.id}", AuditEvent.action == action
    )
    return list(db.session.scalars(query.order_by(AuditEvent.seq)))


def test_a_providers_notice_ends_its_part_and_the_workshops_ends_the_agreement(
    three_parties, workshop, provider, second_provider, editor
):
    agreement = three_parties(end_date=date(2027, 7, 31), notice_period_months=3)

    outcome = give_notice(agreement, provider, date(2027, 1, 10), "Resurssit", editor, today=JANUARY_12)
    db.session.commit()

    assert (outcome.ends_agreement, outcome.end) == (False, date(2027, 4, 10))
    leaving = terms_of(agreement, provider)
    assert (leaving.notice_given_on, leaving.left_on) == (date(2027, 1, 10), date(2027, 4, 10))
    assert agreement.status == AgreementStatus.SIGNED and agreement.end_date == date(2027, 7, 31)
    assert agreement.notice_given_on is None and agreement.notice_given_by is None
    assert leaving.in_force_on(date(2027, 4, 10)) and not leaving.in_force_on(date(2027, 4, 11))
    staying = [terms_of(agreement, workshop), terms_of(agreement, second_provider)]
    assert all(t.in_force_on(date(2027, 4, 11)) and t.left_on is None for t in staying)
    (event,) = audit_events(agreement, "agreement.party_notice")
    assert event.actor_id == editor.id and event.details == {
        "party": "Tredu",
        "organisation_id": provider.id,
        "notice_given_on": "2027-01-10",
        "left_on": "2027-04-10",
        "end_date": "2027-07-31",
        "reason": "Resurssit",
    }
    assert audit_events(agreement, "agreement.terminate") == []

    outcome = give_notice(agreement, workshop, date(2027, 3, 1), "", editor, today=date(2027, 3, 1))
    db.session.commit()

    assert (outcome.ends_agreement, outcome.end) == (True, date(2027, 6, 1))
    assert agreement.status == AgreementStatus.TERMINATED and agreement.end_date == date(2027, 6, 1)
    assert agreement.notice_given_by == workshop
    assert terms_of(agreement, provider).left_on == date(2027, 4, 10)  # its own earlier end stays
    assert terms_of(agreement, second_provider).left_on is None  # it ends with the agreement


def test_every_remaining_party_is_told_of_a_providers_notice(
    three_parties, provider, editor, provider_editor, second_provider_editor
):
    agreement = three_parties(end_date=date(2027, 7, 31))
    take_mail()

    give_notice(agreement, provider, date(2027, 1, 10), "", editor, today=JANUARY_12)

    mailed = take_mail()
    subject = f"Notice given: the part of Tredu in {agreement.title} ({agreement.reference}) ends 10.4.2027"
    for user in (editor, provider_editor, second_provider_editor):
        assert [m.subject for m in mailed[user.email]] == [subject]
    assert "The agreement goes on for the other parties." in mailed[editor.email][0].body_text


def test_the_last_remaining_providers_notice_ends_the_agreement(
    three_parties, provider, second_provider, editor
):
    agreement = three_parties(end_date=date(2027, 7, 31), notice_period_months=3)
    give_notice(agreement, provider, date(2027, 1, 10), "", editor, today=JANUARY_12)

    outcome = give_notice(agreement, second_provider, date(2027, 2, 1), "", editor, today=date(2027, 2, 1))

    assert (outcome.ends_agreement, outcome.end) == (True, date(2027, 5, 1))
    assert agreement.status == AgreementStatus.TERMINATED and agreement.end_date == date(2027, 5, 1)
    assert agreement.notice_given_by == second_provider
    assert terms_of(agreement, provider).left_on == date(2027, 4, 10)
    assert terms_of(agreement, second_provider).notice_given_on == date(2027, 2, 1)


def test_with_one_provider_its_notice_ends_the_agreement_as_before(signed, provider, editor):
    agreement = signed(end_date=date(2027, 7, 31), notice_period_months=3)

    outcome = give_notice(agreement, provider, date(2027, 1, 10), "", editor, today=JANUARY_12)

    assert outcome.ends_agreement and agreement.status == AgreementStatus.TERMINATED
    assert terms_of(agreement, provider).left_on is None


def test_a_providers_part_never_ends_after_the_agreement(three_parties, provider, editor):
    agreement = three_parties(end_date=date(2027, 7, 31), notice_period_months=3)

    give_notice(agreement, provider, date(2027, 6, 1), "", editor, today=date(2027, 6, 1))

    assert terms_of(agreement, provider).left_on == date(2027, 7, 31)
    assert agreement.status == AgreementStatus.SIGNED


def test_the_workshops_earlier_end_cuts_a_later_own_end_short(three_parties, workshop, provider, editor):
    agreement = three_parties(end_date=date(2027, 12, 31), notice_period_months=3)
    give_notice(agreement, provider, date(2027, 3, 1), "", editor, today=date(2027, 3, 2))

    give_notice(agreement, workshop, date(2027, 2, 15), "", editor, today=date(2027, 3, 2))

    assert agreement.end_date == date(2027, 5, 15)
    assert terms_of(agreement, provider).left_on == date(2027, 5, 15)
    (event,) = audit_events(agreement, "agreement.terminate")
    assert event.details["parties_ending_with_it"] == ["Tredu"]


def test_notice_is_refused_twice_from_a_non_party_and_where_nothing_can_end(
    three_parties, workshop, provider, editor, make_organisation
):
    agreement = three_parties(end_date=date(2027, 7, 31))
    give_notice(agreement, provider, date(2027, 1, 10), "", editor, today=JANUARY_12)

    with pytest.raises(
        OperationRefused, match=r"Tredu has already given notice: its part ends on 10\.4\.2027"
    ):
        give_notice(agreement, provider, JANUARY_12, "", editor, today=JANUARY_12)
    with pytest.raises(OperationRefused, match="only be given by a party"):
        give_notice(agreement, make_organisation(), JANUARY_12, "", editor, today=JANUARY_12)
    for status in (AgreementStatus.DRAFT, AgreementStatus.TERMINATED, AgreementStatus.CANCELLED):
        with pytest.raises(OperationRefused, match="cannot be terminated"):
            give_notice(three_parties(status=status), provider, JANUARY_12, "", editor, today=JANUARY_12)
    assert len(audit_events(agreement, "agreement.party_notice")) == 1


@pytest.fixture
def commitment(make_agreement, make_template_version, workshop, provider, second_provider):
    """A signed commitment of the workshop that the two providers joined."""
    return make_agreement(
        owner=workshop,
        providers=[provider, second_provider],
        status=AgreementStatus.SIGNED,
        template_version=make_template_version(key="commitment_template", kind="commitment"),
    )


def test_on_a_commitment_an_organisation_withdraws_only_its_own_commitment(commitment, provider, editor):
    outcome = give_notice(commitment, provider, JANUARY_12, "", editor, today=JANUARY_12)

    assert not outcome.ends_agreement and commitment.status == AgreementStatus.SIGNED
    assert terms_of(commitment, provider).left_on == outcome.end


def test_the_drafting_workshops_notice_ends_the_commitment(commitment, workshop, editor):
    outcome = give_notice(commitment, workshop, JANUARY_12, "", editor, today=JANUARY_12)

    assert outcome.ends_agreement and commitment.status == AgreementStatus.TERMINATED


def test_an_organisation_invited_to_a_commitment_but_not_joined_cannot_give_notice(
    commitment, second_provider, editor
):
    terms_of(commitment, second_provider).bound = False

    with pytest.raises(OperationRefused, match="has not joined"):
        give_notice(commitment, second_provider, JANUARY_12, "", editor, today=JANUARY_12)
    assert second_provider not in staying_parties(commitment)


def test_the_renewal_leaves_out_a_provider_that_gave_notice(three_parties, workshop, provider, editor):
    agreement = three_parties(end_date=date(2027, 7, 31))
    give_notice(agreement, provider, date(2027, 1, 10), "", editor, today=JANUARY_12)

    draft = renew(agreement, editor)

    assert provider not in draft.parties and len(draft.parties) == 2 and workshop in draft.parties


def test_the_notice_page_says_what_each_partys_notice_would_do_then_records_it(
    client, three_parties, workshop, provider, second_provider, editor
):
    today = helsinki_today()
    agreement = three_parties(start_date=today - timedelta(days=30), end_date=date(2099, 7, 31))
    ends = format_day(today + relativedelta(months=3))
    log_in(client, editor)

    page = client.get(f"/agreements/{agreement.id}/notice").get_data(as_text=True)
    assert f"Notice by Tampereen Työpaja ends the whole agreement on {ends}." in page
    for name in ("Tredu", "Sasky"):
        assert f"Notice by {name} ends only its own part, on {ends}; the agreement goes on" in page

    data = {"given_by": provider.id, "given_on": today.isoformat(), "reason": ""}
    response = client.post(f"/agreements/{agreement.id}/notice", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Notice recorded: the part of Tredu ends on" in page
    assert f"Gave notice on {format_day(today)} — its part ends on {ends}" in page
    db.session.refresh(agreement)
    assert agreement.status == AgreementStatus.SIGNED
    assert f"Tredu (its part until {ends})" in client.get("/agreements/").get_data(as_text=True)

    page = client.get(f"/agreements/{agreement.id}/notice").get_data(as_text=True)
    assert "Notice by Tredu" not in page
    assert f"Notice by Sasky ends the whole agreement on {ends}." in page  # the last provider left
    again = client.post(f"/agreements/{agreement.id}/notice", data=data)
    assert again.status_code == 200 and "Not a valid choice" in again.get_data(as_text=True)
