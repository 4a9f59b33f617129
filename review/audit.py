"""Audit log: who did what to which conversation, and when. No message text is logged."""
from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from review.schema import audit_log


def record(conn: Connection, username: str, action: str, sender_id: str | None = None, detail: str = "") -> None:
    conn.execute(audit_log.insert().values(
        ts=time.time(), username=username, action=action, sender_id=sender_id, detail=detail[:1000],
    ))


def recent(conn: Connection, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
    return [dict(row) for row in conn.execute(query).mappings()]
