"""Dutch texts that custom actions send, loaded from resources/messages/<area>.yml.

Texts live in data files so writers can change them without touching code. Static answers
belong in domain.yml as `utter_` responses; these files hold only texts that actions compose.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_DIR = Path(__file__).resolve().parent.parent / "resources" / "messages"


@lru_cache(maxsize=None)
def load_messages(area: str, directory: Path = MESSAGES_DIR) -> dict[str, Any]:
    """Return the mapping of message keys to texts for one area (e.g. "core")."""
    path = directory / f"{area}.yml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path} must contain a mapping of message keys to texts")
    return data


def message(area: str, key: str, **values: Any) -> str:
    """One text, with `{placeholders}` filled in from `values`."""
    text = load_messages(area)[key]
    return text.format(**values) if values else text
