"""Approval before signing: a commitment is sent only in the version its approval decision names; the
decision is recorded through its page, shown on the agreement's page and in the history, and named on the
certificate."""

import html
import io
from datetime import date

import docx
import pytest
from sqlalchemy import select

from agreements.accounts.models import MembershipRole
from agreements.core.audit import AuditEvent
from agreements.core.errors import OperationRefused
from agreements.core.uploads import InvalidUpload
from agreements.drafting.approval import record_approval, requires_approval
from agreements.drafting.models import ApprovalDecision
from agreements.extensions import db
from agreements.organisations.models import OrganisationKind
from agreements.signatures import operations
from agreements.signatures.certificate import build_certificate, certificate_docx
from tests.support.client import log_in
from tests.support.joining import approve, commitment_manifest, moment, sign_for, signatory
from tests.support.signing import edit_agreement, pdf_bytes


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def joiners(make_organisation, make_user):
    """Two organisations of the region, each with its signatory."""
    organisations = []
    for number, kind in enumerate((OrganisationKind.PROVIDER, OrganisationKind.WORKSHOP), start=1):
        organisation = make_organisation(kind=kind, name=f"Liittyjä {number}")
        make_user(organisation=organisation, role=MembershipRole.SIGNATORY, name=f"Allekirjoittaja {number}")
        organisations.append(organisation)
    return organisations


@pytest.fixture
def commitment(make_agreement, make_template_version, workshop, joiners, editor):
    """A commitment drafted on a template that, like the shipped one, requires approval."""
    return make_agreement(
        owner=workshop,
        providers=joiners,
        template_version=make_template_version(manifest_dict=commitment_manifest("approval_commitment")),
        title="Pirkanmaan linjaukset",
        created_by=editor,
    )


def open_for_joining(commitment, editor):
    joiners = [party for party in commitment.parties if party.id != commitment.owner_id]
    return operations.send_for_signature(commitment, editor, [(o, signatory(o)) for o in joiners])


def test_the_shipped_commitment_requires_approval():
    import json
    from pathlib import Path

    manifest = json.loads(Path("agreement_templates/commitment/manifest.json").read_text(encoding="utf-8"))
    assert manifest["requires_approval"] is True


def test_a_commitment_cannot_be_sent_unapproved(commitment, editor):
    assert requires_approval(commitment)
    with pytest.raises(OperationRefused, match="must be approved before it is sent for signature"):
        open_for_joining(commitment, editor)


def test_an_agreement_whose_template_needs_no_approval_is_sent_as_before(agreement, editor):
    assert not requires_approval(agreement)
    with pytest.raises(OperationRefused, match="does not require an approval"):
        approve(agreement, editor)


def test_the_approved_version_is_sent(commitment, editor):
    decision = approve(commitment, editor)
    request = open_for_joining(commitment, editor)
    assert request.version_id == decision.version_id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement.approve")).one()
    assert event.details == {
        "decision": decision.id,
        "version": 1,
        "body": "TPY:n hallitus",
        "decided_on": "2026-08-20",
        "minutes_reference": "Pöytäkirja 7/2026, § 5",
        "attachment_sha256": None,
    }
    assert event.actor_id == editor.id and decision.recorded_by_id == editor.id


def test_a_newer_version_than_the_approved_one_is_refused(commitment, editor):
    approve(commitment, editor)
    edit_agreement(commitment, editor)
    db.session.commit()
    with pytest.raises(OperationRefused) as refused:
        open_for_joining(commitment, editor)
    assert refused.value.message == (
        "TPY:n hallitus approved version 1 on 20.8.2026, but the latest version is 2. "
        "Only the approved version can be sent: record the approval of version 2 first."
    )
    approve(commitment, editor)
    assert open_for_joining(commitment, editor).version.number == 2


def test_a_revised_signed_commitment_needs_a_new_approval(commitment, editor, joiners):
    approve(commitment, editor)
    request = open_for_joining(commitment, editor)
    db.session.commit()
    sign_for(request, joiners[0], moment(3))
    edit_agreement(commitment, editor)
    db.session.commit()
    with pytest.raises(OperationRefused, match="latest version is 2"):
        operations.send_for_signature(commitment, editor, [(joiners[1], signatory(joiners[1]))])


def test_a_version_is_approved_once_and_only_the_latest(commitment, editor):
    approve(commitment, editor)
    with pytest.raises(OperationRefused, match="approved already"):
        approve(commitment, editor)
    edit_agreement(commitment, editor)
    with pytest.raises(OperationRefused, match="Version 2 was saved"):
        record_approval(
            commitment, editor, version_number=1, body="B", decided_on=date(2026, 8, 1), minutes_reference="M"
        )


