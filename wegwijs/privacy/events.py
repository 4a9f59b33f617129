"""Redact Rasa tracker events (plain dicts, as `Event.as_dict()` returns them).

Covers every place a parent's words end up: the message text, the NLU parse data
(text and entity values), slot values, entity events and free-form metadata. Keys that
hold identifiers or model output (intent names, confidences, ids) are left alone.
"""
from __future__ import annotations

import copy
from typing import Any, Collection, Final

from wegwijs.privacy.redact import ADDRESS, BSN, EMAIL, IBAN, NAME, PHONE, redact_text

# Slots and entities whose whole value is personal data by what they are called.
_SENSITIVE_KEYS: Final[dict[str, str]] = {
    "name": NAME, "naam": NAME, "person": NAME, "per": NAME, "first_name": NAME, "last_name": NAME,
    "child_name": NAME, "parent_name": NAME, "voornaam": NAME, "achternaam": NAME,
    "email": EMAIL, "e-mail": EMAIL, "e_mail": EMAIL, "email_address": EMAIL,
    "phone": PHONE, "phone_number": PHONE, "telefoon": PHONE, "telefoonnummer": PHONE,
    "bsn": BSN, "iban": IBAN,
    "address": ADDRESS, "adres": ADDRESS, "street": ADDRESS, "straat": ADDRESS, "house_number": ADDRESS,
    "huisnummer": ADDRESS,
}
# Metadata keys that carry ids, not words (e.g. the widget's `feedback_for` message id).
_ID_KEYS: Final = frozenset({"feedback_for", "message_id", "sender_id", "id", "session_id", "conversation_id"})


def _sensitive_placeholder(key: str | None) -> str | None:
    if not key:
        return None
    return _SENSITIVE_KEYS.get(key.strip().casefold())


def redact_value(value: Any, key: str | None = None, keep: Collection[str] = ()) -> Any:
    """Redact strings anywhere inside a JSON-like value; whole value for sensitive keys."""
    placeholder = _sensitive_placeholder(key)
    if placeholder is not None and value not in (None, "", [], {}):
        return placeholder
    if isinstance(value, str):
        return value if key in _ID_KEYS else redact_text(value, keep)
    if isinstance(value, list):
        return [redact_value(item, keep=keep) for item in value]
    if isinstance(value, dict):
        return {k: redact_value(v, k, keep) for k, v in value.items()}
    return value


def _redact_entities(entities: Any) -> Any:
    if not isinstance(entities, list):
        return entities
    cleaned = []
    for entity in entities:
        if not isinstance(entity, dict):
            cleaned.append(entity)
            continue
        entity = dict(entity)
        placeholder = _sensitive_placeholder(entity.get("entity")) or _sensitive_placeholder(entity.get("role"))
        if placeholder is not None:
            entity["value"] = placeholder
        else:
            entity["value"] = redact_value(entity.get("value"))
        cleaned.append(entity)
    return cleaned


def redact_event(event: dict[str, Any], keep: Collection[str] = ()) -> dict[str, Any]:
    """Return a redacted deep copy of one Rasa event dict; the input is not changed.

    `keep`: public strings (the assistant's own contact points) to leave in bot messages.
    """
    event = copy.deepcopy(event)
    kind = event.get("event")
    if isinstance(event.get("text"), str):
        event["text"] = redact_text(event["text"], keep if kind == "bot" else ())
    parse_data = event.get("parse_data")
    if isinstance(parse_data, dict):
        if isinstance(parse_data.get("text"), str):
            parse_data["text"] = redact_text(parse_data["text"])
        if "entities" in parse_data:
            parse_data["entities"] = _redact_entities(parse_data["entities"])
    if "entities" in event:
        event["entities"] = _redact_entities(event["entities"])
    if kind == "slot":
        event["value"] = redact_value(event.get("value"), event.get("name"))
    if kind == "bot" and isinstance(event.get("data"), dict):
        event["data"] = redact_value(event["data"], keep=keep)
    if isinstance(event.get("metadata"), dict):
        event["metadata"] = redact_value(event["metadata"])
    return event
