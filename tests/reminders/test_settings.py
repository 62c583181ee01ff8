"""An agreement's own reminder days: the settings page shows the defaults, keeps bad input with the
problem named, and saves own days or none per kind."""

from agreements.extensions import db
from agreements.reminders.models import ReminderKind
from agreements.reminders.rules import own_rules
from tests.support.client import log_in

DEFAULTS = {f"{kind.value}_choice": "default" for kind in ReminderKind}


def test_own_days_and_off_are_saved_per_kind(client, signed, editor):
    agreement = signed()
    log_in(client, editor)
    page = client.get(f"/agreements/{agreement.id}/reminders").get_data(as_text=True)
    assert "Default: 90, 30, 7" in page and "Default: 3, 10, 17, 24" in page

    data = {
        **DEFAULTS,
        "notice_deadline_choice": "custom",
        "notice_deadline_days": "7, 120 ,30",
        "ended_without_renewal_choice": "off",
    }
    response = client.post(f"/agreements/{agreement.id}/reminders", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert own_rules(agreement) == {ReminderKind.NOTICE_DEADLINE: (120, 30, 7), ReminderKind.ENDED: ()}
    page = client.get(f"/agreements/{agreement.id}/reminders").get_data(as_text=True)
    assert 'value="120, 30, 7"' in page

    client.post(f"/agreements/{agreement.id}/reminders", data=DEFAULTS)
    db.session.expire_all()
    assert own_rules(agreement) == {}


def test_bad_days_are_refused_and_kept(client, signed, editor):
    agreement = signed()
    log_in(client, editor)
    for text, problem in (("tomorrow", "Write whole numbers"), ("400", "none over 365"), ("", "Write whole")):
        data = {**DEFAULTS, "end_of_validity_choice": "custom", "end_of_validity_days": text}
        response = client.post(f"/agreements/{agreement.id}/reminders", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and problem in page and f'value="{text}"' in page
    assert own_rules(agreement) == {}
