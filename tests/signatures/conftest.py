"""Fixtures for signatures: a draft between a workshop and a provider, a signatory of each, a sent request."""

import io

import pytest

from agreements.accounts.models import MembershipRole
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.signatures import operations
from agreements.signatures.models import SigningOrder
from agreements.signatures.operations import Evidence

WORKSHOP, PROVIDER = OrganisationKind.WORKSHOP, OrganisationKind.PROVIDER
EVIDENCE = Evidence(ip="192.0.2.10", user_agent="Mozilla/5.0 (X11; Linux x86_64) Chromium/156")


@pytest.fixture
def workshop(make_organisation):
    return make_organisation(kind=WORKSHOP, name="Tampereen Työpaja")


@pytest.fixture
def provider(make_organisation):
    return make_organisation(kind=PROVIDER, name="Tredu")


@pytest.fixture
def drafter(make_user, workshop):
    """An editor of the drafting workshop, who sends the agreement for signature."""
    return make_user(organisation=workshop, role=MembershipRole.EDITOR, name="Eeva Editori")


@pytest.fixture
def workshop_signatory(make_user, workshop):
    return make_user(organisation=workshop, role=MembershipRole.SIGNATORY, name="Timo Toiminnanjohtaja")


@pytest.fixture
def provider_signatory(make_user, provider):
    return make_user(organisation=provider, role=MembershipRole.SIGNATORY, name="Riitta Rehtori")


@pytest.fixture
def agreement(make_agreement, workshop, provider, drafter):
    return make_agreement(owner=workshop, providers=[provider], created_by=drafter)


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
    from tests.conftest import PASSWORD

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


def edit_agreement(agreement, drafter) -> None:
    """Save a new version of the agreement with another title, as the drafter."""
    from agreements.drafting.operations import save_version

    latest = agreement.latest_version
    save_version(
        agreement,
        latest.number,
        title="Muutettu otsikko",
        start_date=latest.start_date,
        end_date=latest.end_date,
        notice_period_months=latest.notice_period_months,
        auto_renew=latest.auto_renew,
        parties=agreement.parties[1:],
        values=latest.values,
        actor=drafter,
    )
    db.session.commit()


def pdf_bytes(pages: int = 1) -> bytes:
    """A small real PDF with blank pages, made with pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
