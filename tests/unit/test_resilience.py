"""rasa_ext.resilience: Rasa's own RemoteAction against real sockets (closed, hung, and an
action server that rejects), with the patch installed as the Rasa server installs it."""
from __future__ import annotations

import asyncio
import socket
import time

import pytest
from aiohttp import web

import rasa_ext  # noqa: F401  (installs the patch, as importing a channel does in the server)
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core import tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_ext.resilience import ACTION_TIMEOUT_ENV, DEFAULT_ACTION_TIMEOUT_S, action_timeout, apology_message


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_action(url: str) -> list:
    domain = Domain.empty()
    action = RemoteAction("action_clarify", EndpointConfig(url=url))
    tracker = DialogueStateTracker("resilience-test", [])
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    return asyncio.run(action.run(CollectingOutputChannel(), nlg, tracker, domain))


def assert_apology(events: list) -> None:
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert events[0].text == apology_message()["text"]
    assert events[0].data["buttons"], "the apology offers a way to reach a person"


@pytest.mark.parametrize(("raw", "expected"), [("2.5", 2.5), ("", DEFAULT_ACTION_TIMEOUT_S),
                                               ("-1", DEFAULT_ACTION_TIMEOUT_S), ("abc", DEFAULT_ACTION_TIMEOUT_S)])
def test_action_timeout_from_environment(raw: str, expected: float) -> None:
    assert action_timeout({ACTION_TIMEOUT_ENV: raw}) == expected


def test_apology_names_free_helpline_and_school() -> None:
    text = apology_message()["text"]
    assert "0800-5010" in text and "school" in text


def test_action_server_down_gives_apology() -> None:
    assert_apology(run_action(f"http://127.0.0.1:{free_port()}/webhook"))


def test_hung_action_server_gives_apology_after_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ACTION_TIMEOUT_ENV, "0.5")
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(4)  # accepts, never answers
        started = time.monotonic()
        events = run_action(f"http://127.0.0.1:{hung.getsockname()[1]}/webhook")
        elapsed = time.monotonic() - started
    assert_apology(events)
    assert 0.4 < elapsed < 5


def test_rejection_by_the_action_server_is_left_to_rasa() -> None:
    """A 400 from the action server is Rasa's ActionExecutionRejection: not turned into an apology."""

    async def scenario() -> None:
        async def reject(_: web.Request) -> web.Response:
            return web.json_response({"action_name": "action_clarify", "error": "no"}, status=400)

        app = web.Application()
        app.router.add_post("/webhook", reject)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            domain = Domain.empty()
            action = RemoteAction("action_clarify", EndpointConfig(url=f"http://127.0.0.1:{port}/webhook"))
            with pytest.raises(ActionExecutionRejection):
                await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),
                                 DialogueStateTracker("resilience-test", []), domain)
        finally:
            await runner.cleanup()

    asyncio.run(scenario())


def test_postgres_engines_ping_connections_before_use() -> None:
    assert tracker_store.create_engine_kwargs("postgresql://u@h/db")["pool_pre_ping"] is True
    assert "pool_pre_ping" not in tracker_store.create_engine_kwargs("sqlite:///x.db")
