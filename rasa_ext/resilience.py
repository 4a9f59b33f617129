"""Resilience of the Rasa server against a failing action server and database restarts.

Plain Rasa 3.6 waits up to 5 minutes for the action server and, when the call fails,
logs the error and says nothing: the parent sees silence. `install()` wraps Rasa's
`RemoteAction.run` so that a custom action that cannot run within
``WEGWIJS_ACTION_TIMEOUT`` seconds (default 8) is answered with a Dutch apology and
contact options (resources/messages/resilience.yml). The tracker gets the action and the
apology as ordinary events, so the conversation stays valid.

`install()` also turns on SQLAlchemy's `pool_pre_ping` for PostgreSQL tracker stores:
after a database restart the pool replaces dead connections before use, instead of
failing the first turn on each stale connection.

Rasa has no hook for either (its plugin hooks are for Rasa Pro), so this module patches
two names, once, when `rasa_ext` is imported by the Rasa server.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import os
from typing import Any, Callable, Dict, List, Mapping, Optional

import aiohttp

logger = logging.getLogger(__name__)

ACTION_TIMEOUT_ENV = "WEGWIJS_ACTION_TIMEOUT"
# Actions answer in well under 1 s; 8 s leaves room for a busy machine but keeps
# the parent from waiting on a hung action server.
DEFAULT_ACTION_TIMEOUT_S = 8.0
FALLBACK_MARK = "wegwijs_fallback"

_PATCHED = "_wegwijs_resilient"


def action_timeout(environ: Optional[Mapping[str, str]] = None) -> float:
    """Seconds a custom action may take; invalid or non-positive values give the default."""
    raw = (environ if environ is not None else os.environ).get(ACTION_TIMEOUT_ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_ACTION_TIMEOUT_S
    return value if value > 0 else DEFAULT_ACTION_TIMEOUT_S


def apology_message() -> Dict[str, Any]:
    """The Dutch apology with contact options, as a bot message (text and buttons)."""
    from wegwijs.messages import load_messages

    texts = load_messages("resilience")
    return {"text": texts["action_unavailable"], "buttons": list(texts.get("buttons") or [])}


def apology_events(action_name: str) -> List[Any]:
    from rasa.shared.core.events import BotUttered

    message = apology_message()
    return [
        BotUttered(
            text=message["text"],
            data={"buttons": message["buttons"]},
            metadata={FALLBACK_MARK: "action_server_unavailable", "action": action_name},
        )
    ]


def _resilient(run: Callable[..., Any]) -> Callable[..., Any]:
    from rasa.core.actions.action import ActionExecutionRejection
    from rasa.shared.exceptions import RasaException

    @functools.wraps(run)
    async def resilient_run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
        try:
            return await asyncio.wait_for(run(self, output_channel, nlg, tracker, domain), action_timeout())
        except ActionExecutionRejection:
            raise  # Rasa's own mechanism: let the policies pick another action
        except asyncio.TimeoutError:
            logger.error("Custom action '%s' took longer than %.1f s; sent the apology.", self.name(), action_timeout())
        except (RasaException, aiohttp.ClientError, OSError) as error:
            logger.error("Custom action '%s' failed (%s); sent the apology.", self.name(), error)
        return apology_events(self.name())

    setattr(resilient_run, _PATCHED, True)
    return resilient_run


def _with_pre_ping(create_engine_kwargs: Callable[[Any], Dict[str, Any]]) -> Callable[[Any], Dict[str, Any]]:
    @functools.wraps(create_engine_kwargs)
    def kwargs_with_pre_ping(url: Any) -> Dict[str, Any]:
        kwargs = create_engine_kwargs(url)
        if kwargs:  # Rasa returns kwargs only for PostgreSQL; SQLite needs no ping
            kwargs.setdefault("pool_pre_ping", True)
        return kwargs

    setattr(kwargs_with_pre_ping, _PATCHED, True)
    return kwargs_with_pre_ping


def install() -> None:
    """Patch Rasa once; safe to call many times."""
    from rasa.core import tracker_store
    from rasa.core.actions.action import RemoteAction

    if not getattr(RemoteAction.run, _PATCHED, False):
        RemoteAction.run = _resilient(RemoteAction.run)  # type: ignore[method-assign]
    if not getattr(tracker_store.create_engine_kwargs, _PATCHED, False):
        tracker_store.create_engine_kwargs = _with_pre_ping(tracker_store.create_engine_kwargs)
