"""Text normalisation shared by lookups: case, accents, punctuation, "'s-", hyphens.

`normalize("'s-Hertogenbosch")` == `normalize("s Hertogenbosch")` == "s hertogenbosch", so a parent's
spelling and the official spelling meet on the same key.
"""
from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "'\u2018\u2019`\u00b4"
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Tokens parents abbreviate differently from the official tables.
_TOKEN_SYNONYMS = {"st": "sint", "ste": "sint"}


def strip_accents(text: str) -> str:
    """Remove diacritics: "Súdwest-Fryslân" -> "Sudwest-Fryslan", "Exloërmond" -> "Exloermond"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Lower-case key without accents, apostrophes, hyphens or punctuation; single spaces."""
    text = strip_accents(text).lower()
    # "'s-Gravenhage" / "'t Zandt": drop the apostrophe, keep the letter as its own token.
    for mark in _APOSTROPHES:
        text = text.replace(mark, " ")
    tokens = _NON_WORD.sub(" ", text).split()
    return " ".join(_TOKEN_SYNONYMS.get(token, token) for token in tokens)


def tokens(text: str) -> list[str]:
    """Normalised tokens of a text (see `normalize`)."""
    return normalize(text).split()
