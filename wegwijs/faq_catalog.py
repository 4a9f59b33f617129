"""Catalogue of FAQ answers: canonical question and sources per `faq/<key>`.

Read from resources/faq/*.yml, the metadata files that sit next to the training data in
data/faq/*.yml. The canonical question is what a "Bedoelt u…?" button shows and sends.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

FAQ_META_DIR = Path(__file__).resolve().parent.parent / "resources" / "faq"


@dataclass(frozen=True)
class FaqEntry:
    key: str
    question: str
    topic: str = ""
    sources: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=None)
def load_catalog(directory: Path = FAQ_META_DIR) -> dict[str, FaqEntry]:
    """Map of FAQ key (without the `faq/` prefix) to its entry, over all metadata files."""
    catalog: dict[str, FaqEntry] = {}
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, meta in data.items():
            if key in catalog:
                raise ValueError(f"FAQ key '{key}' is defined twice (second time in {path.name})")
            catalog[key] = FaqEntry(
                key=key,
                question=str(meta["question"]),
                topic=str(meta.get("topic", "")),
                sources=tuple(str(s) for s in meta.get("sources", [])),
            )
    return catalog


def faq_key(intent_response_key: str) -> str:
    """'faq/zorgplicht' -> 'zorgplicht'."""
    return intent_response_key.split("/", 1)[1] if "/" in intent_response_key else intent_response_key
