"""rasa_ext.lock_store against the real Redis (DB 6): a turn whose lock ticket expires at the
same time as the ticket of a replica that died must still go ahead."""
from __future__ import annotations

import asyncio
import secrets
import time

import pytest
import redis

from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from rasa_ext.lock_store import RecoveringRedisLockStore

pytestmark = pytest.mark.redis
REDIS = {"host": "127.0.0.1", "port": 6379, "db": 6}


@pytest.fixture(autouse=True)
def redis_up() -> None:
    try:
        redis.Redis(socket_timeout=3, **REDIS).ping()
    except redis.RedisError:
        pytest.fail("Redis at 127.0.0.1:6379 must be running")


def dead_replica_then_waiter(store: RedisLockStore, lifetime: float = 1.0) -> tuple[str, int]:
    """A ticket of a replica that died (never finished), then the resent turn's ticket."""
    conversation = f"lock-test-{secrets.token_hex(4)}"
    store.issue_ticket(conversation, lifetime)
    return conversation, store.issue_ticket(conversation, lifetime)


def test_rasa_redis_lock_store_waits_forever_after_a_dead_replica() -> None:
    """The problem in Rasa 3.6 that RecoveringRedisLockStore solves (this documents it)."""
    store = RedisLockStore(**REDIS)
    conversation, ticket = dead_replica_then_waiter(store)
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(store._acquire_lock(conversation, ticket, 0.2), timeout=4))
    store.delete_lock(conversation)


def test_recovering_store_goes_ahead_when_the_dead_ticket_expires() -> None:
    store = RecoveringRedisLockStore(endpoint_config=EndpointConfig(url="127.0.0.1", port=6379, db=6))
    conversation, ticket = dead_replica_then_waiter(store)
    started = time.monotonic()
    asyncio.run(asyncio.wait_for(store._acquire_lock(conversation, ticket, 0.2), timeout=4))
    assert time.monotonic() - started < 2.5
    store.delete_lock(conversation)


def test_recovering_store_still_waits_for_a_live_turn() -> None:
    store = RecoveringRedisLockStore(**REDIS)
    conversation = f"lock-test-{secrets.token_hex(4)}"
    store.issue_ticket(conversation, 30)  # a turn still being answered
    ticket = store.issue_ticket(conversation, 30)
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(store._acquire_lock(conversation, ticket, 0.2), timeout=1.5))
    store.delete_lock(conversation)
