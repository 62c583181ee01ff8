"""An agreement's history as a reader sees it: its audit hash chain's events, newest first, described in
words, and whether the chain is intact.

Audit events are described by one translated sentence per action; their raw details are never shown,
since they may hold comment texts or reasons meant for fewer readers.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from agreements.accounts.models import User
from agreements.core.audit import AuditChainHead, AuditEvent, chain_of, verify_chain
from agreements.core.i18n import page_text
from agreements.drafting.models import Agreement
from agreements.extensions import db
from agreements.reviews.models import Comment, CommentRound, RoundVisibility
from agreements.reviews.queries import thread_root

#: What each recorded action means, as the history and the certificate say it; others show their key.
ACTION_DESCRIPTIONS = {
    "agreement.create": _l("Created the agreement"),
    "agreement.registered": _l("Registered the agreement, signed outside the service, with its signed copy"),
    "agreement.save": _l("Saved a new version"),
    "agreement.open_for_comments": _l("Opened the agreement for comments"),
    "agreement.cancel": _l("Cancelled the agreement"),
    "agreement.approve": _l("Recorded the approval decision of a version"),
    "agreement.send_for_signature": _l("Sent the agreement for signature"),
    "agreement.mark_signed": _l("The agreement became signed"),
    "agreement.return_to_draft": _l("The agreement returned to draft"),
    "agreement.terminate": _l("Recorded the notice given: the agreement ends after the notice period"),
    "agreement.renewal_started": _l("Started the renewal: a draft for the next term"),
    "agreement.auto_renewed": _l("The agreement renewed automatically for another term"),
    "agreement.reminder_rules": _l("Changed the agreement's reminder settings"),
    "agreement.supersede": _l("Marked the agreement as superseded"),
    "agreement.annexes_kept": _l("Kept annexes in force when the agreement ended"),
    "agreement.annex_moved": _l("Moved the annex to the renewal of its main agreement"),
    "agreement.annex_returned": _l(
        "The renewal the annex was moved to was cancelled: the annex went back to the agreement it renewed"
    ),
    "agreement.main_agreement_set": _l("Linked the annex to another main agreement"),
    "comment_round.open": _l("Opened a comment round"),
    "comment_round.close": _l("Closed a comment round"),
    "comment_round.share_summary": _l("Shared the summary report of a comment round"),
    "comment_round.no_comments": _l("Answered a comment round with no comments"),
    "comment.add": _l("Commented in a comment round"),
    "comment.edit": _l("Edited a comment"),
    "comment.withdraw": _l("Withdrew a comment"),
    "comment.resolve": _l("Resolved a comment"),
    "signature_request.send": _l("Froze a version and asked the parties to sign it"),
    "signature_request.completed": _l("Every party has signed: the signature request is complete"),
    "signature_request.declined": _l("The signature request ended in a decline"),
    "signature_request.withdrawn": _l("Withdrew the signature request"),
    "signature_request.voided": _l("The signature request became void: the agreement was edited"),
    "signature_request.pdf": _l("Made the PDF copy of the document sent for signature"),
    "signature.sign": _l("Signed electronically for a party"),
    "signature.decline": _l("Declined to sign"),
    "signature.paper": _l("Uploaded a party's signed paper copy"),
    "signature.replace_signer": _l("Asked another person to sign for a party"),
    "signature.remind": _l("Reminded a signer"),
    "signature_request.invite": _l("Invited more organisations to join"),
    "signature_request.closed": _l("Closed the joining"),
    "signing_party.signed": _l("A party has signed"),
    "signing_party.declined": _l("An organisation declined"),
    "signing_party.withdrawn": _l("Withdrew an organisation's invitation"),
    "signing_party.expired": _l("An organisation's invitation expired"),
    "signing_party.voided": _l("A party's signature became void"),
    "agreement.join": _l("An organisation joined and is committed from this day"),
    "agreement.party_notice": _l("A party gave notice: its part ends after the notice period"),
    "signing_contact.add": _l("Remembered a signing contact of an organisation"),
    "signing_contact.remove": _l("Removed a signing contact of an organisation"),
}


def describe(action: str) -> str:
    """A recorded action in words, or its key when it has no description."""
    description = ACTION_DESCRIPTIONS.get(action)
    return page_text(description) if description is not None else action


@dataclass(frozen=True)
class HistoryEntry:
    """One audit event as a reader sees it: when, who, what, and where it is in the hash chain."""

    seq: int
    created_at: datetime
    actor: str
    action: str
    description: str
    hash: str

    @property
    def moment(self) -> "Moment":
        return moment_of(self.created_at)


def chain_events(agreement: Agreement) -> list[AuditEvent]:
    """Every event of the agreement's hash chain, in chain order."""
    query = select(AuditEvent).where(AuditEvent.chain == chain_of(agreement)).order_by(AuditEvent.seq)
    return list(db.session.scalars(query))


#: An event's columns, as plain rows: what its hash covers, and what a reader's history needs of it.
EVENT_COLUMNS = tuple(AuditEvent.__table__.c)


@dataclass(frozen=True)
class ChainHead:
    """A chain's recorded last event, as ``verify_chain`` compares it."""

    chain: str
    seq: int
    hash: str


@cache
def _chain_query() -> Select:
    """A chain's events with its head and their actors' names, built once per process (building it cost
    about as much as running it)."""
    return (
        select(*EVENT_COLUMNS, AuditChainHead.seq.label("head_seq"), AuditChainHead.hash.label("head_hash"))
        .add_columns(User.name.label("actor_name"))
        .outerjoin(AuditChainHead, AuditChainHead.chain == AuditEvent.chain)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.chain == bindparam("chain"))
        .order_by(AuditEvent.seq)
    )


