"""Load each spaCy pipeline once per process.

Rasa's graph has two SpacyNLP nodes (one provides the model, one processes messages) and
each calls `SpacyNLP.load_model`, so the Dutch pipeline with its large lemma lookup tables
was loaded twice: twice the load time at start-up and twice the memory. The pipeline is only
read while processing messages, so one shared instance per model path is enough.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

_PATCHED = "_wegwijs_cached"


def _cached(load_model: Callable[[str], Any]) -> Callable[[str], Any]:
    @functools.lru_cache(maxsize=4)
    def load_model_once(spacy_model_name: str) -> Any:
        return load_model(spacy_model_name)

    setattr(load_model_once, _PATCHED, True)
    return load_model_once


def install() -> None:
    """Wrap SpacyNLP.load_model once; safe to call many times."""
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    if not getattr(SpacyNLP.load_model, _PATCHED, False):
        SpacyNLP.load_model = staticmethod(_cached(SpacyNLP.load_model))  # type: ignore[method-assign]
