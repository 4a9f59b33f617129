"""Rasa REST channel with request validation.

Plain Rasa 3.6 answers a body that is not a JSON object (``[]``, ``"x"``, broken JSON)
with a 500 and a stack trace in the log. This channel keeps Rasa's REST behaviour and
URL (/webhooks/rest/webhook) but rejects malformed requests with a 4xx and a JSON error.
"""
from __future__ import annotations

import json
import re
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

# Longer messages are refused: no parent types this much, and the NLU cost grows with length.
MAX_MESSAGE_CHARS = 20_000
MAX_SENDER_CHARS = 128
# JSON may carry lone UTF-16 surrogates ("\ud800"); they are not valid text, and spaCy
# and the database both fail on them.
_LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Replace characters that cannot be encoded as UTF-8 by U+FFFD."""
    return _LONE_SURROGATES.sub("\ufffd", text)


def validate_payload(raw: bytes) -> tuple[Optional[dict[str, Any]], Optional[str]]:
    """Return (payload, None) for a valid request body, else (None, error message)."""
    try:
        payload = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        return None, "Body must be valid JSON."
    if not isinstance(payload, dict):
        return None, "Body must be a JSON object with 'sender' and 'message'."
    message = payload.get("message")
    if not isinstance(message, str):
        return None, "Field 'message' must be a string."
    if len(message) > MAX_MESSAGE_CHARS:
        return None, f"Field 'message' is longer than {MAX_MESSAGE_CHARS} characters."
    sender = payload.get("sender", "default")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        return None, f"Field 'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters."
    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return None, "Field 'metadata' must be a JSON object."
    return payload, None


class ValidatingRestInput(RestInput):
    """Rasa's REST input, answering malformed requests with 400/413 instead of 500."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req: Request) -> Optional[str]:
        text = super()._extract_message(req)
        return clean_text(text) if isinstance(text, str) else text

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def reject_malformed(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            _, error = validate_payload(request.body)
            if error is None:
                return None
            status = 413 if "longer than" in error else 400
            return response.json({"error": error}, status=status)

        return blueprint
