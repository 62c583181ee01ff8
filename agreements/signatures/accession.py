"""Joining a commitment: invite more organisations while it is open, withdraw an invitation, let one
expire, and close the joining.

A commitment's request is an accession (operations.send_for_signature opens it). Each invited organisation
signs or declines for itself and, once it has signed, is bound from that day; nobody re-signs because
somebody else joined or declined. Closing the joining stops new signatures; those given stand.
"""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from agreements.accounts.models import MembershipRole, User
from agreements.accounts.queries import active_members
from agreements.core.audit import record
from agreements.core.errors import OperationRefused
from agreements.core.timeutil import helsinki_today, utcnow
from agreements.drafting.models import AgreementStatus
from agreements.extensions import db
from agreements.organisations.models import Organisation
from agreements.signatures import notifications
from agreements.signatures.eligibility import PartyChoice, check_choice
from agreements.signatures.models import (
    PartyStatus,
    RequestStatus,
    SignatureRequest,
    SigningContact,
    SigningMode,
    SigningParty,
)
from agreements.signatures.operations import (
    add_party,
    check_respond_by,
    close_accession_now,
    end_party,
    lock_request,
    require_sender,
)
from agreements.signatures.queries import awaiting


def ensure_open(request: SignatureRequest) -> None:
    """Refuse unless the request is an accession still open for joining."""
    if not request.is_accession:
        raise OperationRefused(_("Only a commitment is joined organisation by organisation."))
    if not request.is_pending or request.agreement.status not in JOINABLE:
        raise OperationRefused(_("The joining is closed: nobody new can be invited or sign."))


#: A commitment may be joined while it waits for its first organisation and while it is signed.
JOINABLE = (AgreementStatus.AWAITING_SIGNATURES, AgreementStatus.SIGNED)


def candidate_signers(organisation: Organisation) -> list[User]:
    """Who may be asked to sign for the organisation: its active signatories and signing contacts, by name."""
    members = active_members([organisation.id], MembershipRole.SIGNATORY)
    contacts = db.session.scalars(
        select(User)
        .join(SigningContact, SigningContact.user_id == User.id)
        .where(SigningContact.organisation_id == organisation.id, User.active)
    )
    people = {user.id: user for user in [*members, *contacts]}
    return sorted(people.values(), key=lambda user: user.name.casefold())


def not_yet_invited(request: SignatureRequest, organisations: list[Organisation]) -> list[Organisation]:
    """The organisations that have no invitation on the request, in the order given."""
    asked = {party.organisation_id for party in request.parties}
    return [organisation for organisation in organisations if organisation.id not in asked]


def choices_for(organisations: list[Organisation]) -> tuple[list[PartyChoice], list[Organisation]]:
    """A choice per organisation naming all its possible signers (one signs), and those without any."""
    choices, without = [], []
    for organisation in organisations:
        signers = candidate_signers(organisation)
        if signers:
            choices.append(PartyChoice(organisation, tuple(signers)))
        else:
            without.append(organisation)
    return choices, without


def invite(
    request: SignatureRequest,
    by: User,
    choices: list[PartyChoice],
    respond_by: date | None = None,
    now: datetime | None = None,
) -> list[SigningParty]:
    """Invite more organisations to join the open commitment, each with its named signers."""
    require_sender(by, request.agreement, SigningMode.ACCESSION)
    lock_request(request)
    ensure_open(request)
    if not choices:
        raise OperationRefused(_("Choose at least one organisation to invite."))
    check_respond_by(respond_by, now)
    for choice in choices:
        if request.party_of(choice.organisation.id) is not None:
            raise OperationRefused(_("%(name)s has been invited already.", name=choice.organisation.name))
        check_choice(request.agreement, choice)
    before = awaiting(request)
    now = now or utcnow()
    added = [add_party(request, choice, by, now, respond_by) for choice in choices]
    details = {"organisations": [party.organisation_id for party in added]}
    if respond_by is not None:
        details["respond_by"] = respond_by.isoformat()
    record("signature_request.invite", request, details, actor=by)
    notifications.notify_turn(request, [s for s in awaiting(request) if s not in before], by)
    return added


def ensure_withdrawable(party: SigningParty) -> None:
    """Refuse unless the joining is open and the organisation has not answered its invitation."""
    ensure_open(party.request)
    if not party.is_pending:
        raise OperationRefused(
            _("%(name)s has already answered the invitation.", name=party.organisation.name)
        )


def withdraw_invitation(party: SigningParty, by: User, reason: str = "", now: datetime | None = None) -> None:
    """Withdraw an organisation's invitation that it has not answered; its signers are told."""
    require_sender(by, party.request.agreement, SigningMode.ACCESSION)
    ensure_open(party.request)
    if not party.is_pending:
        raise OperationRefused(
            _("%(name)s has already answered the invitation.", name=party.organisation.name)
        )
    end_party(party, PartyStatus.WITHDRAWN, by, now or utcnow(), (reason or "").strip())
    notifications.notify_invitation_ended(party, by)


def close_accession(
    request: SignatureRequest, by: User, reason: str = "", now: datetime | None = None
) -> None:
    """Close the joining: the invitations not answered end, and the organisations that joined stay bound."""
    require_sender(by, request.agreement, SigningMode.ACCESSION)
    lock_request(request)
    ensure_open(request)
    close_accession_now(request, by, now or utcnow(), (reason or "").strip())


def expire_invitations(today: date | None = None, now: datetime | None = None) -> int:
    """End the invitations whose last day to answer has passed; returns how many expired."""
    today = today or helsinki_today()
    query = (
        select(SigningParty)
        .join(SignatureRequest, SignatureRequest.id == SigningParty.request_id)
        .where(
            SignatureRequest.status == RequestStatus.PENDING,
            SigningParty.status == PartyStatus.PENDING,
            SigningParty.respond_by < today,
        )
        .order_by(SigningParty.id)
        .with_for_update(of=SigningParty)
    )
    parties = list(db.session.scalars(query))
    for party in parties:
        end_party(party, PartyStatus.EXPIRED, None, now or utcnow(), "")
        notifications.notify_invitation_ended(party, None)
    return len(parties)
