"""Notices about signatures, through notify (listed in the service, mailed as each user prefers): a request
to sign (and reminders), a party signed or joined, every party signed, a decline, a withdrawn or voided
request, an invitation that ended, a signer replaced."""

from datetime import datetime

from agreements.accounts.models import MembershipRole, User
from agreements.accounts.queries import active_members
from agreements.accounts.tokens import external_url
from agreements.notifications.models import NotificationKind
from agreements.notifications.operations import notify
from agreements.signatures.models import Signature, SignatureRequest, SignerRule, SigningOrder, SigningParty


def drafters(request: SignatureRequest) -> list[User]:
    """The drafting workshop's active editors, who sent the request and follow it."""
    return active_members([request.agreement.owner_id], MembershipRole.EDITOR)


def _send(
    recipients,
    kind: NotificationKind,
    template: str,
    request: SignatureRequest,
    caused_by=None,
    link: str | None = None,
    **context,
) -> None:
    """Notify each recipient, linking to the request's page unless another ``link`` is given."""
    link = link or external_url("signatures.request_detail", request_id=request.id)
    for user in recipients:
        notify(user, kind, template, caused_by, link, request=request, agreement=request.agreement, **context)


def notify_turn(request: SignatureRequest, signatures: list[Signature], caused_by: User | None) -> None:
    """Ask each signatory whose turn it is to sign, with the link to the signing page."""
    for signature in signatures:
        sign_link = external_url("signatures.sign", signature_id=signature.id)
        _send(
            [signature.signatory],
            NotificationKind.SIGNATURE_REQUESTS,
            "signature_request",
            request,
            caused_by,
            signature=signature,
            sign_link=sign_link,
        )


def notify_reminder(signature: Signature, since: datetime) -> None:
    """Remind a signatory that a signature has been waiting for them ``since`` their turn began."""
    sign_link = external_url("signatures.sign", signature_id=signature.id)
    _send(
        [signature.signatory],
        NotificationKind.SIGNATURE_REMINDERS,
        "signature_reminder",
        signature.request,
        signature=signature,
        sign_link=sign_link,
        since=since,
    )


def notify_signed(request: SignatureRequest, signature: Signature, caused_by: User | None) -> None:
    """Tell the drafters that a party has signed."""
    _send(
        drafters(request),
        NotificationKind.SIGNATURE_ACTIVITY,
        "signature_signed",
        request,
        caused_by,
        signature=signature,
    )


def notify_completed(request: SignatureRequest, caused_by: User | None) -> None:
    """Tell every signatory and the drafters that the agreement is signed, with the link to its documents."""
    people = {user.id: user for user in [*drafters(request), *(s.signatory for s in request.signatures)]}
    _send(
        [u for u in people.values() if u.active],
        NotificationKind.SIGNATURE_ACTIVITY,
        "agreement_signed",
        request,
        caused_by,
    )


def notify_declined(request: SignatureRequest, signature: Signature, caused_by: User | None) -> None:
    """Give the drafters the decline and its reason; tell the other signatories the request has ended."""
    notify_signer_declined(request, signature, caused_by)
    others = [s.signatory for s in _asked(request) if s.id != signature.id and s.signatory.active]
    _send(others, NotificationKind.SIGNATURE_ACTIVITY, "signature_withdrawn", request, caused_by)


def notify_withdrawn(request: SignatureRequest, caused_by: User | None) -> None:
    """Tell the signatories asked so far that the request was withdrawn or voided: nothing is to be signed."""
    _send(
        [s.signatory for s in _asked(request) if s.signatory.active],
        NotificationKind.SIGNATURE_ACTIVITY,
        "signature_withdrawn",
        request,
        caused_by,
    )


def _asked(request: SignatureRequest) -> list[Signature]:
    """The signatures already asked for: in a sequence, of the parties up to the first that has not signed.

    A later party in a sequence (or a later signer of a party signing in order) never heard of the
    request, so its ending is no news to them.
    """
    asked = []
    for party in request.parties:
        asked += _asked_in(party)
        if request.order == SigningOrder.SEQUENTIAL and party.signed_at is None:
            break
    return asked


def _asked_in(party: SigningParty) -> list[Signature]:
    if not (party.rule == SignerRule.ALL and party.signers_in_order):
        return list(party.signers)
    asked = []
    for signature in party.signers:
        asked.append(signature)
        if signature.signed_at is None:
            break
    return asked


def notify_joined(request: SignatureRequest, party: SigningParty, caused_by: User | None) -> None:
    """Tell the drafters that an organisation joined the commitment."""
    _send(
        drafters(request),
        NotificationKind.SIGNATURE_ACTIVITY,
        "signature_joined",
        request,
        caused_by,
        party=party,
    )


def notify_party_declined(request: SignatureRequest, signature: Signature, caused_by: User | None) -> None:
    """Give the drafters an organisation's decline to join and its reason; its other signers are told."""
    notify_signer_declined(request, signature, caused_by)
    others = [s.signatory for s in signature.party.signers if s.id != signature.id and s.signatory.active]
    _send(
        others,
        NotificationKind.SIGNATURE_ACTIVITY,
        "signature_invitation_ended",
        request,
        caused_by,
        party=signature.party,
    )


def notify_signer_declined(request: SignatureRequest, signature: Signature, caused_by: User | None) -> None:
    """Give the drafters a signer's decline and its reason (whether or not another may still sign)."""
    _send(
        drafters(request),
        NotificationKind.SIGNATURE_ACTIVITY,
        "signature_declined",
        request,
        caused_by,
        signature=signature,
    )


def notify_invitation_ended(party: SigningParty, caused_by: User | None) -> None:
    """Tell a party's signers that its invitation was withdrawn, expired or closed: nothing to sign."""
    _send(
        [s.signatory for s in _asked_in(party) if s.signatory.active and s.signed_at is None],
        NotificationKind.SIGNATURE_ACTIVITY,
        "signature_invitation_ended",
        party.request,
        caused_by,
        party=party,
    )


def notify_replaced(signature: Signature, previous: User, caused_by: User | None) -> None:
    """Tell a signer who was replaced that their signature is no longer asked for; the link is their home
    page, since a person asked only for that signature can no longer open the request."""
    _send(
        [previous],
        NotificationKind.SIGNATURE_ACTIVITY,
        "signature_replaced",
        signature.request,
        caused_by,
        link=external_url("home.index"),
        signature=signature,
    )
