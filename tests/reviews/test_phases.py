"""Phases of one consultation (issue 15, item 1): a round opened as the next phase of an earlier one, nobody
invited twice unless chosen again, the phases in order on the agreement's page, and the summary report of
every phase, per section, with each comment's phase, organisation and resolution."""

import io
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import docx
import pytest
from sqlalchemy import select

from agreements.accounts.models import User
from agreements.core.audit import AuditEvent
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import HELSINKI, utcnow
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.reviews import operations, queries
from agreements.reviews.models import CommentRound, Resolution, RoundVisibility
from tests.support.client import logged_in
from tests.support.factories import PROVIDER
from tests.support.review_world import save_next_version


def _deadline_fields(days: int = 10) -> dict:
    deadline = (utcnow() + timedelta(days=days)).astimezone(HELSINKI)
    return {"deadline_date": deadline.strftime("%d.%m.%Y"), "deadline_time": "16:00"}


def _post_next_phase(client, previous, **fields):
    """Open the next phase of ``previous`` through its form, as the drafter fills it in."""
    data = {
        "version_number": str(previous.agreement.current_version_number),
        "contact_person_id": str(previous.opened_by_id),
        "visibility": "all_invitees",
        **_deadline_fields(),
        **fields,
    }
    return client.post(f"/rounds/{previous.id}/next-phase", data=data)


def _text(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def _invited(comment_round) -> set[str]:
    return {(i.organisation or i.user).name for i in comment_round.invitations}


def _share(comment_round, drafter) -> None:
    """Resolve what is unresolved and close the round, which shares its summary."""
    for comment in queries.unresolved_comments(comment_round):
        operations.resolve_comment(comment, Resolution.NOTED, "Tiedoksi.", drafter)
    if comment_round.is_open:
        operations.close_round(comment_round, drafter)
    db.session.commit()
    assert comment_round.summary_shared_at is not None


def _next_phase(previous, drafter, **kwargs):
    """Open the next phase of ``previous`` by the operation, on the agreement's latest version; commit."""
    comment_round = _open_next_phase(previous, drafter, **kwargs)
    db.session.commit()
    return comment_round


def _open_next_phase(previous, drafter, **kwargs):
    """Open the next phase of ``previous`` by the operation, on the agreement's latest version."""
    agreement = previous.agreement
    comment_round = operations.open_round(
        agreement,
        agreement.latest_version,
        drafter,
        utcnow() + timedelta(days=14),
        contact_person=None,
        background="",
        questions="",
        sections=(),
        visibility=kwargs.pop("visibility", RoundVisibility.ALL_INVITEES),
        previous_round=previous,
        **kwargs,
    )
    return comment_round


@pytest.fixture
def expert(make_user):
    return make_user(name="Erkki Asiantuntija")


@pytest.fixture
def first_phase(open_round, provider, expert):
    """Phase 1: the provider Tredu and one person invited personally."""
    return open_round(organisations=[provider], users=[expert])


def test_phase_two_to_every_active_organisation_invites_nobody_twice(
    drafter_client, first_phase, agreement, drafter, expert, provider, other_provider, make_organisation
):
    make_organisation(kind=PROVIDER, name="Lakkautettu opisto", active=False)
    party = next(p for p in agreement.parties if p.id != agreement.owner_id)
    operations.close_round(first_phase, drafter)
    db.session.commit()
    form = _text(drafter_client, f"/rounds/{first_phase.id}/next-phase")
    assert "Open phase 2 of the comment round" in form
    assert "Tredu (Tampere) (phase 1)" in form
    assert "Erkki Asiantuntija, invited personally (phase 1)" in form

    response = _post_next_phase(drafter_client, first_phase, everyone="y", user_emails=expert.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    second = first_phase.next_phase
    assert (second.phase, second.previous_round, second.is_open) == (2, first_phase, True)
    # every active organisation but the drafter itself and those of phase 1
    assert _invited(second) == {other_provider.name, party.name}
    page = _text(drafter_client, response.headers["Location"])
    assert "This is phase 2 of the comment round." in page
    assert "Tredu, invited to phase 1" in page and "Erkki Asiantuntija, invited to phase 1" in page
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "comment_round.open", AuditEvent.object_id == second.id)
    )
    assert event.details["phase"] == 2 and event.details["previous_round"] == first_phase.id
    assert set(event.details["left_out"]) == {f"organisations:{provider.id}", f"users:{expert.id}"}
    listed = _text(drafter_client, "/rounds/")
    assert f"{agreement.reference} {agreement.title}</a> · Phase 2" in listed


