"""Validity, one definition (agreements/drafting/models.py): the Python twin and the SQL agree, and the
agreement list's filter returns the very agreements the dashboard counts as in force, in every status."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from agreements.core.timeutil import HELSINKI
from agreements.dashboard.lists import listing
from agreements.dashboard.queries import region_figures, trend
from agreements.drafting.models import (
    EXPIRED,
    IN_FORCE,
    UPCOMING,
    VALIDITY_STATUSES,
    Agreement,
    AgreementStatus,
)
from agreements.drafting.queries import AgreementFilters, agreements_query
from agreements.extensions import db
from agreements.organisations.models import Region

DAY = date(2026, 11, 23)
NOW = datetime.combine(DAY, time(12), tzinfo=HELSINKI)
D = timedelta(days=1)

#: Each date situation around DAY: start, end and the validity of a signed or terminated agreement.
SITUATIONS = {
    "starts tomorrow": (DAY + D, DAY + 100 * D, UPCOMING),
    "starts tomorrow, open-ended": (DAY + D, None, UPCOMING),
    "starts today": (DAY, DAY + 100 * D, IN_FORCE),
    "only today": (DAY, DAY, IN_FORCE),
    "running": (DAY - 100 * D, DAY + 100 * D, IN_FORCE),
    "open-ended": (DAY - 100 * D, None, IN_FORCE),
    "ends today": (DAY - 100 * D, DAY, IN_FORCE),
    "ended yesterday": (DAY - 100 * D, DAY - D, EXPIRED),
}
IN_FORCE_SITUATIONS = {"starts today", "only today", "running", "open-ended", "ends today"}
STATUSES = pytest.mark.parametrize("status", list(AgreementStatus), ids=lambda status: status.value)


@pytest.fixture
def situations(make_agreement, template_version):
    """Build one agreement in each date situation with a status: {agreement id: situation}; each has a
    workshop and a provider of its own, in Pirkanmaa."""

    def build(status: AgreementStatus) -> dict[int, str]:
        built = {}
        for name, (start, end, _validity) in SITUATIONS.items():
            agreement = make_agreement(
                status=status, template_version=template_version, title=name, start_date=start, end_date=end
            )
            built[agreement.id] = name
        return built

    return build


def expected_validity(status: AgreementStatus, situation: str) -> str | None:
    return SITUATIONS[situation][2] if status in VALIDITY_STATUSES else None


@STATUSES
def test_python_and_sql_give_the_same_validity_in_every_status_and_situation(situations, status):
    built = situations(status)
    expected = {name: expected_validity(status, name) for name in built.values()}

    in_python = {name: db.session.get(Agreement, id_).validity_on(DAY) for id_, name in built.items()}
    in_sql = dict(db.session.execute(select(Agreement.title, Agreement.validity_on(DAY))).all())

    assert in_python == in_sql == expected
    for validity in (UPCOMING, IN_FORCE, EXPIRED):
        chosen = set(db.session.scalars(select(Agreement.title).where(Agreement.validity_is(validity, DAY))))
        assert chosen == {name for name, answer in expected.items() if answer == validity}, validity
    in_force = set(db.session.scalars(select(Agreement.title).where(Agreement.in_force_on(DAY))))
    assert in_force == {
        name for id_, name in built.items() if db.session.get(Agreement, id_).in_force_on(DAY)
    }
    assert in_force == (IN_FORCE_SITUATIONS if status in VALIDITY_STATUSES else set())


@STATUSES
def test_the_list_filter_returns_what_the_dashboard_counts_as_in_force(app, situations, make_user, status):
    built = situations(status)
    expected = IN_FORCE_SITUATIONS if status in VALIDITY_STATUSES else set()
    pirkanmaa = db.session.scalar(select(Region.id).where(Region.code == "06"))

    listed = db.session.scalars(
        agreements_query(make_user(admin=True), AgreementFilters(validity=IN_FORCE), DAY)
    )
    with app.test_request_context():
        drill_down, _pages = listing("in_force", lambda owner: owner.region_id == pirkanmaa, DAY, NOW)
    figures = region_figures({pirkanmaa}, DAY, NOW)[pirkanmaa]

    assert {built[agreement.id] for agreement in listed} == expected
    assert drill_down.plain  # every row, as an export reads them: texts
    assert {row[1] for row in drill_down.rows} == expected  # the drill-down's title column
    assert trend({pirkanmaa}, DAY)[-1] == (DAY, len(expected))
    assert figures.workshops_in_force == figures.providers_in_force == len(expected)


@STATUSES
def test_the_other_list_filters_follow_the_same_definition(situations, make_user, status):
    built = situations(status)
    administrator = make_user(admin=True)
    has_validity = status in VALIDITY_STATUSES
    expected = {
        UPCOMING: {"starts tomorrow", "starts tomorrow, open-ended"} if has_validity else set(),
        EXPIRED: {"ended yesterday"} if has_validity else set(),
        "open_ended": {"starts tomorrow, open-ended", "open-ended"},  # the terms alone, in any status
    }

    for validity, names in expected.items():
        listed = db.session.scalars(agreements_query(administrator, AgreementFilters(validity=validity), DAY))
        assert {built[agreement.id] for agreement in listed} == names, validity
