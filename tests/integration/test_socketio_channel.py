"""The widget's Socket.IO channel (rasa_ext/socketio_channel.py) against a real Rasa server.

Uses python-socketio's client (installed with Rasa). Set WEGWIJS_E2E_RASA_URL to run
against an already running assistant instead of the `rasa_server` fixture.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import os
from typing import Any

import pytest
import socketio

pytestmark = pytest.mark.integration

ALLOWED_ORIGIN = "http://127.0.0.1:18000"  # in the rasa_server fixture's WEGWIJS_ALLOWED_ORIGINS


@pytest.fixture(scope="module")
def rasa_url(request: pytest.FixtureRequest) -> str:
    if os.environ.get("WEGWIJS_E2E_RASA_URL"):
        return os.environ["WEGWIJS_E2E_RASA_URL"].rstrip("/")
    return request.getfixturevalue("rasa_server").url


class WidgetClient:
    """A minimal stand-in for the widget: one socket, its session, received events."""

    def __init__(self, url: str, origin: str = ALLOWED_ORIGIN) -> None:
        self.url, self.origin = url, origin
        self.sio = socketio.AsyncClient(reconnection=False)
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        for event in ["session_confirm", "session_history", "bot_uttered"]:
            self.sio.on(event, self._recorder(event))
        self.session_id: str | None = None

    def _recorder(self, event: str):
        async def record(data: Any) -> None:
            await self.queue.put((event, data))

        return record

    async def next(self, event: str, timeout: float = 60) -> Any:
        while True:
            name, data = await asyncio.wait_for(self.queue.get(), timeout)
            if name == event:
                return data

    async def start(self, session_id: str | None = None) -> list[dict]:
        # Long-polling: the engine.io WebSocket client needs a newer aiohttp than Rasa pins.
        # The browser tests cover the WebSocket transport.
        await self.sio.connect(self.url, headers={"Origin": self.origin}, transports=["polling"])
        await self.sio.emit("session_request", {"session_id": session_id})
        self.session_id = await self.next("session_confirm")
        history = await self.next("session_history")
        assert history["session_id"] == self.session_id
        return history["messages"]

    async def close(self) -> None:
        # abort: do not wait for the pending long-poll request (up to 25 s) to return
        await self.sio.eio.disconnect(abort=True)

    async def say(self, text: str, session_id: str | None = None, **metadata: Any) -> None:
        await self.sio.emit(
            "user_uttered", {"message": text, "session_id": session_id or self.session_id, "metadata": metadata}
        )


def run(coroutine):
    # In a thread of its own: another test's running loop (e.g. Playwright's) cannot interfere.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_site_outside_the_allowed_origins_cannot_connect(rasa_url: str) -> None:
    async def scenario() -> None:
        refused = WidgetClient(rasa_url, origin="https://evil.example")
        error: asyncio.Future = asyncio.get_running_loop().create_future()
        refused.sio.on("connect_error", lambda data: error.done() or error.set_result(data))
        attempt = asyncio.ensure_future(refused.start())
        await asyncio.wait_for(asyncio.shield(error), 30)
        assert not refused.sio.connected
        attempt.cancel()
        await refused.close()

        allowed = WidgetClient(rasa_url)
        await allowed.start()
        assert allowed.sio.connected
        await allowed.close()

    run(scenario())


def test_reconnecting_with_the_session_id_returns_the_conversation(rasa_url: str) -> None:
    async def scenario() -> None:
        first = WidgetClient(rasa_url)
        assert await first.start() == []
        await first.say("Hallo")
        greeting = await first.next("bot_uttered")
        await first.close()
        # Bot messages come whole, with buttons and the tracker timestamp (the feedback id).
        assert greeting["text"] and greeting["quick_replies"] and isinstance(greeting["timestamp"], float)

        again = WidgetClient(rasa_url)
        history = await again.start(first.session_id)
        assert again.session_id == first.session_id
        assert [m["sender"] for m in history] == ["user", "bot"]
        assert history[0]["text"] == "Hallo"
        assert history[1]["text"] == greeting["text"]
        assert history[1]["timestamp"] == greeting["timestamp"]
        assert [b["title"] for b in history[1]["buttons"]] == [b["title"] for b in greeting["quick_replies"]]
        await again.close()

    run(scenario())


def test_a_socket_cannot_write_into_or_open_another_conversation(rasa_url: str) -> None:
    async def scenario() -> None:
        victim = WidgetClient(rasa_url)
        await victim.start()
        await victim.say("Hallo")
        await victim.next("bot_uttered")

        intruder = WidgetClient(rasa_url)
        await intruder.start()
        await intruder.say("Dit is niet mijn gesprek", session_id=victim.session_id)
        # A made-up id in another shape (e.g. a REST sender name) gives a fresh session instead.
        other = WidgetClient(rasa_url)
        assert await other.start("demo") == []
        assert other.session_id != "demo"

        await asyncio.sleep(2)
        check = WidgetClient(rasa_url)
        history = await check.start(victim.session_id)
        assert [m["text"] for m in history if m["sender"] == "user"] == ["Hallo"]
        for client in (victim, intruder, other, check):
            await client.close()

    run(scenario())
