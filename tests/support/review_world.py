"""The world of a comment round: a workshop's draft, two invited providers with a person each, a round.

``open_plain_round``, ``save_next_version`` and ``round_url`` are helpers; the rest are fixtures, imported
by the conftests of tests/reviews and tests/notifications (which test what a round tells people).
"""

from datetime import timedelta

import pytest
from flask import current_app

from agreements.accounts.models import MembershipRole
from agreements.core.timeutil import utcnow
from agreements.drafting import operations as drafting
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.reviews import operations
from agreements.reviews.models import RoundVisibility
from tests.support.factories import PROVIDER


def open_plain_round(
    agreement, opened_by, deadline, organisations, visibility=RoundVisibility.ALL_INVITEES, **kwargs
):
    """Open a round on the agreement's first version, with no background, questions or sections."""
    return operations.open_round(
        agreement,
        agreement.versions[0],
        opened_by,
        deadline,
        contact_person=None,
        background="",
        questions="",
        sections=(),
        visibility=visibility,
        organisations=organisations,
        **kwargs,
    )


def save_next_version(agreement, actor, answered=(), **values):
    """Save the latest version again with ``values`` changed, answering ``answered``."""
    latest = agreement.latest_version
    version = drafting.save_version(
        agreement,
        latest.number,
        title=latest.title,
        start_date=latest.start_date,
        end_date=latest.end_date,
        notice_period_months=latest.notice_period_months,
        auto_renew=latest.auto_renew,
        parties=[db.session.get(Organisation, party_id) for party_id in latest.party_ids[1:]],
        values={**latest.values, **values},
        answered_comments=answered,
        actor=actor,
    )
    db.session.commit()
    return version


def round_url(comment_round, page: str = "") -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/rounds/{comment_round.id}{page}"


@pytest.fixture
def drafter_client(client, login, drafter):
    """The client, logged in as the drafting workshop's editor."""
    login(client, drafter)
    return client


@pytest.fixture
def agreement(make_agreement, workshop, drafter):
    """The workshop's draft with a provider of its own: the invited providers are not parties to it."""
    return make_agreement(owner=workshop, created_by=drafter)


@pytest.fixture
def other_provider(make_organisation):
    return make_organisation(kind=PROVIDER, name="Sataedu", region_code="04")


@pytest.fixture
def commenter(make_user, provider):
    """A viewer of the invited provider: any member of an invited organisation may comment."""
    return make_user(organisation=provider, role=MembershipRole.VIEWER, name="Kalle Kommentoija")


@pytest.fixture
def other_commenter(make_user, other_provider):
    return make_user(organisation=other_provider, role=MembershipRole.EDITOR, name="Outi Oppilaitos")


@pytest.fixture
def open_round(agreement, drafter):
    """Factory: a round on the agreement's first version, opened by ``drafter``, closing in two weeks."""

    def make(organisations=(), visibility=RoundVisibility.ALL_INVITEES, deadline=None, **kwargs):
        comment_round = operations.open_round(
            agreement,
            agreement.versions[0],
            kwargs.pop("opened_by", drafter),
            deadline or utcnow() + timedelta(days=14),
            contact_person=kwargs.pop("contact_person", drafter),
            background=kwargs.pop("background", "Uusi sopimuspohja."),
            questions=kwargs.pop("questions", "Onko korvaus sopiva?"),
            sections=kwargs.pop("sections", ()),
            visibility=visibility,
            organisations=organisations,
            **kwargs,
        )
        db.session.commit()
        return comment_round

    return make


@pytest.fixture
def comment_round(open_round, provider, other_provider, commenter, other_commenter):
    """An open round, visible to all invitees, to which ``provider`` and ``other_provider`` are invited."""
    return open_round(organisations=[provider, other_provider])