def test_an_earlier_invitee_ticked_again_is_invited_again(
    drafter_client, first_phase, provider, other_provider, expert
):
    response = _post_next_phase(
        drafter_client,
        first_phase,
        organisation_ids=[str(other_provider.id)],
        invite_again=[f"organisations:{provider.id}"],
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _invited(first_phase.next_phase) == {"Tredu", "Sataedu"}


def test_an_earlier_invitee_is_not_offered_among_the_organisations(drafter_client, first_phase, provider):
    response = _post_next_phase(drafter_client, first_phase, organisation_ids=[str(provider.id)])
    assert response.status_code == 200 and first_phase.next_phase is None
    assert "not a valid choice" in response.get_data(as_text=True)


def test_a_phase_of_only_earlier_invitees_invites_nobody_and_is_refused(first_phase, drafter, provider):
    with pytest.raises(OperationRefused, match="Choose at least one organisation"):
        _next_phase(first_phase, drafter, organisations=[provider])


def test_a_round_has_one_next_phase_and_phases_go_on_in_order(
    drafter_client, first_phase, drafter, other_provider, make_organisation
):
    second = _next_phase(first_phase, drafter, organisations=[other_provider])
    assert _post_next_phase(drafter_client, first_phase, everyone="y").status_code == 409
    with pytest.raises(OperationRefused, match="Phase 2 of this consultation has already been opened"):
        _next_phase(first_phase, drafter, organisations=[make_organisation(kind=PROVIDER)])
    third = _next_phase(second, drafter, organisations=[make_organisation(kind=PROVIDER, name="Omnia")])
    assert third.phase == 3 and queries.consultation(first_phase) == [first_phase, second, third]
    assert queries.consultation(third) == [first_phase, second, third]


@pytest.mark.postgresql
@pytest.mark.committing  # threads, each with its own connection
def test_two_next_phases_opened_at_once_one_opens_the_other_is_refused(
    app, first_phase, drafter, other_provider
):
    previous_id, drafter_id, organisation_id = first_phase.id, drafter.id, other_provider.id
    barrier = threading.Barrier(2)

    def open_next() -> str:
        with app.app_context():
            previous = db.session.get(CommentRound, previous_id)
            organisation = db.session.get(Organisation, organisation_id)
            barrier.wait()
            try:
                _open_next_phase(previous, db.session.get(User, drafter_id), organisations=[organisation])
                time.sleep(0.2)  # the transaction stays open a moment: the other must wait, then refuse
                db.session.commit()
            except OperationRefused:
                db.session.rollback()
                return "refused"
            finally:
                db.session.remove()
            return "opened"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda _: open_next(), range(2)))
    assert sorted(outcomes) == ["opened", "refused"]
    assert queries.next_phase_id(first_phase) is not None


