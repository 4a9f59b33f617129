"""Keep review_conversations (and its intent/lookup tables) in step with `events`.

Two entry points:
- `record_events`: called by the tracker store in the same transaction that stores new
  events, so the summary is never behind and never sees unredacted text;
- `rebuild`: recompute every summary from `events` (existing databases, bulk loads,
  after a schema change). Staff annotations (reviewed, tags, note) are kept.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from review.schema import conversation_intents, conversations, create_review_tables, events, lookups, search
from review.summary import Summary, fold

EventRow = tuple[int, "float | None", Mapping[str, Any]]
_ANNOTATIONS = ("reviewed", "reviewed_by", "reviewed_at", "tags", "note")


def _load(conn: Connection, sender_id: str) -> tuple[Summary, bool]:
    """The stored summary of one conversation: two queries (summary + search text, then counts).

    This runs on every turn inside the tracker store's transaction, so round trips count.
    """
    row = conn.execute(
        sa.select(conversations, search.c.search_text)
        .select_from(conversations.outerjoin(search, search.c.sender_id == conversations.c.sender_id))
        .where(conversations.c.sender_id == sender_id)
    ).mappings().first()
    summary = Summary(sender_id)
    if row is None:
        return summary, False
    for key in summary.row():
        setattr(summary, key, row[key])
    summary.search_text = row["search_text"] or ""
    counts = conn.execute(sa.union_all(
        sa.select(sa.literal("intent").label("kind"), conversation_intents.c.intent.label("name"), conversation_intents.c.n)
        .where(conversation_intents.c.sender_id == sender_id),
        sa.select(sa.literal("lookup").label("kind"), lookups.c.code.label("name"), lookups.c.n)
        .where(lookups.c.sender_id == sender_id),
    )).all()
    summary.intents = {name: n for kind, name, n in counts if kind == "intent"}
    summary.lookups = {name: n for kind, name, n in counts if kind == "lookup"}
    return summary, True


def record_events(conn: Connection, sender_id: str, new_events: Iterable[EventRow]) -> Summary:
    """Fold newly stored events of one conversation into its summary row."""
    summary, exists = _load(conn, sender_id)
    before_intents, before_lookups, before_search = dict(summary.intents), dict(summary.lookups), summary.search_text
    for event_id, timestamp, data in new_events:
        fold(summary, event_id, timestamp, data)
    if summary.n_events == 0:
        return summary
    values = summary.row()
    if exists:
        conn.execute(conversations.update().where(conversations.c.sender_id == sender_id).values(values))
        if summary.search_text != before_search:
            conn.execute(search.update().where(search.c.sender_id == sender_id).values(search_text=summary.search_text))
    else:
        conn.execute(conversations.insert().values(**values, reviewed=False, tags="", note=""))
        conn.execute(search.insert().values(sender_id=sender_id, search_text=summary.search_text))
    for table, key, before, after in (
        (conversation_intents, conversation_intents.c.intent, before_intents, summary.intents),
        (lookups, lookups.c.code, before_lookups, summary.lookups),
    ):
        new_rows = [{"sender_id": sender_id, key.name: name, "n": count} for name, count in after.items() if name not in before]
        if new_rows:
            conn.execute(table.insert(), new_rows)
        for name, count in after.items():
            if name in before and before[name] != count:
                conn.execute(table.update().where(table.c.sender_id == sender_id, key == name).values(n=count))
    return summary


def rebuild(engine: Engine, batch_size: int = 5000) -> int:
    """Recompute all summaries from `events`; returns the number of conversations."""
    create_review_tables(engine)
    summaries: dict[str, Summary] = {}
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(
            sa.select(events.c.id, events.c.sender_id, events.c.timestamp, events.c.data).order_by(events.c.id)
        )
        for event_id, sender_id, timestamp, data in result:
            summary = summaries.get(sender_id)
            if summary is None:
                summary = summaries[sender_id] = Summary(sender_id)
            try:
                parsed = json.loads(data) if data else {}
            except ValueError:
                parsed = {}
            fold(summary, event_id, timestamp, parsed)
    with engine.begin() as conn:
        kept = {
            row["sender_id"]: {k: row[k] for k in _ANNOTATIONS}
            for row in conn.execute(sa.select(conversations.c.sender_id, *[conversations.c[k] for k in _ANNOTATIONS])).mappings()
        }
        for table in (conversation_intents, lookups, search, conversations):
            conn.execute(table.delete())
        default = {"reviewed": False, "reviewed_by": None, "reviewed_at": None, "tags": "", "note": ""}
        rows, search_rows, intent_rows, lookup_rows = [], [], [], []
        for sender_id, summary in summaries.items():
            rows.append({**summary.row(), **kept.get(sender_id, default)})
            search_rows.append({"sender_id": sender_id, "search_text": summary.search_text})
            intent_rows += [{"sender_id": sender_id, "intent": k, "n": v} for k, v in summary.intents.items()]
            lookup_rows += [{"sender_id": sender_id, "code": k, "n": v} for k, v in summary.lookups.items()]
        for table, data_rows in ((conversations, rows), (search, search_rows), (conversation_intents, intent_rows),
                                 (lookups, lookup_rows)):
            for start in range(0, len(data_rows), batch_size):
                conn.execute(table.insert(), data_rows[start:start + batch_size])
    return len(summaries)


def forget(conn: Connection, sender_ids: list[str]) -> None:
    """Remove the summaries of erased conversations (events are deleted by the caller)."""
    for start in range(0, len(sender_ids), 500):
        chunk = sender_ids[start:start + 500]
        for table in (conversation_intents, lookups, search, conversations):
            conn.execute(table.delete().where(table.c.sender_id.in_(chunk)))


def ensure_schema(engine: Engine) -> None:
    """Create the review tables; rebuild the summaries when they predate the current layout.

    Summaries are derived data: dropping and refolding them from `events` is always safe
    (only staff annotations on those rows are lost, and only for the first layout).
    """
    inspector = sa.inspect(engine)
    if inspector.has_table(conversations.name):
        columns = {column["name"] for column in inspector.get_columns(conversations.name)}
        if "search_text" in columns:  # first layout (search text inside review_conversations)
            with engine.begin() as conn:
                for table in (conversation_intents, lookups, conversations):
                    conn.execute(sa.text(f"DROP TABLE IF EXISTS {table.name}"))
            rebuild(engine)
            return
    create_review_tables(engine)

