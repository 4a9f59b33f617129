"""Read side of the review app: conversation list, transcript, dashboard figures."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from review.schema import conversation_intents, conversations, corrections, events, lookups, search
from review.summary import FALLBACK_INTENT, message_intent

PAGE_SIZE = 50
# Counting every match of a broad filter costs a scan; past this many the page says "more than".
COUNT_CAP = 1_000
FLAGS = ("fallback", "low", "negative", "handoff")


@dataclass
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    needs_review: bool = False
    flag: str = ""
    intent: str = ""
    q: str = ""
    reviewed: str = ""  # "", "yes", "no"
    page: int = 1

    @classmethod
    def from_query(cls, params: Any) -> "Filters":
        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(params.get(name, "")) if params.get(name) else None
            except ValueError:
                return None

        try:
            page = max(1, min(int(params.get("page", 1)), 100_000))
        except ValueError:
            page = 1
        flag = params.get("flag", "")
        reviewed = params.get("reviewed", "")
        return cls(
            date_from=day("date_from"), date_to=day("date_to"),
            needs_review=params.get("needs_review") in ("1", "on", "true"),
            flag=flag if flag in FLAGS else "", intent=params.get("intent", "")[:255].strip(),
            q=params.get("q", "")[:200].strip(), reviewed=reviewed if reviewed in ("yes", "no") else "", page=page,
        )

    def query_string(self, **override: Any) -> str:
        from urllib.parse import urlencode

        values = {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "needs_review": "1" if self.needs_review else "", "flag": self.flag, "intent": self.intent,
            "q": self.q, "reviewed": self.reviewed, "page": self.page,
        }
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)})


def _epoch(day: date, end: bool = False) -> float:
    moment = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return (moment + timedelta(days=1) if end else moment).timestamp()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(filters: Filters, low_confidence: float) -> list[Any]:
    c = conversations.c
    where: list[Any] = []
    if filters.date_from:
        where.append(c.last_ts >= _epoch(filters.date_from))
    if filters.date_to:
        where.append(c.first_ts < _epoch(filters.date_to, end=True))
    flag_conditions = {
        "fallback": c.n_fallback > 0,
        "low": c.min_confidence < low_confidence,
        "negative": c.n_feedback_neg > 0,
        "handoff": c.n_handoff > 0,
    }
    if filters.needs_review:
        where.append(sa.or_(*flag_conditions.values()))
    if filters.flag:
        where.append(flag_conditions[filters.flag])
    if filters.intent:
        # Retrieval intents are also stored under their base name ("faq"): one equality.
        i = conversation_intents.c
        where.append(sa.exists().where(i.sender_id == c.sender_id, i.intent == filters.intent))
    if filters.q:
        s = search.c
        where.append(sa.exists().where(
            s.sender_id == c.sender_id, s.search_text.like(f"%{_escape_like(filters.q.casefold())}%", escape="\\")
        ))
    if filters.reviewed == "yes":
        where.append(c.reviewed.is_(True))
    elif filters.reviewed == "no":
        where.append(c.reviewed.is_(False))
    return where


def list_conversations(conn: Connection, filters: Filters, low_confidence: float) -> tuple[list[dict[str, Any]], int]:
    where = _conditions(filters, low_confidence)
    c = conversations.c
    columns = [c.sender_id, c.first_ts, c.last_ts, c.n_user, c.n_fallback, c.n_handoff, c.n_feedback_neg,
               c.n_feedback_pos, c.min_confidence, c.first_text, c.reviewed, c.tags]
    query = (sa.select(*columns).where(*where).order_by(c.last_ts.desc(), c.sender_id)
             .limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE))
    rows = [dict(row) for row in conn.execute(query).mappings()]
    capped = sa.select(sa.literal(1)).select_from(conversations).where(*where).limit(COUNT_CAP + 1).subquery()
    total = conn.execute(sa.select(sa.func.count()).select_from(capped)).scalar_one()
    return rows, int(total)


@dataclass
class Turn:
    event_id: int
    kind: str  # user, bot, slot, action
    timestamp: float
    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    name: str = ""
    value: Any = None
    feedback: str = ""
    correction: str | None = None
    buttons: list[str] = field(default_factory=list)


def conversation(conn: Connection, sender_id: str) -> dict[str, Any] | None:
    summary = conn.execute(sa.select(conversations).where(conversations.c.sender_id == sender_id)).mappings().first()
    rows = conn.execute(
        sa.select(events.c.id, events.c.timestamp, events.c.data).where(events.c.sender_id == sender_id).order_by(events.c.id)
    ).all()
    if summary is None and not rows:
        return None
    fixed = dict(conn.execute(
        sa.select(corrections.c.event_id, corrections.c.corrected_intent).where(corrections.c.sender_id == sender_id)
    ).all())
    turns: list[Turn] = []
    slots: dict[str, Any] = {}
    for event_id, timestamp, raw in rows:
        data = json.loads(raw) if raw else {}
        kind = data.get("event")
        if kind == "user":
            intent, confidence = message_intent(data)
            base = (intent or "").split("/")[0]
            turns.append(Turn(
                event_id, "user", timestamp or 0.0, text=data.get("text") or "", intent=intent, confidence=confidence,
                entities=[{"entity": e.get("entity"), "value": e.get("value")} for e in (data.get("parse_data") or {}).get("entities") or []],
                feedback={"feedback_positive": "positief", "feedback_negative": "negatief"}.get(base, ""),
                correction=fixed.get(event_id),
            ))
        elif kind == "bot":
            buttons = [b.get("title", "") for b in ((data.get("data") or {}).get("buttons") or []) if isinstance(b, dict)]
            turns.append(Turn(event_id, "bot", timestamp or 0.0, text=data.get("text") or "", buttons=buttons))
        elif kind == "slot":
            slots[data.get("name", "")] = data.get("value")
            turns.append(Turn(event_id, "slot", timestamp or 0.0, name=data.get("name", ""), value=data.get("value")))
        elif kind == "action" and data.get("name") not in ("action_listen", "action_session_start"):
            turns.append(Turn(event_id, "action", timestamp or 0.0, name=data.get("name") or ""))
    return {"summary": dict(summary) if summary else None, "turns": turns, "slots": slots}


def _day_expr(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        return sa.cast(sa.func.floor(conversations.c.first_ts / 86400), sa.Integer)
    return sa.cast(conversations.c.first_ts / 86400, sa.Integer)  # SQLite: CAST truncates


def dashboard(conn: Connection, days: int = 30, now: float | None = None) -> dict[str, Any]:
    now = now or time.time()
    since = now - days * 86400
    c = conversations.c
    recent = c.first_ts >= since
    day = _day_expr(conn).label("day")
    per_day = {int(d): n for d, n in conn.execute(sa.select(day, sa.func.count()).where(recent).group_by(day)).all()}
    first_day = int(since // 86400) + 1
    series = [(datetime.fromtimestamp(d * 86400, tz=timezone.utc).date().isoformat(), per_day.get(d, 0))
              for d in range(first_day, int(now // 86400) + 1)]
    totals = conn.execute(sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(c.n_user), 0), sa.func.coalesce(sa.func.sum(c.n_fallback), 0),
        sa.func.coalesce(sa.func.sum(c.n_feedback_pos), 0), sa.func.coalesce(sa.func.sum(c.n_feedback_neg), 0),
        sa.func.coalesce(sa.func.sum(c.n_handoff), 0),
    ).where(recent)).one()
    n_conv, n_user, n_fallback, pos, neg, handoff = (int(v) for v in totals)
    i = conversation_intents.c
    in_range = sa.select(c.sender_id).where(recent)
    ignore = ("feedback_positive", "feedback_negative", FALLBACK_INTENT, "greet", "goodbye", "affirm", "deny")
    top = conn.execute(
        sa.select(i.intent, sa.func.sum(i.n).label("n")).where(i.sender_id.in_(in_range), i.intent.notin_(ignore))
        .group_by(i.intent).order_by(sa.desc("n"), i.intent).limit(20)
    ).all()
    l = lookups.c
    per_code = conn.execute(
        sa.select(l.code, sa.func.sum(l.n).label("n")).where(l.sender_id.in_(in_range))
        .group_by(l.code).order_by(sa.desc("n"), l.code).limit(20)
    ).all()
    return {
        "days": days, "per_day": series, "conversations": n_conv, "messages": n_user,
        "fallback_rate": (n_fallback / n_user) if n_user else 0.0, "fallbacks": n_fallback,
        "feedback_positive": pos, "feedback_negative": neg,
        "feedback_ratio": (pos / (pos + neg)) if pos + neg else None, "handoffs": handoff,
        "top_intents": [(name, int(n)) for name, n in top if not any(t.startswith(f"{name}/") for t, _ in top)][:10], "lookups": [(code, int(n)) for code, n in per_code],
    }
