"""Dutch place names that redaction must keep (the partnership lookup needs them)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

PLACE_NAMES_FILE = Path(__file__).resolve().parents[2] / "resources" / "privacy" / "place_names.txt"


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Lower-cased municipality and place names (built by scripts/build_privacy_places.py)."""
    if not PLACE_NAMES_FILE.exists():
        return frozenset()
    lines = PLACE_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def is_place_name(words: str) -> bool:
    return words.strip().casefold() in place_names()
