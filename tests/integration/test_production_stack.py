"""The production stack (scripts/prod_up.sh) on the machine's real PostgreSQL and Redis:
2 Rasa replicas + 2 action servers behind nginx.

Scale-out: turns of one conversation on different replicas keep the full history in order;
a replica killed mid-conversation loses nothing. Security: the Rasa HTTP API is not
public, body size and request rate are limited, Socket.IO only accepts the configured site.
Faults: action server stopped or hung, PostgreSQL restarted, Redis restarted.

NOTE: the PostgreSQL and Redis tests restart the machine's shared services (a few seconds
each); they always start them again, also when a test fails.
Tests run in file order; the last one kills a replica.
"""
from __future__ import annotations

import secrets
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterator

import pytest
import requests
import socketio

from prod_stack import (
    ALLOWED_ORIGIN,
    ProdStack,
    assert_tracker_valid,
    postgres_available,
    production_stack,
    redis_available,
    restart_postgres,
    restart_redis,
    user_texts,
)

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

# Turns answered by rules with responses from the domain. The "/intent" form skips NLU, so
# these tests do not depend on how well the current model classifies; two use real text.
QUESTIONS = [
    "Hallo",
    "Wat is passend onderwijs?",
    "/bot_challenge",
    "/affirm",
    "/feedback_positive",
    "/deny",
    "/goodbye",
]
# nlu_fallback is answered by the custom action action_clarify on the action server.
NEEDS_ACTION_SERVER = "/nlu_fallback"
CONTACT = "0800-5010"


@pytest.fixture(scope="module")
def stack() -> Iterator[ProdStack]:
    if not postgres_available() or not redis_available():
        pytest.fail("PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) must be running")
    # A low per-IP rate so the rate-limit test can reach it; the burst covers the other tests.
    with production_stack(WEGWIJS_RATE_PER_IP="10r/s",
                          WEGWIJS_RATE_BURST="30") as running:
        yield running


def new_sender() -> str:
    return f"prod-{secrets.token_hex(6)}"


def test_turns_alternating_between_replicas_keep_full_history(stack: ProdStack) -> None:
    sender = new_sender()
    for turn, text in enumerate(QUESTIONS):
        stack.say(text, sender, base=stack.replica_url(turn % 2))
    for replica in (0, 1):
        tracker = stack.tracker(sender, replica)
        assert user_texts(tracker) == QUESTIONS
        assert_tracker_valid(tracker)


def test_proxy_spreads_rest_turns_over_both_replicas(stack: ProdStack) -> None:
    sender = new_sender()
    for text in QUESTIONS[:4]:
        stack.say(text, sender)
    assert user_texts(stack.tracker(sender)) == QUESTIONS[:4]
    used = {f"upstream=127.0.0.1:{port}" for port in stack.replica_ports}
    assert all(mark in stack.access_log() for mark in used), "nginx did not use both replicas"


def test_rasa_http_api_is_not_public(stack: ProdStack) -> None:
    sender = new_sender()
    stack.say("Hallo", sender)
    for path in ("/status", f"/conversations/{sender}/tracker", "/model/parse", "/version", "/domain"):
        for method in ("GET", "POST"):
            response = requests.request(method, f"{stack.public_url}{path}", params={"token": stack.token},
                                        json={"text": "hallo"}, timeout=10)
            assert response.status_code == 404, f"{method} {path} -> {response.status_code}"
    # On the replica itself the API needs the token.
    direct = requests.get(f"{stack.replica_url(0)}/conversations/{sender}/tracker", timeout=10)
    assert direct.status_code == 401


def test_cors_allows_only_the_configured_site(stack: ProdStack) -> None:
    url = f"{stack.public_url}/webhooks/rest/webhook"
    body = {"sender": new_sender(), "message": "Hallo"}
    allowed = requests.post(url, json=body, headers={"Origin": ALLOWED_ORIGIN}, timeout=60)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    other = requests.post(url, json=body, headers={"Origin": "https://evil.example"}, timeout=60)
    assert other.headers.get("Access-Control-Allow-Origin") in (None, "")


def test_request_body_is_limited(stack: ProdStack) -> None:
    big = {"sender": new_sender(), "message": "a" * 1_000_000}
    response = requests.post(f"{stack.public_url}/webhooks/rest/webhook", json=big, timeout=30)
    assert response.status_code == 413


def test_requests_per_client_are_rate_limited(stack: ProdStack) -> None:
    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda _: requests.get(f"{stack.public_url}/healthz", timeout=10).status_code, range(120)))
    assert 429 in codes and 200 in codes, sorted(set(codes))
    assert all(code in (200, 429) for code in codes)
    time.sleep(4)  # let the bucket refill (burst 30 at 10 r/s) for the next tests