def _chain_with_head(agreement: Agreement) -> tuple[list, ChainHead | None, dict[int, str]]:
    """Every event of the agreement's hash chain in chain order (as rows of its columns: the page reads
    them, never changes them), the chain's head and the names of the events' actors, read in one query (a
    chain without events has its head read alone)."""
    chain = chain_of(agreement)
    events = db.session.execute(_chain_query(), {"chain": chain}).all()
    if events:
        first = events[0]
        head = ChainHead(chain, first.head_seq, first.head_hash) if first.head_seq is not None else None
    else:
        stored = db.session.get(AuditChainHead, chain)
        head = ChainHead(chain, stored.seq, stored.hash) if stored is not None else None
    names = {event.actor_id: event.actor_name for event in events if event.actor_name is not None}
    return events, head, names


def history_entries(events: list[AuditEvent], names: dict[int, str] | None = None) -> list[HistoryEntry]:
    """The events as readers see them, with the actors' ``names`` (read in one query when not given)."""
    if names is None:
        actor_ids = {event.actor_id for event in events if event.actor_id is not None}
        names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(actor_ids))).all())
    return [
        HistoryEntry(
            seq=event.seq,
            created_at=event.created_at,
            actor=names.get(event.actor_id) or _("The service"),
            action=event.action,
            description=describe(event.action),
            hash=event.hash,
        )
        for event in events
    ]


@dataclass(frozen=True)
class History:
    """An agreement's history as one reader may see it, and whether its hash chain is intact."""

    #: Newest first; at most the number asked for.
    entries: list[HistoryEntry]
    intact: bool
    #: How many events the reader may see in all.
    total: int


def _participant(event: AuditEvent) -> tuple[CommentRound | None, int | None, int | None]:
    """The round, organisation and person an invitee's comment or answer event concerns."""
    if event.object_type == Comment.__tablename__:
        comment = db.session.get(Comment, event.object_id)
        if comment is None:
            return None, None, None
        root = thread_root(comment)
        return comment.round, root.author_organisation_id, root.author_id
    comment_round = db.session.get(CommentRound, event.object_id)
    details = event.details if isinstance(event.details, dict) else {}  # a tampered event may hold anything
    return comment_round, details.get("organisation"), event.actor_id


#: Comments with their rounds, and rounds, by id: statement objects built once, so that SQLAlchemy computes
#: their cache keys once, not on every page of an agreement with comments.
_COMMENTS_WITH_ROUNDS = (
    select(Comment).where(Comment.id.in_(bindparam("ids", expanding=True))).options(joinedload(Comment.round))
)
_ROUNDS = select(CommentRound).where(CommentRound.id.in_(bindparam("ids", expanding=True)))


def _participants(reader: User, agreement: Agreement, events: list[AuditEvent]) -> list:
    """The comments and rounds that ``_may_see`` looks up for the events concerning invitees, read in at
    most two queries rather than one or more per event; the caller holds the list while they are looked up
    (the session keeps only objects something refers to)."""
    if reader.is_admin or agreement.owner_id in reader.organisation_ids():
        return []
    concerned = [event for event in events if event.object_id is not None]
    comment_ids = {event.object_id for event in concerned if event.object_type == Comment.__tablename__}
    round_ids = {event.object_id for event in concerned if event.action == "comment_round.no_comments"}
    loaded: list = []
    if comment_ids:
        loaded += db.session.scalars(_COMMENTS_WITH_ROUNDS, {"ids": list(comment_ids)})
    if round_ids:
        loaded += db.session.scalars(_ROUNDS, {"ids": list(round_ids)})
    return loaded


def _may_see(reader: User, agreement: Agreement, event: AuditEvent) -> bool:
    """Every reader of the agreement sees its events, except that in a round whose comments only the
    drafting organisation sees, an invitee's comment or answer shows to the drafting organisation,
    administrators and that invitee's own organisation, as the comments themselves do."""
    concerns_invitee = (
        event.object_type == Comment.__tablename__ or event.action == "comment_round.no_comments"
    )
    if not concerns_invitee or reader.is_admin or agreement.owner_id in reader.organisation_ids():
        return True
    comment_round, organisation_id, person_id = _participant(event)
    if comment_round is None:
        return False
    return (
        comment_round.visibility == RoundVisibility.ALL_INVITEES
        or person_id == reader.id
        or organisation_id in reader.organisation_ids()
    )


def agreement_history(agreement: Agreement, reader: User, limit: int | None = None) -> History:
    """The agreement's audit events ``reader`` may see, newest first, and whether the whole chain verifies."""
    events, head, names = _chain_with_head(agreement)
    participants = _participants(reader, agreement, events)  # noqa: F841 - kept loaded while _may_see reads
    shown = [event for event in reversed(events) if _may_see(reader, agreement, event)]
    return History(history_entries(shown[:limit], names), not verify_chain(events, head), len(shown))


@dataclass(frozen=True)
class Moment:
    """A moment as evidence gives it: UTC to the second, and the same in Helsinki time."""

    utc: str
    helsinki: str


def moment_of(value: datetime) -> Moment:
    """A moment in UTC and in Helsinki time, to the second."""
    return Moment(
        value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"), format_datetime(value, "d.M.yyyy HH.mm.ss")
    )
