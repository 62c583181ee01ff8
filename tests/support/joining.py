"""Joining a commitment in tests: noon on a day of 2026, an organisation's one signatory, signing for it;
a commitment template that requires approval, and approving the latest version."""

from datetime import UTC, date, datetime

from agreements.drafting.approval import record_approval
from agreements.extensions import db
from agreements.signatures import accession, operations
from tests.support.factories import PASSWORD
from tests.support.signing import EVIDENCE
from tests.support.template_package import manifest


def moment(day: int, month: int = 9) -> datetime:
    """Noon in Helsinki (09.00 UTC) on a day of 2026."""
    return datetime(2026, month, day, 9, 0, tzinfo=UTC)


def signatory(organisation):
    """The organisation's one signatory."""
    (user,) = accession.candidate_signers(organisation)
    return user


def sign_for(request, organisation, when=None) -> None:
    """The organisation's first named signer signs its invitation on the request, and it is committed."""
    signature = request.party_of(organisation.id).signers[0]
    user = signature.signatory
    operations.sign(signature, user, PASSWORD, user.name, True, "fi", EVIDENCE, when)
    db.session.commit()


def commitment_manifest(key: str) -> dict:
    """The test package as a commitment template that, like the shipped one, requires approval."""
    return {**manifest(key, "commitment"), "requires_approval": True}


def approve(agreement, editor, body: str = "TPY:n hallitus", decided_on: date = date(2026, 8, 20)):
    """Record the board's approval of the agreement's latest version through the real operation."""
    decision = record_approval(
        agreement,
        editor,
        version_number=agreement.latest_version.number,
        body=body,
        decided_on=decided_on,
        minutes_reference="Pöytäkirja 7/2026, § 5",
    )
    db.session.commit()
    return decision
