"""Opening a comment round: who is invited, the deadline, the sections, and the agreement's status."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import utcnow
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.reviews.models import RoundStatus, RoundVisibility
from agreements.reviews.queries import is_invited
from tests.support.factories import PROVIDER


def invited_names(comment_round) -> set[str]:
    return {str(i.organisation or i.user) for i in comment_round.invitations}


def test_opening_a_round_invites_moves_the_draft_to_commenting_and_is_audited(
    open_round, agreement, provider, drafter
):
    comment_round = open_round(organisations=[provider], sections=["details"])
    assert comment_round.status == RoundStatus.OPEN
    assert comment_round.version == agreement.versions[0]
    assert comment_round.sections == ["details"]
    assert invited_names(comment_round) == {"Tredu"}
    assert agreement.status == AgreementStatus.COMMENTING
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comment_round.open"))
    assert event.object_id == comment_round.id and event.actor_id == drafter.id


def test_a_second_round_may_open_while_the_agreement_is_out_for_comments(open_round, provider, agreement):
    open_round(organisations=[provider])
    second = open_round(organisations=[provider], visibility=RoundVisibility.DRAFTER_ONLY)
    assert second.is_open and agreement.status == AgreementStatus.COMMENTING


def test_a_network_invites_every_active_organisation_in_its_regions(
    open_round, make_network, make_organisation, agreement, workshop
):
    network = make_network(region_codes=("06", "04"))
    make_organisation(kind=PROVIDER, name="Tredu", region_code="06")
    make_organisation(kind=PROVIDER, name="Sataedu", region_code="04")
    make_organisation(kind=PROVIDER, name="Omnia", region_code="01")
    make_organisation(kind=PROVIDER, name="Lakannut opisto", region_code="06", active=False)
    comment_round = open_round(networks=[network])
    (party,) = [p for p in agreement.parties if p != workshop]  # the agreement's provider, in region 06
    # the drafting workshop (in region 06 too) is not invited to comment on its own draft
    assert invited_names(comment_round) == {"Tredu", "Sataedu", party.name}


def test_people_are_invited_once_each(open_round, make_user, provider):
    expert = make_user(name="Erkki Asiantuntija")
    comment_round = open_round(organisations=[provider, provider], users=[expert, expert])
    assert invited_names(comment_round) == {"Tredu", "Erkki Asiantuntija"}
    assert is_invited(expert, comment_round)


def test_members_of_invited_organisations_are_invited_others_are_not(
    comment_round, commenter, make_user, make_organisation, drafter
):
    outsider = make_user(organisation=make_organisation(kind=PROVIDER, name="Omnia"))
    assert is_invited(commenter, comment_round)
    assert not is_invited(outsider, comment_round)
    assert not is_invited(drafter, comment_round)
    assert not is_invited(None, comment_round)


def test_the_deadline_must_be_in_the_future(open_round, provider, agreement):
    with pytest.raises(OperationRefused, match="The deadline must be in the future"):
        open_round(organisations=[provider], deadline=utcnow() - timedelta(minutes=1))
    assert agreement.status == AgreementStatus.DRAFT


def test_somebody_must_be_invited(open_round, workshop):
    with pytest.raises(OperationRefused, match="Choose at least one organisation"):
        open_round(organisations=[workshop])


def test_sections_must_be_sections_of_the_template(open_round, provider):
    with pytest.raises(OperationRefused, match="The document has no section “nosuch”"):
        open_round(organisations=[provider], sections=["basics", "nosuch"])


def test_only_the_drafting_organisations_editors_open_rounds(open_round, provider, make_user, workshop):
    viewer = make_user(organisation=workshop, role=MembershipRole.VIEWER)
    with pytest.raises(OperationRefused, match="Only editors of the drafting organisation"):
        open_round(organisations=[provider], contact_person=viewer, opened_by=viewer)


@pytest.mark.parametrize(
    "status", [s for s in AgreementStatus if s not in (AgreementStatus.DRAFT, AgreementStatus.COMMENTING)]
)
def test_no_round_on_an_agreement_past_drafting(make_agreement, workshop, drafter, provider, status):
    from agreements.reviews.operations import open_round

    agreement = make_agreement(owner=workshop, status=status)
    with pytest.raises(OperationRefused, match="cannot be opened for comments"):
        open_round(
            agreement,
            agreement.versions[0],
            drafter,
            utcnow() + timedelta(days=7),
            None,
            "",
            "",
            (),
            RoundVisibility.ALL_INVITEES,
            organisations=[provider],
        )
    assert agreement.status == status
