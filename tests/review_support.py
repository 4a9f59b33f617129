"""Helpers for the review app tests: real databases, conversations written by the real tracker store."""
from __future__ import annotations

import asyncio
import os
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
import sqlalchemy as sa

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("WEGWIJS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
STAFF_PASSWORD = "correct horse battery"


def postgres_available() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


@contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of `kind` ('sqlite' or 'postgresql'); dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    if not postgres_available():
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}")
    name = f"wegwijs_review_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def tracker_store(url: str) -> Any:
    """The real RedactingSQLTrackerStore (the class endpoints.yml names) on `url`."""
    from rasa.shared.core.domain import Domain

    from rasa_ext.tracker_store import RedactingSQLTrackerStore

    parsed = sa.engine.make_url(url)
    domain = Domain.load(str(ROOT / "domain.yml"))
    if parsed.get_backend_name() == "sqlite":
        return RedactingSQLTrackerStore(domain=domain, dialect="sqlite", db=parsed.database)
    return RedactingSQLTrackerStore(
        domain=domain, dialect="postgresql", host=parsed.host, port=parsed.port, db=parsed.database,
        username=parsed.username, password=parsed.password,
    )


def user(text: str, intent: str, confidence: float, entities: list[dict] | None = None,
         retrieval_key: str | None = None, metadata: dict | None = None) -> dict:
    return {"kind": "user", "text": text, "intent": intent, "confidence": confidence, "entities": entities or [],
            "retrieval_key": retrieval_key, "metadata": metadata or {}}


def bot(text: str, action: str = "utter_x") -> dict:
    return {"kind": "bot", "text": text, "action": action}


def slot(name: str, value: Any) -> dict:
    return {"kind": "slot", "name": name, "value": value}


def store_conversation(store: Any, sender_id: str, turns: list[dict], start_ts: float) -> None:
    """Write a conversation through the tracker store's save(), one turn at a time (like Rasa does)."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    async def run() -> None:
        ts = start_ts
        tracker = await store.retrieve(sender_id) or DialogueStateTracker(sender_id, store.domain.slots)
        if not tracker.events:
            tracker.update(ActionExecuted("action_session_start", timestamp=ts))
            tracker.update(SessionStarted(timestamp=ts))
            tracker.update(ActionExecuted("action_listen", timestamp=ts))
        for turn in turns:
            ts += 7
            if turn["kind"] == "user":
                parse = {"text": turn["text"], "intent": {"name": turn["intent"], "confidence": turn["confidence"]},
                         "entities": turn["entities"],
                         "intent_ranking": [{"name": turn["intent"], "confidence": turn["confidence"]}]}
                if turn["retrieval_key"]:
                    parse["response_selector"] = {turn["intent"]: {"response": {
                        "intent_response_key": turn["retrieval_key"], "confidence": turn["confidence"]}}}
                tracker.update(UserUttered(turn["text"], intent=parse["intent"], entities=turn["entities"],
                                           parse_data=parse, timestamp=ts, metadata=turn["metadata"]))
            elif turn["kind"] == "bot":
                tracker.update(ActionExecuted(turn["action"], timestamp=ts))
                tracker.update(BotUttered(turn["text"], timestamp=ts))
                tracker.update(ActionExecuted("action_listen", timestamp=ts))
            else:
                tracker.update(SlotSet(turn["name"], turn["value"], timestamp=ts))
            await store.save(tracker)
            tracker = await store.retrieve(sender_id)

    # Playwright's sync API keeps an event loop running in this thread: use a fresh thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: Any, username: str = "staff", password: str = STAFF_PASSWORD) -> Any:
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_from(page.text), "next": "/"}, follow_redirects=False)
