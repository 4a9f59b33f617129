"""One turn of the "which partnership?" conversation: from a parent's message to the next step.

Plain data in, plain data out (JSON-safe dicts for conversation slots), so the Rasa form validation action
stays thin and this logic is tested without a server.

- `Turn.answer` set: the form is done; `wegwijs.lookup_answer` turns it into the reply.
- `Turn.pending` set: ask the question it describes (postcode, which one, did you mean, try again).
- `Turn.handled` False: nothing in the message for this conversation (another question): let the
  assistant answer that instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from wegwijs.extract import Extraction, extract
from wegwijs.registry import (
    Ambiguous,
    DidYouMean,
    Europoort,
    Foreign,
    InvalidPostcode,
    Location,
    LookupResult,
    NeedsPostcode,
    Registry,
    Resolved,
    Sector,
    Unknown,
    UnknownPostcode,
    get_registry,
)
from wegwijs.text import normalize

# Unrecognised answers in a row before the assistant stops asking and gives the general next step.
MAX_ATTEMPTS = 2
# A message this short that is not a known name is treated as an attempt at one ("Leidn", "Antwerpen").
SHORT_MESSAGE_TOKENS = 4

OWN_INTENTS = frozenset({"ask_partnership", "inform_location", "dont_know"})
DONT_KNOW_PHRASES = frozenset({
    "weet ik niet", "ik weet het niet", "weet niet", "geen idee", "geen flauw idee", "ik weet niet",
    "dat weet ik niet", "weet ik niet precies", "onbekend", "nog niet bekend", "nog geen school",
})
YES_PHRASES = frozenset({"ja", "jazeker", "ja klopt", "klopt", "ja dat klopt", "ja die", "ja precies", "yes", "jep",
                         "ja graag", "juist", "dat klopt"})
NO_PHRASES = frozenset({"nee", "nee hoor", "neen", "nope", "nee iets anders", "nee dat klopt niet", "klopt niet"})


@dataclass(frozen=True)
class TurnInput:
    text: str
    intent: str = ""
    form_active: bool = False  # False when this message starts the lookup
    pending: Optional[dict] = None  # the open question, from the previous turn
    school_type: Optional[str] = None  # what we knew before this message
    last_answer: Optional[dict] = None  # the previous answer's location, for "en voor de middelbare school?"


@dataclass(frozen=True)
class Turn:
    handled: bool
    answer: Optional[dict] = None
    pending: Optional[dict] = None
    school_type: Optional[str] = None


def _sector(value: Optional[str]) -> Optional[Sector]:
    return value if value in ("PO", "VO") else None  # type: ignore[return-value]


def _location_answer(location: Location, context: dict) -> dict:
    return {"kind": "location", "location": location.to_dict(), **context}


def _pending_for(result: LookupResult, registry: Registry, attempts: int) -> dict:
    """The question to ask for a result that is not an answer yet. Failed tries count as attempts."""
    if isinstance(result, NeedsPostcode):
        return {"kind": "postcode", "query": result.query, "location": result.location.to_dict(),
                "sectors": list(result.sectors), "options": {k: list(v) for k, v in result.options.items()}}
    if isinstance(result, Ambiguous):
        return {"kind": "which", "query": result.query,
                "options": [{"location": o.to_dict(), "text": registry.unambiguous_name(o)} for o in result.options]}
    if isinstance(result, DidYouMean):
        return {"kind": "confirm", "query": result.query, "attempts": attempts + 1,
                "options": [{"location": o.to_dict(), "text": registry.unambiguous_name(o)}
                            for o in result.suggestions]}
    reason = {Unknown: "unknown", Foreign: "foreign", InvalidPostcode: "invalid_postcode",
              UnknownPostcode: "unknown_postcode"}.get(type(result))
    if reason:
        return {"kind": "again", "reason": reason, "query": result.query, "attempts": attempts + 1,
                "country": getattr(result, "country", ""), "pc4": getattr(result, "pc4", "")}
    raise ValueError(f"not a question: {result!r}")


def _pick_option(text: str, options: list[dict]) -> Optional[dict]:
    """The option a parent picked by province or municipality ("Limburg", "de gemeente Montferland")."""
    norm = f" {normalize(text)} "
    hits = []
    for option in options:
        location = option["location"]
        words = [location["province"], *location["gemeenten"]]
        if any(f" {normalize(w)} " in norm for w in words if w):
            hits.append(option)
    return hits[0] if len(hits) == 1 else None


def _resolve_mention(extraction: Extraction, registry: Registry, sector: Optional[Sector]) -> Optional[LookupResult]:
    mention = extraction.lookup
    if mention is None:
        return InvalidPostcode(extraction.invalid_postcode) if extraction.invalid_postcode else None
    if mention.kind == "postcode":
        return registry.resolve_postcode(mention.key, sector)
    return registry.resolve_name(mention.text, sector)


def decide(turn: TurnInput, registry: Optional[Registry] = None) -> Turn:
    registry = registry or get_registry()
    text = turn.text.strip()
    norm = normalize(text)
    # An open question only counts while the form runs; a new lookup starts fresh.
    pending = turn.pending if turn.form_active else None
    extraction = extract(text, registry)
    sector = extraction.school_type or _sector(turn.school_type)
    # Notes from earlier in this lookup (e.g. the home place) stay; the latest message is the query.
    context: dict[str, Any] = {**((pending or {}).get("context") or {}), "query": text}
    attempts = int(pending.get("attempts", 0)) if pending else 0

    def outcome(result: LookupResult, location_context: Optional[dict] = None) -> Turn:
        ctx = {**context, **(location_context or {})}
        if isinstance(result, Resolved):
            ctx["corrected_from"] = result.corrected_from
            return Turn(True, answer=_location_answer(result.location, ctx), school_type=sector)
        if isinstance(result, Europoort):
            return Turn(True, answer={"kind": "europoort", "query": result.query, "pc4": result.pc4},
                        school_type=sector)
        question = _pending_for(result, registry, attempts)
        if question.get("attempts", 0) > MAX_ATTEMPTS:
            return Turn(True, answer={"kind": "give_up"}, school_type=sector)
        return Turn(True, pending={**question, "context": ctx}, school_type=sector)

    # 1. "Weet ik niet": answer with what we know so far.
    if turn.intent == "dont_know" or norm in DONT_KNOW_PHRASES:
        if not (turn.form_active or turn.intent == "dont_know"):
            return Turn(False)
        options = pending.get("location") if pending and pending.get("kind") == "postcode" else None
        return Turn(True, answer={"kind": "dont_know", "location": options}, school_type=sector)

    # 2. Answers to our own question.
    if pending and pending.get("kind") == "confirm":
        if norm in YES_PHRASES or (turn.intent == "affirm" and not extraction.mentions):
            chosen = Location.from_dict(pending["options"][0]["location"])
            return outcome(registry.resolve_location(chosen, sector), pending.get("context"))
        if norm in NO_PHRASES or (turn.intent == "deny" and not extraction.mentions):
            if attempts + 1 > MAX_ATTEMPTS:
                return Turn(True, answer={"kind": "give_up"}, school_type=sector)
            return Turn(True, pending={"kind": "retry", "attempts": attempts + 1, "context": pending.get("context")},
                        school_type=sector)
    if pending and pending.get("kind") == "which" and not extraction.mentions:
        picked = _pick_option(text, pending["options"])
        if picked:
            chosen = Location.from_dict(picked["location"])
            return outcome(registry.resolve_location(chosen, sector), pending.get("context"))

    # 3. A place or postcode in the message (the school's, else the home's).
    if extraction.codes and not extraction.mentions:
        return Turn(True, answer={"kind": "codes", "codes": list(extraction.codes)}, school_type=sector)
    if extraction.home is not None:
        context["home"] = extraction.home.text
        context["home_only"] = extraction.school is None
    result = _resolve_mention(extraction, registry, sector)
    if result is not None:
        return outcome(result)

    # 4. No known name: the words after "in"/"bij" ("welk swv hoort bij Leidn"), or a short answer to our
    # question, may still be an attempt at one ("Leidn", "Antwerpen", "xyz").
    attempt = extraction.unknown_place or (
        text if (pending or turn.intent == "inform_location") and 0 < len(norm.split()) <= SHORT_MESSAGE_TOKENS
        else None)
    if attempt and norm not in YES_PHRASES | NO_PHRASES:
        result = registry.resolve(attempt, sector)
        # An unknown word only counts as a failed attempt when the parent was talking to us.
        if not isinstance(result, Unknown) or turn.intent in OWN_INTENTS | {"nlu_fallback", ""}:
            return outcome(result)

    # 5. Only the school type, right after an answer: "en voor de middelbare school?".
    if not turn.form_active and extraction.school_type and turn.last_answer:
        last = Location.from_dict(turn.last_answer)
        return outcome(registry.resolve_location(last, sector))

    if not turn.form_active:
        # The lookup starts without a location: ask for it.
        return Turn(True, pending={"kind": "ask", "context": context}, school_type=sector)
    if pending and turn.intent in OWN_INTENTS:
        # Our intent but nothing usable: ask again (counts as an attempt).
        return outcome(Unknown(text))
    return Turn(False)