def test_phase_two_asks_about_a_newer_version_and_the_agreement_page_lists_the_phases_in_order(
    drafter_client, first_phase, agreement, drafter, other_provider
):
    save_next_version(agreement, drafter, places=5)
    form = _text(drafter_client, f"/rounds/new/{agreement.id}")
    assert f'href="/rounds/{first_phase.id}/next-phase"' in form  # opening a round offers the next phase
    response = _post_next_phase(
        drafter_client, first_phase, version_number="2", organisation_ids=[str(other_provider.id)]
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    second = first_phase.next_phase
    assert second.version.number == 2
    page = _text(drafter_client, f"/agreements/{agreement.id}")
    rounds = page[
        page.index('id="rounds-heading"') : page.index("</section>", page.index('id="rounds-heading"'))
    ]
    assert rounds.index("Phase 1:") < rounds.index("Round on version 1") < rounds.index("Phase 2:")
    assert rounds.index("Phase 2:") < rounds.index("Round on version 2")
    assert f'href="/rounds/{second.id}/next-phase"' in rounds and "Open phase 3" in rounds
    assert f'href="/rounds/{first_phase.id}/next-phase"' not in rounds
    assert "Summary report of every phase" in rounds


@pytest.fixture
def two_phases(open_round, drafter, provider, other_provider, commenter, other_commenter):
    """Phase 1 to Tredu, phase 2 to Sataedu; a comment in each on "details", one more on the whole in phase 2,
    each resolved."""
    first = open_round(organisations=[provider])
    early = operations.add_comment(first, commenter, "Korvaus puuttuu.", "details")
    operations.resolve_comment(early, Resolution.ACCEPTED, "Lisätty kohtaan 2.", drafter)
    operations.close_round(first, drafter)
    second = _next_phase(first, drafter, organisations=[other_provider])
    late = operations.add_comment(second, other_commenter, "Korvaus on liian pieni.", "details")
    whole = operations.add_comment(second, other_commenter, "Hyvä kokonaisuus.")
    operations.resolve_comment(late, Resolution.NOT_ACCEPTED, "Budjetti ei jousta.", drafter)
    operations.resolve_comment(whole, Resolution.NOTED, "Kiitos.", drafter)
    db.session.commit()
    return first, second


def _cards(section_html: str) -> list[str]:
    return section_html.split('<article class="card')[1:]


def test_the_summary_of_every_phase_lists_both_phases_comments_with_resolutions(drafter_client, two_phases):
    first, second = two_phases
    page = _text(drafter_client, f"/rounds/{second.id}/every-phase/summary")
    sections = {c.split("<", 1)[0].strip(): c for c in re.split(r"<h3 [^>]*>", page)[1:]}
    assert list(sections) == ["The document as a whole", "1 Basics", "2 Details"]
    early, late = _cards(sections["2 Details"])
    for text in ("Phase 1", "Tredu", "Korvaus puuttuu.", "Accepted", "Lisätty kohtaan 2."):
        assert text in early
    for text in ("Phase 2", "Sataedu", "Korvaus on liian pieni.", "Not accepted", "Budjetti ei jousta."):
        assert text in late
    (whole,) = _cards(sections["The document as a whole"])
    assert "Phase 2" in whole and "Hyvä kokonaisuus." in whole and "Noted" in whole
    assert "Draft" in page and "Phase 2: The round is still open." in page
    assert f'href="/rounds/{first.id}/summary"' in page  # each phase's own report


def test_the_docx_of_every_phase_lists_the_phases_and_each_comment_s_phase(drafter_client, two_phases):
    first, _second = two_phases
    response = drafter_client.get(f"/rounds/{first.id}/every-phase/summary.docx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert "every_phase.docx" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    phases = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert [row[:2] for row in phases] == [["Phase", "Version under comment"], ["1", "1"], ["2", "1"]]
    assert phases[1][5] == "1 of 1 answered"
    lines = [p.text for p in document.paragraphs]
    details = lines[lines.index("2 Details") :]
    assert details[:8] == [
        "2 Details",
        "Tredu",
        "Phase: 1",
        details[3],
        "Korvaus puuttuu.",
        "Resolution: Accepted",
        "Reasoning: Lisätty kohtaan 2.",
        "Sataedu",
    ]
    assert "Phase: 2" in details and "Reasoning: Budjetti ei jousta." in details


@pytest.mark.parametrize("ending", ["", ".docx"])
def test_invitees_read_the_phases_whose_summary_they_may_read_and_outsiders_none(
    app, two_phases, drafter, commenter, other_commenter, make_user, make_organisation, ending
):
    first, second = two_phases
    url = f"/rounds/{second.id}/every-phase/summary{ending}"
    outsider = make_user(organisation=make_organisation(kind=PROVIDER, name="Muu opisto"))
    late_invitee, outsider_client = logged_in(app, other_commenter), logged_in(app, outsider)
    assert late_invitee.get(url).status_code == 404  # not shared yet
    _share(second, drafter)
    assert outsider_client.get(url).status_code == 404
    body = late_invitee.get(url)
    assert body.status_code == 200
    document = docx.Document(io.BytesIO(body.data)) if ending else None
    text = "\n".join(p.text for p in document.paragraphs) if document else body.get_data(as_text=True)
    # phase 1's report is Tredu's and the drafter's: Sataedu, invited to phase 2 only, does not see it
    assert "Korvaus on liian pieni." in text and "Korvaus puuttuu." not in text
    early_invitee = logged_in(app, commenter)
    assert early_invitee.get(f"/rounds/{first.id}/every-phase/summary{ending}").status_code == 200


def test_in_a_private_phase_an_invitee_reads_only_their_own_threads(
    open_round, drafter, provider, other_provider, commenter, other_commenter, make_organisation
):
    from agreements.reviews.summary import build_consultation_summary

    first = open_round(organisations=[provider, other_provider], visibility=RoundVisibility.DRAFTER_ONLY)
    operations.add_comment(first, commenter, "Tredun näkemys.")
    operations.add_comment(first, other_commenter, "Sataedun näkemys.")
    _share(first, drafter)
    second = _next_phase(first, drafter, organisations=[make_organisation(kind=PROVIDER, name="Omnia")])
    _share(second, drafter)

    def bodies(reader):
        summary = build_consultation_summary(second, "en", reader)
        return [entry.body for section in summary.sections for entry in section.entries]

    assert bodies(drafter) == ["Tredun näkemys.", "Sataedun näkemys."]
    assert bodies(commenter) == ["Tredun näkemys."]
    assert bodies(other_commenter) == ["Sataedun näkemys."]
