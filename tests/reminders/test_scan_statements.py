"""The reminder scan reads what it needs in a fixed number of statements, however many occasions there are,
and reads no more rows for agreements that have nothing due."""

import contextlib
from datetime import date, datetime, timedelta

from sqlalchemy import event, select

from agreements.accounts.models import MembershipRole
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reminders.jobs import send_reminders
from agreements.reminders.models import ReminderKind, SentReminder
from agreements.signatures import operations as signatures
from agreements.signatures.models import SigningOrder
from tests.support.database import counted_statements
from tests.support.factories import PASSWORD
from tests.support.reminders import at
from tests.support.review_world import open_plain_round
from tests.support.signing import EVIDENCE

#: The scan's moment: a signature asked for four days ago, a comment deadline in two days, a notice
#: deadline in a month, an end date in 30 days and an end two days ago all have a reminder due.
NOW = at(date(2027, 7, 1))


def add_occasions(make_organisation, make_user, make_agreement, count: int) -> None:
    """``count`` due occasions of each kind, each in its own workshop with its own people."""
    for _ in range(count):
        workshop = make_organisation(kind=OrganisationKind.WORKSHOP)
        provider = make_organisation(kind=OrganisationKind.PROVIDER)
        editor = make_user(organisation=workshop, role=MembershipRole.EDITOR)
        make_user(organisation=provider, role=MembershipRole.EDITOR)
        ask_signatures(make_user, make_agreement, workshop, provider, editor)
        draft = make_agreement(owner=workshop, providers=[provider], created_by=editor)
        open_plain_round(draft, editor, NOW + timedelta(days=2), [provider], now=NOW - timedelta(days=1))
        for end in (date(2027, 10, 31), date(2027, 7, 31), date(2027, 6, 29)):
            make_agreement(owner=workshop, providers=[provider], status=AgreementStatus.SIGNED, end_date=end)
    db.session.commit()


def ask_signatures(make_user, make_agreement, workshop, provider, editor) -> None:
    """An agreement sent four days ago for both organisations' new signatories to sign."""
    signatories = [
        (organisation, make_user(organisation=organisation, role=MembershipRole.SIGNATORY))
        for organisation in (provider, workshop)
    ]
    agreement = make_agreement(owner=workshop, providers=[provider], created_by=editor)
    signatures.send_for_signature(
        agreement, editor, signatories, SigningOrder.PARALLEL, now=NOW - timedelta(days=4)
    )


def rescan(now: datetime, counting) -> list:
    """Send what is due at ``now``, then run again, which only scans, inside ``counting`` (a context
    manager that yields a list of what it counts); that list."""
    assert send_reminders(now) > 0
    db.session.commit()
    with counting() as counted:
        assert send_reminders(now) == 0
    return counted


def test_the_scan_runs_as_many_statements_for_five_times_the_occasions(
    make_organisation, make_user, make_agreement
):
    add_occasions(make_organisation, make_user, make_agreement, 1)
    few = len(rescan(NOW, counted_statements))
    sent = {kind.rsplit("_", 1)[0] for kind in db.session.scalars(select(SentReminder.kind))}
    assert sent == {kind.value for kind in ReminderKind}
    add_occasions(make_organisation, make_user, make_agreement, 4)
    assert len(rescan(NOW, counted_statements)) == few


@contextlib.contextmanager
def counted_rows():
    """Count the rows the SELECT statements run inside the block return: the yielded list's sum.

    Each statement is run a second time on its own cursor of the same connection, so the count does not
    depend on how much of a result the code fetched."""
    rows = []

    def tally(connection, cursor, statement, parameters, *_rest):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            again = cursor.connection.cursor()
            again.execute(statement, parameters)
            rows.append(len(again.fetchall()))
            again.close()

    event.listen(db.engine, "after_cursor_execute", tally)
    try:
        yield rows
    finally:
        event.remove(db.engine, "after_cursor_execute", tally)


def add_nothing_due(make_organisation, make_user, make_agreement, count: int) -> None:
    """``count`` signed agreements of one workshop with its editor: half with reminders due at NOW (to be
    sent before the rescan), half with every date far off; a tenth as many signatures asked for, and a
    twentieth as many asked for in turn, whose second signatory's turn began only yesterday."""
    workshop = make_organisation(kind=OrganisationKind.WORKSHOP)
    provider = make_organisation(kind=OrganisationKind.PROVIDER)
    editor = make_user(organisation=workshop, role=MembershipRole.EDITOR)
    for _ in range(count // 10):
        ask_signatures(make_user, make_agreement, workshop, provider, editor)
    for _ in range(count // 20):
        ask_in_turn(make_user, make_agreement, workshop, provider, editor)
    ends = (date(2027, 10, 31), date(2027, 7, 31), date(2027, 6, 29), date(2029, 12, 31))
    for number in range(count):
        end = ends[number % len(ends)] if number % 2 == 0 else date(2030, 6, 30)
        make_agreement(owner=workshop, providers=[provider], status=AgreementStatus.SIGNED, end_date=end)
    db.session.commit()


def ask_in_turn(make_user, make_agreement, workshop, provider, editor) -> None:
    """An agreement sent twelve days ago for the provider's and then the workshop's new signatory to sign,
    the provider's signed yesterday: counted from the invitation, the workshop's signatory would have
    reminders of 3 and 10 days due; counted from the turn, none is."""
    signatories = [
        (organisation, make_user(organisation=organisation, role=MembershipRole.SIGNATORY))
        for organisation in (provider, workshop)
    ]
    agreement = make_agreement(owner=workshop, providers=[provider], created_by=editor)
    request = signatures.send_for_signature(
        agreement, editor, signatories, SigningOrder.SEQUENTIAL, now=NOW - timedelta(days=12)
    )
    first = request.signatures[0]
    user = first.signatory
    signatures.sign(first, user, PASSWORD, user.name, True, "fi", EVIDENCE, now=NOW - timedelta(days=1))


def test_the_scan_reads_no_more_rows_for_agreements_with_nothing_due(
    make_organisation, make_user, make_agreement
):
    add_occasions(make_organisation, make_user, make_agreement, 1)
    few = rescan(NOW, counted_rows)
    add_nothing_due(make_organisation, make_user, make_agreement, 200)
    many = rescan(NOW, counted_rows)
    assert (len(many), sum(many)) == (len(few), sum(few))  # statements, rows
