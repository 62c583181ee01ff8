"""Fixtures for signatures: a signatory of each party of the draft, sending it and signing it; and a
region's commitment with eight organisations that may join it, opened for the first six.

The workshop, the provider, the drafter and the draft between them come from tests/conftest.py.
"""

import pytest

from agreements.accounts.models import MembershipRole
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.signatures import operations
from agreements.signatures.models import SigningOrder
from tests.support.factories import PASSWORD
from tests.support.joining import approve, commitment_manifest, moment, signatory
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


@pytest.fixture
def commitment_version(make_template_version):
    return make_template_version(manifest_dict=commitment_manifest("test_commitment"))


@pytest.fixture
def joiners(make_organisation, make_user):
    """Eight organisations of the region, workshops and providers, each with its own signatory."""
    organisations = []
    for number in range(1, 9):
        kind = OrganisationKind.PROVIDER if number % 2 else OrganisationKind.WORKSHOP
        organisation = make_organisation(kind=kind, name=f"Liittyjä {number}")
        make_user(organisation=organisation, role=MembershipRole.SIGNATORY, name=f"Allekirjoittaja {number}")
        organisations.append(organisation)
    return organisations


@pytest.fixture
def commitment(make_agreement, workshop, joiners, commitment_version, editor):
    """The region's commitment, drafted by the workshop with the first six organisations as its parties."""
    return make_agreement(
        owner=workshop,
        providers=joiners[:6],
        template_version=commitment_version,
        title="Pirkanmaan yhteistyön linjaukset",
        created_by=editor,
    )


@pytest.fixture
def opened(commitment, drafter, joiners):
    """The commitment, approved, opened for joining, the six organisations invited, on 1 September."""
    approve(commitment, drafter)
    request = operations.send_for_signature(
        commitment, drafter, [(o, signatory(o)) for o in joiners[:6]], now=moment(1)
    )
    db.session.commit()
    return request
