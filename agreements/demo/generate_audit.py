"""Audit events for `flask demo generate`, in valid hash chains: one chain per agreement and the global chain,
hashed exactly as agreements.core.audit does, so `flask audit verify` finds every chain intact."""

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from agreements.core.audit import GLOBAL_CHAIN, AuditChainHead, event_hash
from agreements.demo.generate_writer import RowWriter
from agreements.extensions import db


@dataclass
class Chain:
    """One hash chain's events, gathered in any order and written in time order."""

    name: str
    seq: int = 0
    last_hash: str = ""
    events: list[tuple] = field(default_factory=list)

    def add(self, when: datetime, action: str, table: str | None, object_id: int | None, actor, details=None):
        """Note an event: ``actor`` is a user id or None (the scheduler)."""
        self.events.append((when, len(self.events), action, table, object_id, actor, details or {}))

    def write(self, writer: RowWriter) -> None:
        """Number, link and hash the events in time order and buffer them."""
        for when, _, action, table, object_id, actor, details in sorted(self.events, key=lambda e: e[:2]):
            row = {
                "id": writer.new_id("audit_events"),
                "created_at": when,
                "actor_id": actor,
                "action": action,
                "object_type": table,
                "object_id": object_id,
                "details": details,
                "ip": None,
                "chain": self.name,
                "seq": self.seq + 1,
                "prev_hash": self.last_hash or None,
            }
            row["hash"] = event_hash(SimpleNamespace(**row))
            writer.add("audit_events", row)
            self.seq, self.last_hash = row["seq"], row["hash"]
        self.events.clear()


def new_agreement_chain(agreement_id: int) -> Chain:
    """The empty chain of a new agreement."""
    return Chain(f"agreement:{agreement_id}")


def write_agreement_chain(chain: Chain, writer: RowWriter) -> None:
    """Write a new agreement's events and its chain head."""
    chain.write(writer)
    if chain.seq:
        writer.add("audit_chain_heads", {"chain": chain.name, "seq": chain.seq, "hash": chain.last_hash})


def global_chain() -> Chain:
    """The global chain, continuing from its head (e.g. the events of `flask templates sync`)."""
    head = db.session.get(AuditChainHead, GLOBAL_CHAIN)
    return Chain(GLOBAL_CHAIN, head.seq, head.hash) if head else Chain(GLOBAL_CHAIN)


def save_global_head(chain: Chain) -> None:
    """Record where the global chain now ends."""
    head = db.session.get(AuditChainHead, GLOBAL_CHAIN)  # global_chain() read it: no second query
    if head is not None:
        head.seq, head.hash = chain.seq, chain.last_hash
    elif chain.seq:
        db.session.add(AuditChainHead(chain=GLOBAL_CHAIN, seq=chain.seq, hash=chain.last_hash))
