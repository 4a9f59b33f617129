"""Faster lookup of Rasa event classes by type name.

Rasa 3.6 reads every stored event of a conversation on every turn (SQL tracker store) and, for
each one, `Event.resolve_by_type` walks the whole class tree of `Event` again
(`all_subclasses`, ~30 classes, recursively). Profiling a 10-turn conversation showed this
walk as about a fifth of the time Rasa spends on a message. The classes do not change once
Rasa is imported, so we remember the answer per type name. Unknown names still go to Rasa's
own method, so its behaviour (default, backwards compatibility, error) is unchanged.
"""
from __future__ import annotations

from typing import Dict, Optional, Text, Type

from rasa.shared.core.events import Event

_original_resolve_by_type = Event.resolve_by_type
_cache: Dict[Text, Type[Event]] = {}


def _cached_resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    cls = _cache.get(type_name)
    if cls is not None:
        return cls
    resolved = _original_resolve_by_type(type_name, default)
    if resolved is not None and resolved is not default and getattr(resolved, "type_name", None) == type_name:
        _cache[type_name] = resolved
    return resolved


def install() -> None:
    """Replace Event.resolve_by_type with the cached version (idempotent)."""
    Event.resolve_by_type = staticmethod(_cached_resolve_by_type)  # type: ignore[assignment]
