"""The calendar feed: a user's deadlines as iCalendar at a secret address, the page that shows it, renewal."""

import html
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from dateutil.relativedelta import relativedelta
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar
from sqlalchemy import select

from agreements.accounts.models import MembershipRole, UILanguage
from agreements.accounts.tokens import TokenPurpose, make_token
from agreements.core.audit import AuditEvent
from agreements.core.dates import last_working_day
from agreements.core.timeutil import HELSINKI, helsinki_today
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.reminders.calendar import feed_url
from agreements.reminders.renewal import give_notice
from agreements.reviews import operations as reviews
from agreements.reviews.models import RoundVisibility
from agreements.signatures import operations as signing
from agreements.signatures.models import SigningOrder
from tests.support.client import log_in
from tests.support.database import counted_statements
from tests.support.factories import PASSWORD

WORKSHOP, PROVIDER = OrganisationKind.WORKSHOP, OrganisationKind.PROVIDER
BASE_URL = "http://127.0.0.1:5000"
EVIDENCE = signing.Evidence(ip="192.0.2.20", user_agent="calendar test")


@pytest.fixture
def parties(make_organisation, make_user):
    """A workshop with an editor and a signatory, a provider with a signatory: the user whose feed is read."""
    workshop = make_organisation(kind=WORKSHOP, name="Tampereen Työpaja")
    provider = make_organisation(kind=PROVIDER, name="Tredu")
    return SimpleNamespace(
        workshop=workshop,
        provider=provider,
        drafter=make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Eeva Editori"),
        workshop_signatory=make_user(organisation=workshop, role=MembershipRole.SIGNATORY),
        user=make_user(organisation=provider, role=MembershipRole.SIGNATORY, name="Riitta Rehtori"),
    )


def deadline_in(days: int) -> datetime:
    """A round deadline at 16.00 Finnish time ``days`` from today, in UTC."""
    return datetime.combine(helsinki_today() + timedelta(days=days), time(16), HELSINKI).astimezone(UTC)


def open_round(agreement, drafter, organisations, deadline=None):
    """Open a comment round on the agreement's first version, inviting ``organisations``."""
    comment_round = reviews.open_round(
        agreement,
        agreement.versions[0],
        drafter,
        deadline or deadline_in(10),
        contact_person=None,
        background="",
        questions="",
        sections=(),
        visibility=RoundVisibility.ALL_INVITEES,
        organisations=organisations,
    )
    db.session.commit()
    return comment_round


def send(agreement, drafter, signatories, order=SigningOrder.PARALLEL):
    request = signing.send_for_signature(agreement, drafter, signatories, order)
    db.session.commit()
    return request


@pytest.fixture
def deadlines(parties, make_agreement):
    """The provider's signatory is invited to a round, asked to sign a second agreement, and party to a
    third, signed one ending in 300 days with three months' notice."""
    p = parties
    make = lambda **fields: make_agreement(owner=p.workshop, providers=[p.provider], **fields)  # noqa: E731
    in_review, to_sign = make(title="Kommentoitava sopimus"), make(title="Allekirjoitettava sopimus")
    today = helsinki_today()
    signed = make(
        title="Voimassa oleva sopimus",
        status=AgreementStatus.SIGNED,
        start_date=today - timedelta(days=65),
        end_date=today + timedelta(days=300),
        notice_period_months=3,
    )
    comment_round = open_round(in_review, p.drafter, [p.provider])
    request = send(to_sign, p.drafter, [(p.provider, p.user), (p.workshop, p.workshop_signatory)])
    return SimpleNamespace(
        in_review=in_review, to_sign=to_sign, signed=signed, round=comment_round, request=request
    )


def feed_path(user) -> str:
    return urlsplit(feed_url(user)).path


