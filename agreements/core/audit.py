"""The append-only, tamper-evident audit log: who did what to which object, from where, and when.

Events form hash chains: each agreement's events one chain (``agreement:<id>``: the agreement itself, its
comment rounds, comments and signatures), everything else the ``global`` chain. An event's hash covers its
canonical content and the previous event's hash, and events are numbered 1, 2, … in their chain, so
``verify_chains`` finds an event changed, inserted or deleted behind the application's back.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import click
from flask import has_request_context, request
from flask.cli import AppGroup
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, event, select, text
from sqlalchemy.orm import Mapped, mapped_column

from agreements.core.timeutil import UTCDateTime, utcnow
from agreements.extensions import db

GLOBAL_CHAIN = "global"


class AuditEvent(db.Model):
    """One recorded action. Rows are never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: Dotted verb, e.g. ``organisation.create``.
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[int | None] = mapped_column()
    details: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    ip: Mapped[str | None] = mapped_column(String(45))
    #: The hash chain the event belongs to: ``agreement:<id>`` or ``global``.
    chain: Mapped[str] = mapped_column(String(40), nullable=False)
    #: The event's place in its chain, from 1.
    seq: Mapped[int] = mapped_column(nullable=False)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        db.Index("ix_audit_events_object", "object_type", "object_id"),
        UniqueConstraint("chain", "seq", name="uq_audit_events_chain_seq"),
    )


class AuditChainHead(db.Model):
    """The last event of each chain, so that deleting events from a chain's end is noticed too."""

    __tablename__ = "audit_chain_heads"

    chain: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target):
    raise RuntimeError("audit events are append-only")


def chain_of(obj) -> str:
    """The chain an object's events go to: its agreement's, when it belongs to one."""
    agreement_id = getattr(obj, "audit_agreement_id", None)
    return f"agreement:{agreement_id}" if agreement_id is not None else GLOBAL_CHAIN


def canonical_content(audit_event: AuditEvent) -> dict:
    """What an event's hash covers, as plain JSON values."""
    return {
        "chain": audit_event.chain,
        "seq": audit_event.seq,
        "prev_hash": audit_event.prev_hash,
        "created_at": audit_event.created_at.isoformat(timespec="microseconds"),
        "actor_id": audit_event.actor_id,
        "action": audit_event.action,
        "object_type": audit_event.object_type,
        "object_id": audit_event.object_id,
        "details": audit_event.details,
        "ip": audit_event.ip,
    }


def event_hash(audit_event: AuditEvent) -> str:
    """SHA-256 of the event's canonical content (sorted keys, no spaces, UTF-8)."""
    content = json.dumps(canonical_content(audit_event), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(content.encode()).hexdigest()


def _chain_head(chain: str) -> AuditChainHead:
    """The head of a chain (new and empty for a new chain); on PostgreSQL the chain is locked until commit,
    so that appends to one chain from concurrent transactions queue instead of colliding."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:chain))"), {"chain": chain})
    head = db.session.get(AuditChainHead, chain, populate_existing=True)
    if head is None:
        head = AuditChainHead(chain=chain, seq=0, hash="")
        db.session.add(head)
    return head


def record(action: str, obj=None, details: dict | None = None, actor=None) -> AuditEvent:
    """Append an audit event for ``obj`` to its chain in the current transaction."""
    if obj is not None and obj.id is None:
        db.session.flush()
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    chain = chain_of(obj)
    head = _chain_head(chain)
    audit_event = AuditEvent(
        created_at=utcnow(),
        action=action,
        object_type=obj.__tablename__ if obj is not None else None,
        object_id=obj.id if obj is not None else None,
        details=json.loads(json.dumps(details or {}, default=str)),
        actor_id=actor.id if actor is not None else None,
        ip=request.remote_addr if has_request_context() else None,
        chain=chain,
        seq=head.seq + 1,
        prev_hash=head.hash or None,
    )
    audit_event.hash = event_hash(audit_event)
    head.seq, head.hash = audit_event.seq, audit_event.hash
    db.session.add(audit_event)
    db.session.flush()
    return audit_event


@dataclass(frozen=True)
class ChainProblem:
    """Something wrong in a chain: which chain, where, and what."""

    chain: str
    seq: int
    problem: str


def verify_chain(events: list[AuditEvent], head: AuditChainHead | None) -> list[ChainProblem]:
    """The problems in one chain's events, given in ``seq`` order, and its recorded head; none when intact."""
    problems, previous_hash = [], None
    for expected_seq, audit_event in enumerate(events, start=1):
        where = (audit_event.chain, audit_event.seq)
        if audit_event.seq != expected_seq:
            problems.append(ChainProblem(*where, f"event {expected_seq} is missing (deleted)"))
        if audit_event.prev_hash != previous_hash:
            problems.append(ChainProblem(*where, "does not follow the event before (inserted or reordered)"))
        if event_hash(audit_event) != audit_event.hash:
            problems.append(ChainProblem(*where, "content does not match its hash (altered)"))
        previous_hash = audit_event.hash
    last = events[-1] if events else None
    if head is not None and (last is None or (last.seq, last.hash) != (head.seq, head.hash)):
        problems.append(
            ChainProblem(
                head.chain,
                head.seq,
                "the chain does not end at its recorded last event (events deleted or added at the end)",
            )
        )
    return problems


def verify_chains() -> tuple[int, list[ChainProblem]]:
    """Check every chain; returns the number of chains checked and every problem found."""
    heads = {head.chain: head for head in db.session.scalars(select(AuditChainHead))}
    chains = sorted(set(db.session.scalars(select(AuditEvent.chain).distinct())) | heads.keys())
    problems = []
    for chain in chains:
        query = select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
        problems += verify_chain(list(db.session.scalars(query)), heads.get(chain))
    return len(chains), problems


audit_cli = AppGroup("audit", help="The audit log.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Check every hash chain of the audit log; exits 1 naming each altered, inserted or deleted event."""
    count, problems = verify_chains()
    for problem in problems:
        click.echo(f"{problem.chain} event {problem.seq}: {problem.problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"All {count} audit chains are intact.")
