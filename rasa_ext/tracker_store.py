"""SQL tracker store that removes personal data before anything is written.

Rasa's SQLTrackerStore writes `event.as_dict()` of every new event as JSON. This subclass
redacts each event dict first (wegwijs.privacy.redact_event: message text, parse data,
entities, slot values, metadata), so e-mail addresses, phone numbers, BSNs, IBANs, street
addresses and names never reach the database, nor an event broker. In the same
transaction it updates the review app's summary tables (review.indexer), so the review
list stays fast without scanning `events`.

endpoints.yml:
    tracker_store:
      type: rasa_ext.tracker_store.RedactingSQLTrackerStore
      dialect: "sqlite"          # or postgresql, with url/port/username/password
      db: "var/tracker.db"
"""
from __future__ import annotations

import json
import logging
import itertools
from typing import Any, Dict, Iterator, List, Optional, Text

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from review.indexer import ensure_schema, record_events
from wegwijs.privacy import contact_points, redact_event

logger = logging.getLogger(__name__)

# Attribute put on a tracker by `_retrieve`: how many events of its latest session are stored.
STORED_EVENTS_ATTR = "_wegwijs_stored_events"


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose stored events (and streamed events) contain no personal data."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        dialect: Text = "sqlite",
        host: Optional[Text] = None,
        port: Optional[int] = None,
        db: Text = "rasa.db",
        username: Text = None,
        password: Text = None,
        event_broker: Optional[EventBroker] = None,
        login_db: Optional[Text] = None,
        query: Optional[Dict] = None,
        **kwargs: Dict[Text, Any],
    ) -> None:
        super().__init__(domain, dialect, host, port, db, username, password, event_broker, login_db, query, **kwargs)
        ensure_schema(self.engine)
        self._public_contacts: frozenset[str] | None = None
        self._latest_session_sql: Any = None

    def public_contact_points(self) -> frozenset[str]:
        """E-mail addresses and phone numbers in the domain's own responses: public, kept in bot messages."""
        if self._public_contacts is None:
            found: set[str] = set()
            responses = getattr(self.domain, "responses", None) or {}
            for variants in responses.values():
                for variant in variants or []:
                    if isinstance(variant, dict) and isinstance(variant.get("text"), str):
                        found |= contact_points(variant["text"])
            self._public_contacts = frozenset(found)
        return self._public_contacts

    def redacted(self, event: Event) -> Dict[Text, Any]:
        return redact_event(event.as_dict(), keep=self.public_contact_points())

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """Rasa's retrieve, reading only the `data` column, and remembering how many events it read.

        Rasa's `save` counts the stored events of the latest session with an extra query on every
        turn to know which events are new. The tracker that `retrieve` returns already knows: it
        is built from exactly those rows, and the conversation lock keeps other writers out until
        it is saved. `_additional_events` uses that number once, then falls back to Rasa's query.
        """
        with self.session_scope() as session:
            if fetch_events_from_all_sessions:
                query = self._event_query(session, sender_id, fetch_events_from_all_sessions=True)
                rows = query.with_entities(self.SQLEvent.data).all()
            else:
                rows = session.execute(self._latest_session_query(), {"sender_id": sender_id}).all()
        events = [json.loads(data) for (data,) in rows]
        if not (self.domain and events):
            logger.debug(f"No stored tracker for sender id '{sender_id}'.")
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, STORED_EVENTS_ATTR, len(rows))
        return tracker

    def _latest_session_query(self) -> Any:
        """Rasa's `_event_query` for the latest session, as one prepared text statement.

        Same rows in the same order: the events of the sender from its last `session_started`
        on (all its events when there is none), by id. Building Rasa's ORM query and its cache
        key cost more CPU per turn than the database needed to answer it.
        """
        if self._latest_session_sql is None:
            table = self.SQLEvent.__tablename__
            self._latest_session_sql = sa.text(
                f"SELECT e.data FROM {table} e, "
                f"(SELECT max(timestamp) AS session_start FROM {table} "
                f" WHERE sender_id = :sender_id AND type_name = :session_started) s "
                f"WHERE e.sender_id = :sender_id "
                f"AND (e.timestamp >= s.session_start OR s.session_start IS NULL) "
                f"ORDER BY e.id"
            ).bindparams(session_started=SessionStarted.type_name)
        return self._latest_session_sql

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The tracker's events that are not stored yet (see `_retrieve`)."""
        stored = tracker.__dict__.pop(STORED_EVENTS_ATTR, None)
        if stored is None or stored > len(tracker.events):
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, redacted, and update the review summary."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            stored: List[tuple[SQLTrackerStore.SQLEvent, Dict[Text, Any]]] = []
            for event in self._additional_events(session, tracker):
                data = self.redacted(event)
                row = self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                )
                session.add(row)
                stored.append((row, data))
            session.flush()  # assigns the event ids the summary refers to
            try:
                # A savepoint: if the summary cannot be written, the events are still stored.
                with session.begin_nested():
                    record_events(
                        session.connection(),
                        tracker.sender_id,
                        [(row.id, row.timestamp, data) for row, data in stored],
                    )
            except SQLAlchemyError:
                logger.exception(
                    f"Review summary of '{tracker.sender_id}' not updated; `python -m review reindex` repairs it."
                )
            session.commit()
        logger.debug(f"Tracker with sender_id '{tracker.sender_id}' stored to database (redacted)")

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event], sender_id: Text) -> None:
        """Event brokers get the redacted events too."""
        for event in new_events:
            body: Dict[Text, Any] = {"sender_id": sender_id}
            body.update(self.redacted(event))
            event_broker.publish(body)
