"""Socket.IO channel for the Wegwijs website widget.

Rasa's own ``SocketIOInput`` with three changes:

1. Socket.IO/Engine.IO only accept browsers from the site origins in the environment
   variable ``WEGWIJS_ALLOWED_ORIGINS`` (space-separated). Without it only same-origin
   requests are accepted, never ``*``.
2. On ``session_request`` with a known session id the channel sends the conversation
   so far (``session_history``), so a reload or a dropped connection continues the
   same conversation with its history visible.
3. Bot messages keep their tracker timestamp and are not split into paragraphs. The
   widget uses the timestamp as the id of an answer for 👍/👎 feedback
   (metadata ``feedback_for``), and renders paragraphs itself.

A socket may only write to the session it was confirmed for: a browser cannot post into,
or read, another conversation by putting a different ``session_id`` in a message.
"""
from __future__ import annotations

import inspect
import logging
import os
import re
import time
import uuid
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, Event, Restarted, SessionStarted, UserUttered
from sanic import Blueprint, Sanic

from rasa_ext.channels import clean_text

logger = logging.getLogger(__name__)

ALLOWED_ORIGINS_ENV = "WEGWIJS_ALLOWED_ORIGINS"
HISTORY_EVENT = "session_history"
# Session ids are created by this channel (uuid4 hex). Accepting only that shape keeps a
# browser from opening conversations of other channels (e.g. REST sender "demo").
SESSION_ID_PATTERN = re.compile(r"[0-9a-f]{32}")
# Messages starting with "/" are intents the widget sends itself (greeting, feedback,
# restart): never shown as chat bubbles, unless they came from a button (button_title).
CONTROL_PREFIX = "/"
FEEDBACK_INTENTS = {"feedback_positive": "positive", "feedback_negative": "negative"}
MAX_MESSAGE_CHARS = 2_000


def allowed_origins_from_env(environ: Optional[Dict[str, str]] = None) -> Optional[List[str]]:
    """Origins from ``WEGWIJS_ALLOWED_ORIGINS``; ``None`` (same origin only) when unset."""
    raw = (environ if environ is not None else os.environ).get(ALLOWED_ORIGINS_ENV, "")
    origins = [origin.rstrip("/") for origin in raw.split() if origin.strip()]
    if "*" in origins:
        logger.warning("'*' in %s is ignored: list the site origins.", ALLOWED_ORIGINS_ENV)
        origins = [origin for origin in origins if origin != "*"]
    return origins or None


def origin_allowed(environ: Dict[str, Any], origins: Optional[List[str]]) -> bool:
    """True for an allowed browser origin, or a client that sends none (not a browser)."""
    origin = environ.get("HTTP_ORIGIN")
    if not origin:
        return True
    if origins is None:  # nothing configured: same origin only
        scheme = environ.get("wsgi.url_scheme", "http")
        return origin == f"{scheme}://{environ.get('HTTP_HOST', '')}"
    return origin.rstrip("/") in origins


def is_valid_session_id(session_id: Any) -> bool:
    return isinstance(session_id, str) and SESSION_ID_PATTERN.fullmatch(session_id) is not None


