"""Joining a commitment in tests: noon on a day of 2026, an organisation's one signatory, signing for it."""

from datetime import UTC, datetime

from agreements.extensions import db
from agreements.signatures import accession, operations
from tests.support.factories import PASSWORD
from tests.support.signing import EVIDENCE


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
