"""Fixtures for signatures: a signatory of each party of the draft, sending it and signing it.

The workshop, the provider, the drafter and the draft between them come from tests/conftest.py.
"""

import pytest

from agreements.accounts.models import MembershipRole
from agreements.extensions import db
from agreements.signatures import operations
from agreements.signatures.models import SigningOrder
from tests.support.factories import PASSWORD
from tests.support.signing import EVIDENCE


@pytest.fixture
def workshop_signatory(make_user, workshop):
    return make_user(organisation=workshop, role=MembershipRole.SIGNATORY, name="Timo Toiminnanjohtaja")


@pytest.fixture
def provider_signatory(make_user, provider):
    return make_user(organisation=provider, role=MembershipRole.SIGNATORY, name="Riitta Rehtori")


@pytest.fixture
def send(agreement, drafter, workshop, provider, workshop_signatory, provider_signatory):
    """Factory: send the agreement for signature (provider first, then the workshop) and commit."""

    def make(order=SigningOrder.PARALLEL, message="Allekirjoitathan pian.", signatories=None):
        request = operations.send_for_signature(
            agreement,
            drafter,
            signatories or [(provider, provider_signatory), (workshop, workshop_signatory)],
            order,
            message,
        )
        db.session.commit()
        return request

    return make


@pytest.fixture
def sign():
    """Sign a signature as its signatory, with the test password, their name and consent."""

    def make(signature, user=None, password=PASSWORD, typed_name=None, consent=True):
        user = user or signature.signatory
        operations.sign(signature, user, password, typed_name or user.name, consent, "fi", EVIDENCE)
        db.session.commit()

    return make


@pytest.fixture
def completed(send, sign):
    """A request both parties have signed electronically."""
    request = send()
    for signature in request.signatures:
        sign(signature)
    return request
