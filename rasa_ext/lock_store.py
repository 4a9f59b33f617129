"""Redis lock store that recovers when a replica dies while it holds a conversation's lock.

Rasa 3.6 serialises the turns of one conversation with a ticket lock: every turn takes a
ticket that expires after ``TICKET_LOCK_LIFETIME`` seconds. When a replica is killed during
a turn, its ticket stays in Redis; nginx resends the turn to another replica, which takes
the next ticket a few milliseconds later and waits. Both tickets then expire within the same
second, and Rasa's wait loop (``LockStore._acquire_lock``) keeps waiting for a ticket that
no longer exists: the turn hangs until the client gives up (found by
tests/integration/test_production_stack.py, kill test).

This store waits like Rasa does, but goes ahead as soon as no live ticket is ahead of its own,
also when its own ticket has expired meanwhile. The conversation is then free: whoever held
the lock before is gone.

endpoints (scripts/prod_up.sh sets this type for the Redis lock store):
    lock_store:
      type: rasa_ext.lock_store.RecoveringRedisLockStore
      url: 127.0.0.1
      port: 6379
      db: 5
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)


def nobody_ahead(lock: TicketLock, ticket: int) -> bool:
    """True when no unexpired ticket with a lower number than `ticket` is left."""
    return not any(other.number < ticket and not other.has_expired() for other in lock.tickets)


class RecoveringRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store without the wait that never ends after a replica died."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        # Rasa passes a custom lock store only its endpoint config; map it like type "redis".
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    async def _acquire_lock(self, conversation_id: Text, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                return lock
            if nobody_ahead(lock, ticket):
                logger.warning(
                    "Lock ticket %s of a conversation expired while waiting; the turn before it "
                    "was never finished (replica stopped?). Going ahead.", ticket
                )
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
