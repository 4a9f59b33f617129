"""Staff write-side: mark reviewed, tags, note, and intent corrections."""
from __future__ import annotations

import json
import re
import time

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from review.schema import conversations, corrections, events
from review.summary import message_intent

_TAG_RE = re.compile(r"[^\w\- ]+")


def clean_tags(raw: str) -> str:
    tags = [_TAG_RE.sub("", tag).strip().casefold()[:40] for tag in raw.split(",")]
    return ", ".join(dict.fromkeys(tag for tag in tags if tag))[:500]


def annotate(conn: Connection, sender_id: str, username: str, reviewed: bool, tags: str, note: str) -> bool:
    values = {"reviewed": reviewed, "tags": clean_tags(tags), "note": note.strip()[:5000]}
    values.update(reviewed_by=username, reviewed_at=time.time()) if reviewed else values.update(reviewed_by=None, reviewed_at=None)
    result = conn.execute(conversations.update().where(conversations.c.sender_id == sender_id).values(values))
    return bool(result.rowcount)


class CorrectionError(ValueError):
    pass


def correct_intent(conn: Connection, sender_id: str, event_id: int, intent: str, username: str, allowed: list[str]) -> None:
    if intent not in allowed:
        raise CorrectionError("Onbekende intent.")
    row = conn.execute(sa.select(events.c.data).where(events.c.id == event_id, events.c.sender_id == sender_id)).first()
    data = json.loads(row.data) if row and row.data else {}
    if data.get("event") != "user" or not data.get("text"):
        raise CorrectionError("Dit is geen bericht van een ouder.")
    predicted, _ = message_intent(data)
    conn.execute(corrections.delete().where(corrections.c.event_id == event_id))
    conn.execute(corrections.insert().values(
        event_id=event_id, sender_id=sender_id, text=data["text"], predicted_intent=predicted,
        corrected_intent=intent, created_by=username, created_at=time.time(),
    ))
