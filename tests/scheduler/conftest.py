"""Fixtures for the scheduler tests: an agreement waiting for signatures."""

from datetime import timedelta

import pytest

from agreements.accounts.models import MembershipRole
from agreements.core.timeutil import utcnow
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.signatures import operations
from agreements.signatures.models import SigningOrder


@pytest.fixture
def sent_for_signature(make_organisation, make_user, make_agreement):
    """Factory: an agreement sent ``days_ago`` to a signatory of each party, in parallel; returns them."""

    def make(days_ago: float):
        workshop = make_organisation(kind=OrganisationKind.WORKSHOP)
        provider = make_organisation(kind=OrganisationKind.PROVIDER)
        drafter = make_user(organisation=workshop, role=MembershipRole.EDITOR)
        parties = (provider, workshop)
        signatories = [make_user(organisation=party, role=MembershipRole.SIGNATORY) for party in parties]
        agreement = make_agreement(owner=workshop, providers=[provider], created_by=drafter)
        operations.send_for_signature(
            agreement,
            drafter,
            list(zip(parties, signatories, strict=True)),
            SigningOrder.PARALLEL,
            now=utcnow() - timedelta(days=days_ago),
        )
        db.session.commit()
        return signatories

    return make
