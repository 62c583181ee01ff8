"""A year on the clock: every reminder of three signed agreements' year arrives on its day and once — one
with a fixed term, one that renews automatically (and is extended at its end date), one given notice; and
a provider that gave notice alone is reminded of its own end, not of the agreement's."""

from datetime import date, timedelta

from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reminders.renewal import give_notice
from tests.support.messages import take_mail
from tests.support.reminders import run_day


def days_between(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def test_a_year_of_reminders_and_an_automatic_renewal(signed, editor, provider, provider_editor):
    fixed = signed(title="Määräaikainen", end_date=date(2027, 7, 31), notice_period_months=3)
    renewing = signed(title="Jatkuva", end_date=date(2027, 7, 31), auto_renew=True)
    ending = signed(title="Irtisanottava", end_date=date(2027, 12, 31), notice_period_months=2)
    assert (fixed.notice_deadline, renewing.notice_deadline) == (date(2027, 4, 30), date(2027, 4, 30))

    mailed, provider_mail = {}, []
    for day in days_between(date(2026, 8, 1), date(2027, 9, 30)):
        if day == date(2027, 2, 15):
            give_notice(ending, provider, day, "Toiminta päättyy.", provider_editor, today=day)
            db.session.commit()
        messages = run_day(day)
        for message in messages.get(editor.email, []):
            mailed.setdefault(day, []).append(message.subject)
        provider_mail += [message.subject for message in messages.get(provider_editor.email, [])]

    def name(agreement):
        return f"{agreement.title} ({agreement.reference})"

    assert mailed == {
        # the day notice was given, every party's editors heard of it; it ends two months on
        date(2027, 2, 15): [f"Notice given: {name(ending)} ends 15.4.2027"],
        date(2027, 1, 30): [
            f"Notice deadline 30.4.2027: {name(fixed)}",
            f"Notice deadline 30.4.2027: {name(renewing)}",
        ],
        date(2027, 3, 16): [f"Agreement ends 15.4.2027: {name(ending)}"],  # 30 days before its new end
        date(2027, 3, 31): [
            f"Notice deadline 30.4.2027: {name(fixed)}",
            f"Notice deadline 30.4.2027: {name(renewing)}",
        ],
        date(2027, 4, 8): [f"Agreement ends 15.4.2027: {name(ending)}"],  # 7 days before
        date(2027, 4, 23): [
            f"Notice deadline 30.4.2027: {name(fixed)}",
            f"Notice deadline 30.4.2027: {name(renewing)}",
        ],
        date(2027, 7, 1): [f"Agreement ends 31.7.2027: {name(fixed)}"],
        # the renewing one has no "ends" reminders: it goes on, and on its end date it renewed itself
        date(2027, 7, 24): [f"Agreement ends 31.7.2027: {name(fixed)}"],
        date(2027, 7, 31): [f"Renewed automatically: {name(renewing)}"],
        date(2027, 8, 1): [f"Agreement ended without renewal: {name(fixed)}"],  # the day after, once
    }
    assert provider_mail == [
        f"Notice given: {name(ending)} ends 15.4.2027",
        f"Renewed automatically: {name(renewing)}",
    ]
    db.session.refresh(renewing)
    assert (renewing.end_date, renewing.notice_deadline) == (date(2028, 7, 31), date(2028, 4, 30))
    renewals = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "agreement.auto_renewed")
    ).all()
    assert [(e.details["previous_end"], e.details["end_date"]) for e in renewals] == [
        ("2027-07-31", "2028-07-31")
    ]
    # 30.4.2028 is a Sunday: the 90 days count from Friday 28.4.2028
    assert run_day(date(2028, 1, 28)).get(editor.email) is None
    assert (
        run_day(date(2028, 1, 29))[editor.email][0].subject == f"Notice deadline 30.4.2028: {name(renewing)}"
    )


def test_a_provider_that_gave_notice_alone_is_reminded_of_its_own_end_only(
    make_agreement, make_organisation, make_user, workshop, provider, editor, provider_editor
):
    staying = make_organisation(kind=OrganisationKind.PROVIDER, name="Sasky")
    staying_editor = make_user(organisation=staying, role=MembershipRole.EDITOR)
    agreement = make_agreement(
        owner=workshop,
        providers=[provider, staying],
        status=AgreementStatus.SIGNED,
        title="Kolmikanta",
        end_date=date(2027, 7, 31),
        notice_period_months=3,
    )
    give_notice(agreement, provider, date(2027, 1, 10), "", editor, today=date(2027, 1, 10))
    db.session.commit()
    take_mail()

    mailed = {}
    for day in days_between(date(2027, 1, 11), date(2027, 8, 5)):
        for address, messages in run_day(day).items():
            mailed.setdefault(address, []).extend((day, message.subject) for message in messages)

    name = f"Kolmikanta ({agreement.reference})"
    assert mailed[provider_editor.email] == [
        (date(2027, 3, 11), f"Your part ends 10.4.2027: {name}"),  # 30 days before
        (date(2027, 4, 3), f"Your part ends 10.4.2027: {name}"),  # 7 days before
    ]
    assert [subject for _day, subject in mailed[editor.email]] == [
        f"Notice deadline 30.4.2027: {name}",
        f"Notice deadline 30.4.2027: {name}",
        f"Notice deadline 30.4.2027: {name}",
        f"Agreement ends 31.7.2027: {name}",
        f"Agreement ends 31.7.2027: {name}",
        f"Agreement ended without renewal: {name}",
    ]
    assert staying_editor.email not in mailed
