"""Retention and the right to erasure: conversations really leave the database.

`purge` deletes every conversation whose last event is older than the retention period;
`erase` deletes one conversation on request. Both remove the Rasa events, the review
summary, intents, lookups and intent corrections that came from that conversation.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from review import audit
from review.indexer import forget
from review.schema import corrections, events, login_attempts

CHUNK = 500


@dataclass
class Deleted:
    conversations: int = 0
    events: int = 0


def _delete(conn: Connection, sender_ids: list[str]) -> int:
    removed = 0
    for start in range(0, len(sender_ids), CHUNK):
        chunk = sender_ids[start:start + CHUNK]
        removed += conn.execute(events.delete().where(events.c.sender_id.in_(chunk))).rowcount or 0
        conn.execute(corrections.delete().where(corrections.c.sender_id.in_(chunk)))
        forget(conn, chunk)
    return removed


def erase(engine: Engine, sender_id: str, username: str) -> Deleted:
    with engine.begin() as conn:
        removed = _delete(conn, [sender_id])
        audit.record(conn, username, "delete", sender_id, f"{removed} events")
    return Deleted(1 if removed else 0, removed)


def expired_senders(conn: Connection, cutoff: float) -> list[str]:
    # From `events` itself, so conversations without a summary row are purged too.
    query = sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)
    return [row[0] for row in conn.execute(query)]


def purge(engine: Engine, older_than_days: int, now: float | None = None, actor: str = "system:purge") -> Deleted:
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    cutoff = (now or time.time()) - older_than_days * 86400
    with engine.begin() as conn:
        senders = expired_senders(conn, cutoff)
        removed = _delete(conn, senders)
        # Failed-login records are personal data of staff; keep them no longer than needed.
        conn.execute(login_attempts.delete().where(login_attempts.c.ts < (now or time.time()) - 30 * 86400))
        audit.record(conn, actor, "purge", None, f"{len(senders)} conversations, {removed} events, older than {older_than_days} days")
    return Deleted(len(senders), removed)