def test_socketio_through_proxy_answers_allowed_site_only(stack: ProdStack) -> None:
    client = socketio.Client(reconnection=False)
    confirmed = threading.Event()
    answered = threading.Event()
    session: dict[str, str] = {}
    answers: list[dict] = []

    @client.on("session_confirm")
    def on_confirm(session_id: str) -> None:
        session["id"] = session_id
        confirmed.set()

    @client.on("bot_uttered")
    def on_bot(message: dict) -> None:
        answers.append(message)
        answered.set()

    client.connect(stack.public_url, headers={"Origin": ALLOWED_ORIGIN}, transports=["polling", "websocket"],
                   wait_timeout=20)
    try:
        client.emit("session_request", {"session_id": None})
        assert confirmed.wait(20), "no session_confirm"
        client.emit("user_uttered", {"message": "Wat is passend onderwijs?", "session_id": session["id"]})
        assert answered.wait(60), "no answer over Socket.IO"
        assert answers[0].get("text")
    finally:
        client.disconnect()
    assert user_texts(stack.tracker(session["id"])) == ["Wat is passend onderwijs?"]

    stranger = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        stranger.connect(stack.public_url, headers={"Origin": "https://evil.example"}, transports=["polling"],
                         wait_timeout=10)
    stranger.disconnect()


def test_action_server_down_gives_apology_with_contacts(stack: ProdStack) -> None:
    name = f"actions-{stack.action_ports[0]}"
    stack.stop_process(name)
    try:
        sender = new_sender()
        stack.say("Hallo", sender, base=stack.replica_url(0))
        messages = stack.say(NEEDS_ACTION_SERVER, sender, base=stack.replica_url(0))
        assert any(CONTACT in (m.get("text") or "") for m in messages), messages
        # The conversation goes on normally after the apology.
        stack.say("Wat is passend onderwijs?", sender, base=stack.replica_url(0))
        tracker = stack.tracker(sender)
        assert user_texts(tracker) == ["Hallo", NEEDS_ACTION_SERVER, "Wat is passend onderwijs?"]
        assert_tracker_valid(tracker)
    finally:
        stack.start_action_server(0)
    # With the action server back, the same message gets the normal clarification.
    messages = stack.say(NEEDS_ACTION_SERVER, new_sender(), base=stack.replica_url(0))
    assert not any(CONTACT in (m.get("text") or "") and "Sorry, er gaat" in (m.get("text") or "") for m in messages)


def test_hung_action_server_gives_apology_within_timeout(stack: ProdStack) -> None:
    """An action server that accepts the connection but never answers (timeout 3 s here)."""
    name = f"actions-{stack.action_ports[1]}"
    stack.stop_process(name)
    hung = socket.socket()
    hung.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    hung.bind(("127.0.0.1", stack.action_ports[1]))
    hung.listen(16)
    try:
        sender = new_sender()
        started = time.monotonic()
        messages = stack.say(NEEDS_ACTION_SERVER, sender, base=stack.replica_url(1))
        elapsed = time.monotonic() - started
        assert any(CONTACT in (m.get("text") or "") for m in messages), messages
        assert elapsed < 3 + 10, f"apology took {elapsed:.1f} s"
        assert_tracker_valid(stack.tracker(sender, 1))
    finally:
        hung.close()
        stack.start_action_server(1)


@pytest.mark.parametrize("restart, service", [(restart_postgres, "PostgreSQL"), (restart_redis, "Redis")])
def test_service_restart_loses_no_conversation(stack: ProdStack, restart: Callable[[], float], service: str) -> None:
    sender = new_sender()
    before, after = QUESTIONS[:3], QUESTIONS[3:6]
    for text in before:
        stack.say(text, sender)
    outage = restart()
    # The first turn after the restart is answered (dead pooled connections are replaced).
    for text in after:
        stack.say(text, sender)
    tracker = stack.tracker(sender)
    assert user_texts(tracker) == before + after, f"history after a {outage:.1f} s {service} restart"
    assert_tracker_valid(tracker)


def test_killing_a_replica_mid_conversation_loses_nothing(stack: ProdStack) -> None:
    """5 parents chat through nginx at once; replica 0 is killed (SIGKILL) halfway."""
    senders = [new_sender() for _ in range(5)]
    turns = QUESTIONS[:6]
    failures: list[str] = []

    def chat(sender: str, texts: list[str]) -> None:
        for text in texts:
            try:
                stack.say(text, sender)
            except (AssertionError, requests.RequestException) as error:
                failures.append(f"{sender} {text!r}: {error}")

    with ThreadPoolExecutor(len(senders)) as pool:
        list(pool.map(lambda s: chat(s, turns[:3]), senders))
        futures = [pool.submit(chat, s, turns[3:]) for s in senders]
        time.sleep(0.2)  # some of these turns are in flight on replica 0 when it dies
        stack.stop_process(f"rasa-{stack.replica_ports[0]}", sig=9)
        for future in futures:
            future.result()
    assert not failures, failures
    for sender in senders:
        tracker = stack.tracker(sender, replica=1)
        assert user_texts(tracker) == turns
        assert_tracker_valid(tracker)
