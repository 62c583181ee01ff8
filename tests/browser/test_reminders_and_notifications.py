"""In the browser: an editor sets an agreement's own reminder days, sees a provider's own end after it gave
notice alone and what notice would do, renews the agreement, and looks at their
notifications, their preferences, their calendar feed and the mail they caused; an administrator looks at
the outbox. Every page passes axe-core."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reminders.models import ReminderKind
from agreements.reminders.renewal import give_notice
from agreements.reminders.rules import own_rules
from tests.browser.helpers import assert_accessible, log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.committing]


def test_reminder_settings_and_renewal(page, people, make_agreement, make_organisation):
    editor, workshop = people["workshop editor"]
    _signatory, provider = people["provider signatory"]
    leaving = make_organisation(kind=OrganisationKind.PROVIDER, name="Lähtevä Opisto")
    agreement = make_agreement(owner=workshop, providers=[provider, leaving], status=AgreementStatus.SIGNED)
    give_notice(agreement, leaving, date(2027, 1, 10), "", editor, today=date(2027, 1, 10))
    db.session.commit()
    log_in(page, editor)

    open_page(page, f"/agreements/{agreement.id}")
    expect(page.get_by_text("Irtisanoutunut 10.1.2027 — päättyy osaltaan 10.4.2027")).to_be_visible()
    assert_accessible(page)

    open_page(page, f"/agreements/{agreement.id}/reminders")
    assert_accessible(page)
    page.locator("input[name=notice_deadline_choice][value=custom]").check()
    page.locator("input[name=notice_deadline_days]").fill("60, 14")
    page.locator("input[name=ended_without_renewal_choice][value=off]").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/agreements/{agreement.id}$"))
    db.session.expire_all()
    assert own_rules(agreement) == {ReminderKind.NOTICE_DEADLINE: (60, 14), ReminderKind.ENDED: ()}

    open_page(page, f"/agreements/{agreement.id}/notice")
    expect(page.get_by_text("Tänään annettu irtisanominen vaikuttaisi näin:")).to_be_visible()
    assert_accessible(page)

    open_page(page, f"/agreements/{agreement.id}/renew")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/agreements/\d+/edit$"))
    db.session.expire_all()
    assert [renewal.start_date.isoformat() for renewal in agreement.renewals] == ["2027-08-01"]


def test_notifications_preferences_calendar_and_mail_pages(page, new_page, people):
    editor, _workshop = people["workshop editor"]
    log_in(page, editor)
    for path in ("/notifications/", "/notifications/preferences", "/calendar", "/mail/mine"):
        open_page(page, path)
        assert_accessible(page)

    admin, _ = people["admin"]
    admin_page = new_page()
    log_in(admin_page, admin)
    open_page(admin_page, "/admin/mail/")
    assert_accessible(admin_page)