def read_feed(client, user) -> dict:
    """The user's feed fetched through its address without logging in: {uid: event}."""
    response = client.get(feed_path(user))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    calendar = Calendar.from_ical(response.data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def start(calendar_event):
    return calendar_event["dtstart"].dt


def test_the_feed_holds_the_users_round_signature_and_agreement_dates(client, parties, deadlines):
    d = deadlines
    signature = d.request.signatures[0]
    events = read_feed(client, parties.user)

    assert set(events) == {
        f"round-{d.round.id}-deadline@sopimuspolku",
        f"signature-{signature.id}@sopimuspolku",
        f"agreement-{d.signed.id}-end@sopimuspolku",
        f"agreement-{d.signed.id}-notice@sopimuspolku",
    }
    deadline = events[f"round-{d.round.id}-deadline@sopimuspolku"]
    assert start(deadline) == deadline_in(10)
    assert str(deadline["summary"]) == f"Comment deadline: {d.in_review.reference} Kommentoitava sopimus"
    assert str(deadline["url"]) == f"{BASE_URL}/rounds/{d.round.id}"
    assert "Comments are due by" in str(deadline["description"])

    to_sign = events[f"signature-{signature.id}@sopimuspolku"]
    assert start(to_sign) == d.request.sent_at.astimezone(HELSINKI).date()
    assert str(to_sign["summary"]) == f"Sign: {d.to_sign.reference} Allekirjoitettava sopimus"
    assert str(to_sign["url"]) == f"{BASE_URL}/signatures/{signature.id}/sign"
    assert "for Tredu" in str(to_sign["description"])

    end = events[f"agreement-{d.signed.id}-end@sopimuspolku"]
    notice = events[f"agreement-{d.signed.id}-notice@sopimuspolku"]
    assert start(end) == d.signed.end_date
    assert start(notice) == last_working_day(d.signed.end_date - relativedelta(months=3))
    assert str(end["summary"]) == f"Agreement ends: {d.signed.reference} Voimassa oleva sopimus"
    assert str(notice["summary"]) == f"Last day to give notice: {d.signed.reference} Voimassa oleva sopimus"
    assert str(end["url"]) == str(notice["url"]) == f"{BASE_URL}/agreements/{d.signed.id}"
    assert all("dtstamp" in e for e in events.values())


def test_a_notice_deadline_on_independence_day_is_shown_on_the_working_day_before(
    client, parties, make_agreement
):
    year = helsinki_today().year + 1
    deadline = date(year, 12, 6)  # Independence Day, whatever the weekday
    act_by = deadline - timedelta(days=1)
    while act_by.weekday() >= 5:  # 5.12. is no holiday; step back over a weekend
        act_by -= timedelta(days=1)
    agreement = make_agreement(
        owner=parties.workshop,
        providers=[parties.provider],
        status=AgreementStatus.SIGNED,
        start_date=helsinki_today(),
        end_date=deadline + relativedelta(months=3),
        notice_period_months=3,
    )
    assert agreement.notice_deadline == deadline

    notice = read_feed(client, parties.user)[f"agreement-{agreement.id}-notice@sopimuspolku"]

    assert start(notice) == act_by
    assert (
        f"The last day to give notice, {deadline:%-d.%-m.%Y}, is a public holiday: act by the previous "
        f"working day, {act_by:%-d.%-m.%Y}."
    ) in str(notice["description"])
    assert "The notice period is 3 months" in str(notice["description"])


def test_the_feed_answers_as_a_private_cacheable_calendar(client, parties, deadlines):
    response = client.get(feed_path(parties.user))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert "Set-Cookie" not in response.headers


def test_another_organisations_agreements_and_rounds_are_absent(
    client, parties, deadlines, make_organisation, make_user, make_agreement
):
    other_workshop, other_provider = make_organisation(kind=WORKSHOP), make_organisation(kind=PROVIDER)
    other_drafter = make_user(organisation=other_workshop, role=MembershipRole.EDITOR)
    signatories = [
        (organisation, make_user(organisation=organisation, role=MembershipRole.SIGNATORY))
        for organisation in (other_provider, other_workshop)
    ]
    theirs = make_agreement(
        owner=other_workshop,
        providers=[other_provider],
        status=AgreementStatus.SIGNED,
        title="Muiden sopimus",
    )
    their_draft = make_agreement(owner=other_workshop, providers=[other_provider])
    open_round(their_draft, other_drafter, [other_provider])
    # the workshop's own round to which only another provider is invited
    open_round(
        make_agreement(owner=parties.workshop, providers=[parties.provider]),
        parties.drafter,
        [other_provider],
    )
    send(make_agreement(owner=other_workshop, providers=[other_provider]), other_drafter, signatories)

    events = read_feed(client, parties.user)

    assert len(events) == 4
    assert not any(theirs.reference in str(e["summary"]) for e in events.values())
    assert not any(their_draft.reference in str(e["summary"]) for e in events.values())


def test_a_closed_round_a_terminated_and_an_old_or_open_ended_agreement(
    client, parties, deadlines, make_agreement
):
    reviews.close_round(deadlines.round, parties.drafter)
    db.session.commit()
    today = helsinki_today()
    make = lambda **fields: make_agreement(owner=parties.workshop, providers=[parties.provider], **fields)  # noqa: E731
    terminated = make(status=AgreementStatus.TERMINATED, end_date=today + timedelta(days=20))
    make(
        status=AgreementStatus.SIGNED,
        start_date=today - timedelta(days=800),
        end_date=today - timedelta(days=400),
    )
    make(status=AgreementStatus.SIGNED, end_date=None)
    make(status=AgreementStatus.CANCELLED, end_date=today + timedelta(days=20))

    events = read_feed(client, parties.user)

    assert not any(uid.startswith("round-") for uid in events)
    agreement_uids = {uid for uid in events if uid.startswith("agreement-")}
    assert agreement_uids == {
        f"agreement-{deadlines.signed.id}-end@sopimuspolku",
        f"agreement-{deadlines.signed.id}-notice@sopimuspolku",
        f"agreement-{terminated.id}-end@sopimuspolku",
    }
    assert start(events[f"agreement-{terminated.id}-end@sopimuspolku"]) == today + timedelta(days=20)


def test_the_drafting_workshops_editors_see_their_rounds_deadline_and_viewers_do_not(
    client, parties, deadlines, make_user
):
    viewer = make_user(organisation=parties.workshop, role=MembershipRole.VIEWER)
    round_uid = f"round-{deadlines.round.id}-deadline@sopimuspolku"

    assert round_uid in read_feed(client, parties.drafter)
    assert round_uid not in read_feed(client, viewer)


def test_a_signature_shows_once_it_is_the_signatorys_turn(client, parties, make_agreement):
    p = parties
    agreement = make_agreement(owner=p.workshop, providers=[p.provider])
    request = send(
        agreement,
        p.drafter,
        [(p.workshop, p.workshop_signatory), (p.provider, p.user)],
        SigningOrder.SEQUENTIAL,
    )
    theirs = request.signatures[1]
    assert f"signature-{theirs.id}@sopimuspolku" not in read_feed(client, p.user)

    signing.sign(
        request.signatures[0], p.workshop_signatory, PASSWORD, p.workshop_signatory.name, True, "fi", EVIDENCE
    )
    db.session.commit()

    event_ = read_feed(client, p.user)[f"signature-{theirs.id}@sopimuspolku"]
    assert start(event_) == request.signatures[0].signed_at.astimezone(HELSINKI).date()


def test_the_feed_speaks_the_users_language(client, parties, deadlines):
    parties.user.locale = UILanguage.FI
    db.session.commit()

    events = read_feed(client, parties.user)

    deadline = events[f"round-{deadlines.round.id}-deadline@sopimuspolku"]
    assert "Kommentit pyydetään antamaan viimeistään" in str(deadline["description"])
    agreement = f"{deadlines.in_review.reference} Kommentoitava sopimus"
    with force_locale("fi"):
        assert str(deadline["summary"]) == _("Comment deadline: %(agreement)s", agreement=agreement)


def test_renewing_the_address_retires_the_old_one(client, parties, deadlines):
    old_path = feed_path(parties.user)
    log_in(client, parties.user)

    confirm = client.get("/calendar/renew")
    assert confirm.status_code == 200
    assert "Renew your calendar address?" in confirm.get_data(as_text=True)
    response = client.post("/calendar/renew", follow_redirects=True)

    assert "The old address no longer works." in response.get_data(as_text=True)
    assert client.get(old_path).status_code == 404
    new_path = feed_path(parties.user)
    assert new_path != old_path
    assert client.get(new_path).status_code == 200
    page = html.unescape(client.get("/calendar").get_data(as_text=True))
    assert f'value="{BASE_URL}{new_path}"' in page
    renewals = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.calendar_feed_renew")
    )
    assert [(e.actor_id, e.object_id) for e in renewals] == [(parties.user.id, parties.user.id)]