def _buttons(data: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    raw = data.get("buttons") or data.get("quick_replies") or []
    return [
        {"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
        for button in raw
        if isinstance(button, dict) and button.get("title")
    ]


def conversation_history(events: Iterable[Event]) -> List[Dict[Text, Any]]:
    """The user and bot messages of the current conversation, oldest first.

    Starts after the last session start or restart. The bot reply to a restart is
    logged just before the ``Restarted`` event, so it is kept. Control messages
    (greeting, feedback, restart) are left out; feedback marks the answer it was given on.
    """
    history: List[Dict[Text, Any]] = []
    just_restarted = False
    for event in events:
        if isinstance(event, SessionStarted):
            # A restart is followed by a new session: keep the restart's own reply.
            if not just_restarted:
                history = []
            continue
        if isinstance(event, Restarted):
            last_user = max(
                (i for i, item in enumerate(history) if item["sender"] != "bot"), default=-1
            )
            history = history[last_user + 1 :]
            just_restarted = True
            continue
        if isinstance(event, (UserUttered, BotUttered)):
            just_restarted = False
        if isinstance(event, UserUttered):
            text = event.text or ""
            intent = (event.intent or {}).get("name")
            metadata = event.metadata or {}
            if intent in FEEDBACK_INTENTS and "feedback_for" in metadata:
                for item in history:
                    if item["sender"] == "bot" and _same_timestamp(
                        item["timestamp"], metadata["feedback_for"]
                    ):
                        item["feedback"] = FEEDBACK_INTENTS[intent]
            title = metadata.get("button_title")
            title = title if isinstance(title, str) and title.strip() else None
            _mark_buttons_used(history, text, title)
            if text.startswith(CONTROL_PREFIX) and title is None:
                # Replies to control messages get no feedback buttons (see below).
                history.append({"sender": "control"})
                continue
            history.append({"sender": "user", "text": title or text, "timestamp": event.timestamp})
        elif isinstance(event, BotUttered):
            if not event.text and not _buttons(event.data or {}):
                continue
            previous = next((item for item in reversed(history) if item["sender"] != "bot"), None)
            history.append(
                {
                    "sender": "bot",
                    "text": event.text or "",
                    "buttons": _buttons(event.data or {}),
                    "timestamp": event.timestamp,
                    "feedback_allowed": previous is None or previous["sender"] != "control",
                }
            )
    return [item for item in history if item["sender"] != "control"]


def _mark_buttons_used(history: List[Dict[Text, Any]], text: Text, title: Optional[Text]) -> None:
    """Buttons stay visible until one of them is used: drop the set that was clicked."""
    for item in reversed(history):
        if item["sender"] != "bot":
            break
        if any(b["payload"] == text or (title and b["title"] == title) for b in item.get("buttons", [])):
            item["buttons"] = []
            return


def _same_timestamp(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return False


class WegwijsSocketIOOutput(SocketIOOutput):
    """Sends each bot message whole, with its buttons and tracker timestamp."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send_message(recipient_id, self._message(text, [], kwargs))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, self._message(text, buttons, kwargs))

    @staticmethod
    def _message(text: Text, buttons: List[Dict[Text, Any]], kwargs: Dict[Text, Any]) -> Dict[Text, Any]:
        message: Dict[Text, Any] = {
            "text": text,
            "timestamp": kwargs.get("timestamp") or time.time(),
        }
        if buttons:
            message["quick_replies"] = [
                {"content_type": "text", "title": b.get("title", ""), "payload": b.get("payload", "")}
                for b in buttons
            ]
        return message


class WegwijsSocketIOInput(SocketIOInput):
    """Rasa's Socket.IO input with origin limits, history on reconnect and whole messages."""

    @classmethod
    def name(cls) -> Text:
        # Same name and URL as Rasa's channel: trackers show input_channel "socketio".
        return "socketio"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._app: Optional[Sanic] = None
        # Socket id -> the session id confirmed for that socket.
        self._sessions: Dict[Text, Text] = {}

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return WegwijsSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        origins = allowed_origins_from_env()
        # HTTP CORS headers come from Rasa's --cors (Sanic-Cors); Engine.IO keeps its CORS
        # handling off (Rasa's default), else every response carries the header twice and
        # browsers refuse it. Browsers send Origin on the WebSocket handshake too, where
        # CORS does not apply, so the origin is checked here for every transport.
        namespace = self.namespace or "/"
        rasa_connect = sio.handlers[namespace]["connect"]

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            if not origin_allowed(environ, origins):
                logger.warning("Socket.IO connection refused from origin %r.", environ.get("HTTP_ORIGIN"))
                return False
            return await rasa_connect(sid, environ, auth)

        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _: Any) -> None:
            self._app = app

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text) -> None:
            self._sessions.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict] = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if is_valid_session_id(requested) else uuid.uuid4().hex
            if self.session_persistence:
                # python-socketio 5.10+ made enter_room a coroutine; Rasa 3.6 does not await
                # it, so bot messages never reached the room. Await it when needed.
                joined = sio.enter_room(sid, session_id, namespace=namespace)
                if inspect.isawaitable(joined):
                    await joined
            self._sessions[sid] = session_id
            await sio.emit("session_confirm", session_id, room=sid)
            messages = await self._history(session_id) if session_id == requested else []
            await sio.emit(HISTORY_EVENT, {"session_id": session_id, "messages": messages}, room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message"), str):
                return
            text = clean_text(data["message"][:MAX_MESSAGE_CHARS])
            if self.session_persistence:
                sender_id = self._sessions.get(sid)
                if sender_id is None or data.get("session_id") != sender_id:
                    logger.warning("Socket.IO message ignored: no confirmed session for this socket.")
                    return
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if not isinstance(metadata, dict):
                metadata = {}
            await on_new_message(
                UserMessage(
                    text,
                    WegwijsSocketIOOutput(sio, self.bot_message_evt),
                    sender_id,
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )

        return blueprint

    async def _history(self, session_id: Text) -> List[Dict[Text, Any]]:
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        tracker_store = getattr(agent, "tracker_store", None)
        if tracker_store is None:
            return []
        try:
            tracker = await tracker_store.retrieve_full_tracker(session_id)
        except Exception:  # a broken store must not break the chat itself
            logger.exception("Could not load the history of a Socket.IO session.")
            return []
        return conversation_history(tracker.events) if tracker else []


__all__ = ["WegwijsSocketIOInput", "WegwijsSocketIOOutput", "conversation_history", "InputChannel"]
