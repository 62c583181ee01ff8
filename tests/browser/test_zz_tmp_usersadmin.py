from agreements.accounts.models import MembershipRole, UILanguage
from agreements.extensions import db
from tests.browser.helpers import assert_accessible, log_in, open_page


def test_scan(page, make_user, make_organisation, make_network):
    org = make_organisation(name="Paja")
    make_network(name="ALU X")
    admin = make_user(admin=True, locale=UILanguage.EN)
    member = make_user(organisation=org, role=MembershipRole.EDITOR, password_hash=None)
    log_in(page, admin)
    open_page(page, "/admin/users/invite")
    page.locator("main input[name=email]").fill(member.email.upper())
    page.locator("main select[name=role]").select_option("editor")
    page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    page.screenshot(path="/tmp/ua_invite.png", full_page=True)
    open_page(page, f"/admin/users/{member.id}")
    page.locator("form[action$='/memberships'] button[type=submit]").click()
    page.screenshot(path="/tmp/ua_detail.png", full_page=True)
    open_page(page, f"/admin/users/{admin.id}/edit")
    page.locator("main input[name=is_admin]").uncheck()
    page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    page.screenshot(path="/tmp/ua_edit.png", full_page=True)
    open_page(page, f"/admin/users/{member.id}/deactivate")
    page.screenshot(path="/tmp/ua_deact.png", full_page=True)