def test_renewing_needs_the_forms_csrf_token(client, parties):
    old_path = feed_path(parties.user)
    log_in(client, parties.user)

    assert client.post("/calendar/renew", csrf=False).status_code == 400
    assert client.get(old_path).status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "WzEsMF0.tampered",
        pytest.param("password-reset", id="a token signed for another purpose"),
    ],
)
def test_a_bad_token_is_404(client, parties, token):
    if token == "password-reset":
        token = make_token(parties.user, TokenPurpose.PASSWORD_RESET)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_an_inactive_users_feed_is_404(client, parties):
    path = feed_path(parties.user)
    parties.user.active = False
    db.session.commit()

    assert client.get(path).status_code == 404


def test_the_page_shows_the_address_with_a_copy_button(client, parties):
    log_in(client, parties.user)

    page = html.unescape(client.get("/calendar").get_data(as_text=True))

    assert f'id="feed-url" value="{feed_url(parties.user)}" readonly' in page
    assert 'data-copy-target="feed-url"' in page
    assert "Renew the address" in page
    assert 'href="/calendar"' in html.unescape(client.get("/").get_data(as_text=True))


def test_the_page_needs_a_login(client):
    response = client.get("/calendar")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_feed_takes_the_same_few_queries_however_many_deadlines(client, parties, make_agreement):
    def statements() -> int:
        """How many SQL statements fetching the feed takes."""
        with counted_statements() as executed:
            events = read_feed(client, parties.user)
        return len(events), len(executed)

    def add_deadlines():
        p = parties
        make = lambda **fields: make_agreement(owner=p.workshop, providers=[p.provider], **fields)  # noqa: E731
        make(status=AgreementStatus.SIGNED)
        open_round(make(), p.drafter, [p.provider])
        send(make(), p.drafter, [(p.provider, p.user), (p.workshop, p.workshop_signatory)])

    add_deadlines()
    events, few = statements()
    for _times in range(3):
        add_deadlines()
    assert statements() == (events * 4, few)


