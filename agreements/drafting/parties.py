"""The parties' own terms: organisations invited to join a commitment, joining it, and who is bound.

A commitment is joined, not co-signed: when it opens for accession the organisations that have not joined
are listed without being bound; each becomes bound from the day it signs (``join``), and the commitment is
signed when the first one does. Organisations invited later are added to its parties, unbound.
"""

from datetime import date

from agreements.core.audit import record
from agreements.drafting import lifecycle
from agreements.drafting.models import Agreement, AgreementParty, AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import Organisation


def terms_of(agreement: Agreement, organisation: Organisation) -> AgreementParty | None:
    """The organisation's terms in the agreement, or None when it is not a party."""
    return db.session.get(AgreementParty, (agreement.id, organisation.id))


def open_for_joining(agreement: Agreement) -> None:
    """Before a commitment's first accession: every party is listed but bound only once it has joined."""
    if agreement.status != AgreementStatus.DRAFT:
        return  # a signed commitment opening a revised version: who joined before stays bound
    db.session.flush()
    for terms in _terms(agreement):
        terms.bound = False


def add_invited(agreement: Agreement, organisation: Organisation) -> None:
    """List an organisation invited to join the agreement among its parties, not bound until it joins."""
    if terms_of(agreement, organisation) is not None:
        return
    db.session.add(AgreementParty(agreement_id=agreement.id, organisation_id=organisation.id, bound=False))
    db.session.flush()
    db.session.expire(agreement, ["parties", "party_terms"])


def join(agreement: Agreement, organisation: Organisation, day: date, actor=None) -> None:
    """Bind an organisation from ``day``, the day it signed; the first to join makes the commitment signed."""
    terms = terms_of(agreement, organisation)
    if terms is None:
        add_invited(agreement, organisation)
        terms = terms_of(agreement, organisation)
    if not terms.bound or terms.left_on is not None:
        _bind(agreement, terms, day, actor)
    if agreement.status == AgreementStatus.AWAITING_SIGNATURES:
        lifecycle.mark_signed(agreement, actor)


def _bind(agreement: Agreement, terms: AgreementParty, day: date, actor) -> None:
    """Bind the organisation from ``day``; one that gave notice and signs again stays, its notice undone."""
    details = {"organisation": terms.organisation_id}
    if terms.bound:
        details.update(signed_on=day.isoformat(), notice_withdrawn=terms.notice_given_on.isoformat())
    else:
        terms.joined_on = day
        details["joined_on"] = day.isoformat()
    terms.bound, terms.left_on, terms.notice_given_on = True, None, None
    db.session.flush()
    record("agreement.join", agreement, details, actor=actor)


def _terms(agreement: Agreement) -> list[AgreementParty]:
    return list(
        db.session.scalars(db.select(AgreementParty).where(AgreementParty.agreement_id == agreement.id))
    )
