"""Fold tracker events into one summary per conversation (pure; no database).

What counts, and why staff care:
- fallback: the parent's message got intent `nlu_fallback` (the bot did not understand),
- low confidence: the lowest intent confidence of any parent message (filter by threshold),
- handoff: the parent asked for a person (`human_handoff`),
- feedback: `feedback_positive` / `feedback_negative` sent by the widget's thumbs,
- lookups: partnership codes (PO/VO) that the partnership lookup put into a slot.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

FALLBACK_INTENT = "nlu_fallback"
HANDOFF_INTENT = "human_handoff"
FEEDBACK_POSITIVE = "feedback_positive"
FEEDBACK_NEGATIVE = "feedback_negative"
SEARCH_TEXT_LIMIT = 4000
_CODE_RE = re.compile(r"^\s*(?:SWV\s*)?(PO|VO)\s*(\d{2})\s*[-.\s]?\s*(\d{2})\s*$", re.IGNORECASE)


@dataclass
class Summary:
    sender_id: str
    first_ts: float = 0.0
    last_ts: float = 0.0
    last_event_id: int = 0
    n_events: int = 0
    n_user: int = 0
    n_fallback: int = 0
    n_handoff: int = 0
    n_feedback_pos: int = 0
    n_feedback_neg: int = 0
    n_lookups: int = 0
    min_confidence: float | None = None
    first_text: str = ""
    search_text: str = ""
    intents: dict[str, int] = field(default_factory=dict)
    lookups: dict[str, int] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        """Columns of review_conversations (without staff annotations)."""
        return {
            "sender_id": self.sender_id, "first_ts": self.first_ts, "last_ts": self.last_ts,
            "last_event_id": self.last_event_id, "n_events": self.n_events, "n_user": self.n_user,
            "n_fallback": self.n_fallback, "n_handoff": self.n_handoff, "n_feedback_pos": self.n_feedback_pos,
            "n_feedback_neg": self.n_feedback_neg, "n_lookups": self.n_lookups,
            "min_confidence": self.min_confidence, "first_text": self.first_text,
        }


def partnership_code(value: Any) -> str | None:
    """'PO 28-01', 'po2801', 'SWV 28.01 PO'-like slot values -> 'PO2801'."""
    if not isinstance(value, str):
        return None
    match = _CODE_RE.match(value)
    if match:
        return f"{match[1].upper()}{match[2]}{match[3]}"
    swapped = re.match(r"^\s*SWV\s*(\d{2})[.\-\s]?(\d{2})\s*(PO|VO)\s*$", value, re.IGNORECASE)
    return f"{swapped[3].upper()}{swapped[1]}{swapped[2]}" if swapped else None


def message_intent(data: Mapping[str, Any]) -> tuple[str | None, float | None]:
    """Intent of a user event, with the retrieval key ('faq/zorgplicht') when there is one."""
    parse = data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    name = intent.get("name")
    confidence = intent.get("confidence")
    selector = (parse.get("response_selector") or {}).get(name or "", {})
    key = ((selector.get("response") or {}).get("intent_response_key")) if isinstance(selector, dict) else None
    if key:
        name = key
    return name, (float(confidence) if isinstance(confidence, (int, float)) else None)


def fold(summary: Summary, event_id: int, timestamp: float | None, data: Mapping[str, Any]) -> Summary:
    """Add one event (the JSON `data` of an `events` row) to the summary."""
    ts = float(timestamp or data.get("timestamp") or 0.0)
    if summary.n_events == 0 or ts < summary.first_ts:
        summary.first_ts = ts
    summary.last_ts = max(summary.last_ts, ts)
    summary.last_event_id = max(summary.last_event_id, event_id)
    summary.n_events += 1
    kind = data.get("event")
    if kind == "user":
        text = data.get("text") or ""
        summary.n_user += 1
        name, confidence = message_intent(data)
        if name:
            summary.intents[name] = summary.intents.get(name, 0) + 1
            if "/" in name:
                # Also under its base ("faq"), so filtering on a retrieval intent is one index lookup.
                base_name = name.split("/")[0]
                summary.intents[base_name] = summary.intents.get(base_name, 0) + 1
        base = (name or "").split("/")[0]
        summary.n_fallback += base == FALLBACK_INTENT
        summary.n_handoff += base == HANDOFF_INTENT
        summary.n_feedback_pos += base == FEEDBACK_POSITIVE
        summary.n_feedback_neg += base == FEEDBACK_NEGATIVE
        if confidence is not None and base not in (FEEDBACK_POSITIVE, FEEDBACK_NEGATIVE):
            summary.min_confidence = confidence if summary.min_confidence is None else min(summary.min_confidence, confidence)
        # Button payloads ("/greet") are not words the parent typed.
        if text and not text.startswith("/"):
            if not summary.first_text:
                summary.first_text = text[:300]
            if len(summary.search_text) < SEARCH_TEXT_LIMIT:
                summary.search_text = (summary.search_text + " " + text.casefold()).strip()[:SEARCH_TEXT_LIMIT]
    elif kind == "slot":
        code = partnership_code(data.get("value"))
        if code:
            summary.n_lookups += 1
            summary.lookups[code] = summary.lookups.get(code, 0) + 1
    return summary


def summarize(sender_id: str, rows: Iterable[tuple[int, float | None, Mapping[str, Any]]]) -> Summary:
    summary = Summary(sender_id)
    for event_id, timestamp, data in rows:
        fold(summary, event_id, timestamp, data)
    return summary