def left_alone(parties, other_provider, make_agreement, **dates):
    """A signed agreement of the workshop with the user's provider and ``other_provider``, begun 65 days ago,
    to which the user's provider gave notice alone today."""
    p = parties
    agreement = make_agreement(
        owner=p.workshop,
        providers=[p.provider, other_provider],
        status=AgreementStatus.SIGNED,
        start_date=helsinki_today() - timedelta(days=65),
        **dates,
    )
    give_notice(agreement, p.provider, helsinki_today(), "", p.drafter)
    db.session.commit()
    return agreement


def test_a_provider_that_gave_notice_alone_sees_its_own_end_and_the_others_the_agreements(
    client, parties, make_organisation, make_agreement
):
    p = parties
    today = helsinki_today()
    sasky = make_organisation(kind=PROVIDER, name="Sasky")
    agreement = left_alone(
        p, sasky, make_agreement, end_date=today + timedelta(days=300), notice_period_months=3
    )
    own_end = today + relativedelta(months=3)

    theirs = read_feed(client, p.user)
    ours = read_feed(client, p.drafter)

    party_uid = f"agreement-{agreement.id}-party-{p.provider.id}-end@sopimuspolku"
    assert {uid for uid in theirs if uid.startswith(f"agreement-{agreement.id}-")} == {party_uid}
    assert start(theirs[party_uid]) == own_end
    assert str(theirs[party_uid]["summary"]) == f"Part of Tredu ends: {agreement}"
    assert "its part in the agreement ends on" in str(theirs[party_uid]["description"])
    assert {uid for uid in ours if uid.startswith(f"agreement-{agreement.id}-")} == {
        f"agreement-{agreement.id}-end@sopimuspolku",
        f"agreement-{agreement.id}-notice@sopimuspolku",
    }
    assert start(ours[f"agreement-{agreement.id}-end@sopimuspolku"]) == agreement.end_date


def test_an_open_ended_agreements_party_that_gave_notice_has_its_end_in_the_feed(
    client, parties, make_organisation, make_agreement
):
    p = parties
    other = make_organisation(kind=PROVIDER)
    agreement = left_alone(p, other, make_agreement, end_date=None, notice_period_months=2)

    events = read_feed(client, p.user)

    uid = f"agreement-{agreement.id}-party-{p.provider.id}-end@sopimuspolku"
    assert start(events[uid]) == helsinki_today() + relativedelta(months=2)
    assert not any(u.startswith(f"agreement-{agreement.id}-") for u in read_feed(client, p.drafter))
