"""The reminder scan reads what it needs in a fixed number of statements, however many occasions there are."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reminders.jobs import send_reminders
from agreements.reminders.models import ReminderKind, SentReminder
from agreements.signatures import operations as signatures
from agreements.signatures.models import SigningOrder
from tests.support.database import counted_statements
from tests.support.reminders import at
from tests.support.review_world import open_plain_round

#: The scan's moment: a signature asked for four days ago, a comment deadline in two days, a notice
#: deadline in a month, an end date in 30 days and an end two days ago all have a reminder due.
NOW = at(date(2027, 7, 1))


def add_occasions(make_organisation, make_user, make_agreement, count: int) -> None:
    """``count`` due occasions of each kind, each in its own workshop with its own people."""
    for _ in range(count):
        workshop = make_organisation(kind=OrganisationKind.WORKSHOP)
        provider = make_organisation(kind=OrganisationKind.PROVIDER)
        editor = make_user(organisation=workshop, role=MembershipRole.EDITOR)
        signatories = [
            (organisation, make_user(organisation=organisation, role=MembershipRole.SIGNATORY))
            for organisation in (provider, workshop)
        ]
        make_user(organisation=provider, role=MembershipRole.EDITOR)
        agreement = make_agreement(owner=workshop, providers=[provider], created_by=editor)
        signatures.send_for_signature(
            agreement, editor, signatories, SigningOrder.PARALLEL, now=NOW - timedelta(days=4)
        )
        draft = make_agreement(owner=workshop, providers=[provider], created_by=editor)
        open_plain_round(draft, editor, NOW + timedelta(days=2), [provider], now=NOW - timedelta(days=1))
        for end in (date(2027, 10, 31), date(2027, 7, 31), date(2027, 6, 29)):
            make_agreement(owner=workshop, providers=[provider], status=AgreementStatus.SIGNED, end_date=end)
    db.session.commit()


def rescan_statements(now: datetime) -> int:
    """Send what is due at ``now``, then count the statements of a second run, which only scans."""
    assert send_reminders(now) > 0
    db.session.commit()
    with counted_statements() as statements:
        assert send_reminders(now) == 0
    return len(statements)


def test_the_scan_runs_as_many_statements_for_five_times_the_occasions(
    make_organisation, make_user, make_agreement
):
    add_occasions(make_organisation, make_user, make_agreement, 1)
    few = rescan_statements(NOW)
    sent = {kind.rsplit("_", 1)[0] for kind in db.session.scalars(select(SentReminder.kind))}
    assert sent == {kind.value for kind in ReminderKind}
    add_occasions(make_organisation, make_user, make_agreement, 4)
    assert rescan_statements(NOW) == few
