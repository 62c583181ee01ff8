"""Renewal: one action makes the next term's draft from the signed agreement; notice ends an agreement
after its notice period; the pages ask before acting and refuse what cannot be done."""

from datetime import date

import pytest
from sqlalchemy import select

from agreements.core.audit import AuditEvent
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import helsinki_today
from agreements.drafting.models import Agreement, AgreementStatus
from agreements.extensions import db
from agreements.reminders.renewal import give_notice, renew
from tests.support.client import log_in
from tests.support.template_package import _labels, manifest


def test_renewing_makes_a_linked_draft_for_the_next_term_from_the_signed_version(signed, editor):
    agreement = signed(start_date=date(2026, 8, 1), end_date=date(2027, 7, 31), notice_period_months=2)
    signed_version = agreement.latest_version

    draft = renew(agreement, editor)
    db.session.commit()

    assert draft.status == AgreementStatus.DRAFT and draft.renewal_of == agreement
    assert (draft.start_date, draft.end_date) == (date(2027, 8, 1), date(2028, 7, 31))
    assert (draft.title, draft.notice_period_months) == (agreement.title, 2)
    assert draft.parties == agreement.parties
    assert draft.latest_version.values == signed_version.values
    assert draft.latest_version.change_note == f"Renewal of {agreement.reference}"
    assert agreement.status == AgreementStatus.SIGNED  # in force until its own end
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.chain == f"agreement:{agreement.id}")
    )
    assert "agreement.renewal_started" in list(events)


def test_the_renewal_is_on_the_newest_template_version_with_its_new_fields_left_to_fill(
    signed, editor, make_template_version
):
    agreement = signed()
    newer = manifest("test_template")
    newer["fields"].append(
        {"key": "phone", "section": "basics", "type": "text", "label": _labels("Phone"), "required": True}
    )
    newest = make_template_version(manifest_dict=newer)
    assert newest.template_id == agreement.template_version.template_id and newest.number == 2

    draft = renew(agreement, editor)

    assert draft.template_version == newest
    assert draft.latest_version.values["phone"] is None
    assert draft.latest_version.values["instructor"] == agreement.latest_version.values["instructor"]


def test_an_agreement_is_renewed_once_and_only_when_signed_with_an_end_date(signed, editor, make_agreement):
    agreement = signed()
    draft = renew(agreement, editor)
    with pytest.raises(OperationRefused, match=f"{draft.reference} already renews this agreement"):
        renew(agreement, editor)
    draft.status = AgreementStatus.CANCELLED  # a cancelled renewal can be started again
    assert renew(agreement, editor).renewal_of == agreement

    with pytest.raises(OperationRefused, match="no end date"):
        renew(signed(end_date=None), editor)
    with pytest.raises(OperationRefused, match="Only a signed agreement"):
        renew(make_agreement(status=AgreementStatus.DRAFT), editor)


def test_notice_ends_the_agreement_after_the_notice_period(signed, editor, provider):
    agreement = signed(end_date=date(2027, 7, 31), notice_period_months=3)
    give_notice(agreement, provider, date(2027, 1, 10), "Yhteistyö päättyy.", editor, today=date(2027, 1, 12))

    assert agreement.status == AgreementStatus.TERMINATED
    assert (agreement.notice_given_on, agreement.notice_given_by) == (date(2027, 1, 10), provider)
    assert agreement.end_date == date(2027, 4, 10)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agreement.terminate"))
    assert event.details["previous_end"] == "2027-07-31" and event.details["end_date"] == "2027-04-10"


def test_notice_never_lengthens_a_fixed_term_nor_comes_from_the_future(
    signed, editor, provider, make_organisation
):
    agreement = signed(end_date=date(2027, 7, 31), notice_period_months=3)
    with pytest.raises(OperationRefused, match="cannot be in the future"):
        give_notice(agreement, provider, date(2027, 6, 2), "", editor, today=date(2027, 6, 1))
    with pytest.raises(OperationRefused, match="party"):
        give_notice(agreement, make_organisation(), date(2027, 6, 1), "", editor, today=date(2027, 6, 1))
    give_notice(agreement, provider, date(2027, 6, 1), "", editor, today=date(2027, 6, 1))
    assert agreement.end_date == date(2027, 7, 31)  # three months on would be past its own end


def test_the_renewal_page_asks_first_then_opens_the_draft(client, signed, editor):
    agreement = signed()
    log_in(client, editor)
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Renew the agreement" in page and "Notice deadline: 30.4.2027" in page

    confirm = client.get(f"/agreements/{agreement.id}/renew").get_data(as_text=True)
    assert "for the term that follows (from 1.8.2027)" in confirm
    assert db.session.scalar(select(Agreement).where(Agreement.renewal_of_id == agreement.id)) is None

    response = client.post(f"/agreements/{agreement.id}/renew")
    draft = db.session.scalar(select(Agreement).where(Agreement.renewal_of_id == agreement.id))
    assert response.headers["Location"] == f"/agreements/{draft.id}/edit"
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Renewed by" in page and draft.reference in page and "Renew the agreement" not in page
    assert client.post(f"/agreements/{agreement.id}/renew").status_code == 409


def test_the_notice_page_keeps_the_input_and_names_the_problem(client, signed, editor, provider):
    agreement = signed(end_date=date(2099, 7, 31))
    log_in(client, editor)
    response = client.post(
        f"/agreements/{agreement.id}/notice",
        data={"given_by": provider.id, "given_on": "2099-01-01", "reason": "Säilyvä perustelu"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "cannot be in the future" in page and "Säilyvä perustelu" in page
    assert agreement.status == AgreementStatus.SIGNED

    today = helsinki_today().isoformat()
    response = client.post(
        f"/agreements/{agreement.id}/notice", data={"given_by": provider.id, "given_on": today, "reason": ""}
    )
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.status == AgreementStatus.TERMINATED and agreement.notice_given_by == provider


def test_a_reader_who_is_not_the_drafter_cannot_renew_or_give_notice(client, signed, provider_editor):
    agreement = signed()
    log_in(client, provider_editor)
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Renew the agreement" not in page and "Record notice" not in page
    for action in ("renew", "notice", "reminders"):
        assert client.post(f"/agreements/{agreement.id}/{action}").status_code == 404


def test_a_term_section_with_nothing_in_it_is_not_shown(
    client, make_agreement, workshop, provider, provider_editor
):
    draft = make_agreement(
        owner=workshop, providers=[provider], end_date=date(2027, 7, 31), notice_period_months=2
    )
    assert draft.notice_deadline is not None  # a deadline exists, but only a signed agreement shows it

    log_in(client, provider_editor)  # a reader with no action on the draft's term
    page = client.get(f"/agreements/{draft.id}").get_data(as_text=True)

    assert draft.reference in page and 'id="term-heading"' not in page
