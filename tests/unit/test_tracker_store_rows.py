"""RedactingSQLTrackerStore reads and writes the same rows as Rasa's SQLTrackerStore.

Our store answers the latest-session query with one prepared statement and skips Rasa's
COUNT query when saving a tracker it retrieved itself. Checked here against Rasa's own
methods on real SQLite and PostgreSQL databases, across two sessions and repeated saves.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.tracker_store import STORED_EVENTS_ATTR
from tests.review_support import database, tracker_store

KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _session(ts: float) -> list:
    return [ActionExecuted("action_session_start", timestamp=ts), SessionStarted(timestamp=ts),
            ActionExecuted("action_listen", timestamp=ts)]


def _turn(text: str, ts: float) -> list:
    return [UserUttered(text, intent={"name": "faq", "confidence": 0.9}, timestamp=ts),
            ActionExecuted("utter_faq", timestamp=ts + 0.1), BotUttered("antwoord", timestamp=ts + 0.1),
            ActionExecuted("action_listen", timestamp=ts + 0.2)]


def _texts(tracker: DialogueStateTracker) -> list:
    return [(e.type_name, getattr(e, "text", None), e.timestamp) for e in tracker.events]


@pytest.mark.parametrize("kind", KINDS)
def test_retrieve_and_save_match_rasas_own_queries(kind: str, tmp_path: Path) -> None:
    async def run() -> None:
        with database(kind, tmp_path) as url:
            store = tracker_store(url)
            # Session 1: two turns, each saved on a freshly retrieved tracker (as Rasa's processor does).
            tracker = DialogueStateTracker("ouder-1", store.domain.slots)
            for event in _session(1000.0) + _turn("eerste vraag", 1001.0):
                tracker.update(event)
            await store.save(tracker)
            tracker = await store.retrieve("ouder-1")
            assert getattr(tracker, STORED_EVENTS_ATTR) == 7
            for event in _turn("tweede vraag", 1010.0):
                tracker.update(event)
            await store.save(tracker)
            # A second save of the same object (no new events) must not store anything twice.
            await store.save(tracker)
            # Session 2 starts on a retrieved tracker.
            tracker = await store.retrieve("ouder-1")
            for event in _session(5000.0) + _turn("nieuwe sessie", 5001.0):
                tracker.update(event)
            await store.save(tracker)

            ours = await store.retrieve("ouder-1")
            rasas = await SQLTrackerStore._retrieve(store, "ouder-1", fetch_events_from_all_sessions=False)
            assert _texts(ours) == _texts(rasas)
            assert [t for _, t, _ in _texts(ours) if t] == ["nieuwe sessie", "antwoord"]
            full = await store.retrieve_full_tracker("ouder-1")
            assert [t for _, t, _ in _texts(full) if t and t != "antwoord"] == [
                "eerste vraag", "tweede vraag", "nieuwe sessie"]
            with store.engine.connect() as conn:
                stored = conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = 'ouder-1'")).scalar()
            assert stored == len(full.events) == 18
            # Rasa's COUNT-based bookkeeping agrees that nothing is missing or extra.
            with store.session_scope() as session:
                assert list(SQLTrackerStore._additional_events(store, session, ours)) == []
            assert await store.retrieve("nobody") is None

    asyncio.run(run())