def test_only_an_editor_of_the_drafting_workshop_records_a_decision(commitment, make_user, workshop):
    viewer = make_user(organisation=workshop, role=MembershipRole.VIEWER)
    with pytest.raises(OperationRefused, match="Only editors"):
        approve(commitment, viewer)


def test_a_decision_in_the_future_is_refused(commitment, editor):
    with pytest.raises(OperationRefused, match="future"):
        approve(commitment, editor, decided_on=date(2999, 1, 1))


def test_the_attachment_is_checked_like_a_paper_copy(commitment, editor):
    with pytest.raises(InvalidUpload, match="not a PDF") as refused:
        record_approval(
            commitment,
            editor,
            version_number=1,
            body="TPY:n hallitus",
            decided_on=date(2026, 8, 20),
            minutes_reference="7/2026",
            attachment=b"not a pdf",
        )
    assert refused.value.field == "attachment"


def test_the_certificate_names_the_decision(commitment, editor, joiners):
    approve(commitment, editor)
    request = open_for_joining(commitment, editor)
    db.session.commit()
    sign_for(request, joiners[0], moment(3))
    certificate = build_certificate(request, "en")
    expected = "Version 1 approved by TPY:n hallitus on 20.8.2026, minutes Pöytäkirja 7/2026, § 5"
    assert certificate.approval == expected
    document = docx.Document(io.BytesIO(certificate_docx(certificate)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert expected in cells


def test_the_approval_page_records_the_decision_with_its_minutes(client, commitment, editor):
    log_in(client, editor)
    page = text(client.get(f"/agreements/{commitment.id}"))
    assert "must be approved before it is sent for signature" in page
    assert "Record the approval of version 1" in page and "Open for joining" not in page
    form = text(client.get(f"/agreements/{commitment.id}/approve"))
    assert "Deciding body" in form and "Minutes reference" in form
    data = {
        "version": "1",
        "body": "TPY:n hallitus",
        "decided_on": "24.8.2026",
        "minutes_reference": "7/2026 § 5",
        "attachment": (io.BytesIO(pdf_bytes()), "minutes.pdf"),
    }
    response = client.post(f"/agreements/{commitment.id}/approve", data=data)
    assert response.status_code == 302, text(response)[:2000]
    decision = db.session.scalars(select(ApprovalDecision)).one()
    assert (decision.body, decision.decided_on, decision.version.number) == (
        "TPY:n hallitus",
        date(2026, 8, 24),
        1,
    )
    page = text(client.get(f"/agreements/{commitment.id}"))
    assert "Version 1 is approved: it can be sent for signature." in page
    assert "Version 1 approved by TPY:n hallitus on 24.8.2026, minutes 7/2026 § 5." in page
    assert "Open for joining" in page
    attachment = client.get(f"/agreements/{commitment.id}/approvals/{decision.id}.pdf")
    assert attachment.status_code == 200 and attachment.data == pdf_bytes()
    history = text(client.get(f"/signatures/history/{commitment.id}"))
    assert "Recorded the approval decision of a version" in history


def test_the_approval_page_refuses_a_file_that_is_not_a_pdf(client, commitment, editor):
    log_in(client, editor)
    data = {
        "version": "1",
        "body": "TPY:n hallitus",
        "decided_on": "24.8.2026",
        "minutes_reference": "7/2026 § 5",
        "attachment": (io.BytesIO(b"hello"), "minutes.pdf"),
    }
    response = client.post(f"/agreements/{commitment.id}/approve", data=data)
    assert response.status_code == 400
    assert "The file is not a PDF document" in text(response)
    assert db.session.scalars(select(ApprovalDecision)).first() is None


def test_the_approval_page_needs_the_csrf_token(client, commitment, editor):
    log_in(client, editor)
    data = {"version": "1", "body": "B", "decided_on": "24.8.2026", "minutes_reference": "M"}
    response = client.post(f"/agreements/{commitment.id}/approve", data=data, csrf=False)
    assert response.status_code == 400
    assert db.session.scalars(select(ApprovalDecision)).first() is None


def test_an_approved_version_has_nothing_to_approve(client, commitment, editor):
    approve(commitment, editor)
    log_in(client, editor)
    response = client.get(f"/agreements/{commitment.id}/approve")
    assert response.status_code == 409 and "approved already" in text(response)


def test_the_agreements_page_lists_the_decisions_of_each_version_newest_first(client, commitment, editor):
    approve(commitment, editor)
    edit_agreement(commitment, editor)
    edit_agreement(commitment, editor)
    approve(commitment, editor)
    db.session.commit()
    log_in(client, editor)
    page = text(client.get(f"/agreements/{commitment.id}"))
    assert "Version 3 is approved: it can be sent for signature." in page
    assert page.index("Version 3 approved by") < page.index("Version 1 approved by")
    assert "Version 2 approved by" not in page and "Version 3 was saved" not in page
