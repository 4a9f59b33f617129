"""Scoring of one dev question from what the assistant did, and the summary metrics.

A question is answered right when the parent saw the right answer: the REST reply contains
the expected response text (matched back to its response name through the response
catalogue of domain.yml and data/), or, for keyword lines, one of the keywords. The parse
result (/model/parse: intent, response selector) is recorded next to it: it explains a miss
(wrong intent, wrong answer key, low confidence -> clarification) and judges plain intents
such as `greet`, whose reply text is not unique to the intent.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import numpy as np
import yaml

from bench.harness.devset import DevQuestion, ExpectedKind


def normalise(text: str) -> str:
    """Case-, accent- and whitespace-insensitive form for matching texts and keywords."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", plain).strip()


MIN_SUBSTRING_MATCH = 25  # characters


def _texts(responses: dict[str, Any]) -> dict[str, list[str]]:
    return {
        name: [v["text"] for v in variations or [] if isinstance(v, dict) and isinstance(v.get("text"), str)]
        for name, variations in responses.items()
    }


class ResponseCatalogue:
    """Maps reply texts back to the response names that contain them."""

    def __init__(self, responses: dict[str, list[str]]) -> None:
        self._by_text: dict[str, set[str]] = {}
        for name, texts in responses.items():
            for text in texts:
                self._by_text.setdefault(normalise(text), set()).add(name)
        self.names = frozenset(responses)

    @classmethod
    def from_domain(cls, domain: dict[str, Any]) -> "ResponseCatalogue":
        """From a domain dict, e.g. the running model's (GET /domain), which holds every response."""
        return cls(_texts(domain.get("responses") or {}))

    @classmethod
    def from_project(cls, root: Path) -> "ResponseCatalogue":
        """From domain.yml and data/**.yml: the texts of the next model, when the server's domain is not readable."""
        responses: dict[str, list[str]] = {}
        for path in [root / "domain.yml", *sorted((root / "data").rglob("*.yml"))]:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for name, texts in _texts(content.get("responses") or {}).items():
                responses.setdefault(name, []).extend(texts)
        return cls(responses)

    def with_action_messages(self, messages_dir: Path) -> "ResponseCatalogue":
        """Also recognise fixed texts that custom actions send (resources/messages/<area>.yml),
        named `message:<area>/<key>`, so a miss shows e.g. the "Bedoelt u…?" clarification."""
        extra: dict[str, list[str]] = {}
        for path in sorted(messages_dir.glob("*.yml")):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for key, value in content.items():
                if isinstance(value, str) and "{" not in value:  # templates cannot be matched literally
                    extra[f"message:{path.stem}/{key}"] = [value]
        merged = ResponseCatalogue({})
        merged._by_text = {text: set(names) for text, names in self._by_text.items()}
        for name, texts in extra.items():
            for text in texts:
                merged._by_text.setdefault(normalise(text), set()).add(name)
        merged.names = self.names | frozenset(extra)
        return merged

    def names_in(self, reply_texts: list[str] | tuple[str, ...]) -> set[str]:
        """Response names whose text appears in the reply.

        Rasa's output channels send a text with blank lines as several messages (one per
        paragraph), and an action may add a line; so the messages are joined and searched.
        """
        messages = {normalise(text) for text in reply_texts}
        reply = normalise(" ".join(reply_texts))
        if not reply:
            return set()
        # Short texts ("Ja", "Iets anders") only count as a whole message: as substrings they match anything.
        return {
            name for text, names in self._by_text.items()
            if text and (text in messages or (len(text) >= MIN_SUBSTRING_MATCH and text in reply))
            for name in names
        }


FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class ParseSummary:
    """What /model/parse said. After a fallback ("Bedoelt u…?"), `best_*` is what the model would have chosen."""

    intent: str
    confidence: float
    best_intent: str  # first intent in the ranking that is not the fallback
    best_key: str  # answer key of the best intent's response selector ("" for plain intents)
    best_confidence: float  # confidence of best_key, else of best_intent
    selector_keys: dict[str, str] = field(default_factory=dict)  # retrieval intent -> top answer key

    @classmethod
    def from_parse(cls, parse: dict[str, Any]) -> "ParseSummary":
        intent = parse.get("intent") or {}
        name = intent.get("name") or ""
        ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
        best = ranking[0] if name == FALLBACK_INTENT and ranking else intent
        best_name = best.get("name") or ""
        selectors = parse.get("response_selector") or {}
        keys = {
            retrieval: ((selector or {}).get("response") or {}).get("intent_response_key") or ""
            for retrieval, selector in selectors.items() if retrieval != "all_retrieval_intents"
        }
        best_response = ((selectors.get(best_name) or {}).get("response")) or {}
        best_key = best_response.get("intent_response_key") or ""
        return cls(
            intent=name,
            confidence=float(intent.get("confidence") or 0.0),
            best_intent=best_name,
            best_key=best_key,
            best_confidence=float((best_response.get("confidence") if best_key else best.get("confidence")) or 0.0),
            selector_keys={k: v for k, v in keys.items() if v},
        )

    @property
    def selector_key(self) -> str:
        """Answer key the parent gets from the NLU (none after a fallback)."""
        return "" if self.intent == FALLBACK_INTENT else self.best_key

    @property
    def label(self) -> str:
        best = self.best_key or self.best_intent
        return f"{FALLBACK_INTENT} → {best}" if self.intent == FALLBACK_INTENT else best


@dataclass(frozen=True)
class Outcome:
    question: DevQuestion
    parse: ParseSummary
    reply_texts: tuple[str, ...]
    answered_by: tuple[str, ...]  # response names recognised in the reply
    nlu_correct: Optional[bool]
    answer_correct: Optional[bool]
    latency_ms: float = 0.0
    # The response selector's top answer is the expected one, whatever the intent or fallback did.
    selector_correct: Optional[bool] = None
    # Buttons were offered ("Bedoelt u…?") and one of them leads to the expected answer.
    offered_right_option: Optional[bool] = None
    buttons: tuple[str, ...] = ()

    @property
    def clarified(self) -> Optional[bool]:
        if not self.parse.intent:
            return None  # no parse result
        return self.parse.intent == FALLBACK_INTENT and bool(self.buttons)

    @property
    def correct(self) -> Optional[bool]:
        """Right answer for the parent; None when it cannot be judged (plain intent without /model/parse)."""
        if self.answer_correct is not None:
            return self.answer_correct
        if self.nlu_correct is None:
            return None
        return self.nlu_correct and bool(self.reply_texts)

    @property
    def reason(self) -> str:
        parts = [f"NLU: {self.parse.label} ({self.parse.best_confidence:.2f})"]
        parts.append("antwoord: " + (", ".join(self.answered_by) or ("(onbekende tekst)" if self.reply_texts else "(geen)")))
        return "; ".join(parts)


def score(
    question: DevQuestion, parse: dict[str, Any], replies: list[dict[str, Any]], catalogue: ResponseCatalogue,
    latency_ms: float = 0.0, option_questions: Optional[dict[str, str]] = None,
) -> Outcome:
    """Judge one question. `option_questions` maps an answer key (faq/…) to the question its button sends."""
    summary = ParseSummary.from_parse(parse)
    texts = tuple(r["text"] for r in replies if isinstance(r.get("text"), str))
    buttons = tuple(
        normalise(str(b.get(part) or ""))
        for r in replies for b in (r.get("buttons") or []) for part in ("title", "payload")
    )
    answered = sorted(catalogue.names_in(texts))
    expected = question.expected
    nlu_correct: Optional[bool] = None
    answer_correct: Optional[bool] = None

    parsed = bool(summary.intent)  # False when /model/parse was not available
    if expected.kind is ExpectedKind.INTENT:
        nlu_correct = summary.intent == expected.intent if parsed else None
    elif expected.kind is ExpectedKind.RETRIEVAL:
        nlu_correct = summary.intent == expected.intent and summary.selector_key == expected.key if parsed else None
        response = f"utter_{expected.key}"
        if response in catalogue.names:
            answer_correct = response in answered
    elif expected.kind is ExpectedKind.RETRIEVAL_ANY:
        nlu_correct = summary.intent == expected.intent if parsed else None
        prefix = f"utter_{expected.intent}/"
        if any(name.startswith(prefix) for name in catalogue.names):
            answer_correct = any(name.startswith(prefix) for name in answered)
    else:
        reply = normalise(" ".join(texts))
        answer_correct = any(normalise(word) in reply for word in expected.keywords)

    selector_correct = offered = None
    if expected.kind is ExpectedKind.RETRIEVAL:
        selector_correct = summary.selector_keys.get(expected.intent) == expected.key if parsed else None
        option = (option_questions or {}).get(expected.key)
        if option and buttons:
            offered = normalise(option) in buttons
    return Outcome(question, summary, texts, tuple(answered), nlu_correct, answer_correct, latency_ms,
                   selector_correct, offered, buttons)


@dataclass
class Rate:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    @property
    def value(self) -> Optional[float]:
        return self.right / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        return {"right": self.right, "total": self.total,
                "rate": round(self.value, 4) if self.value is not None else None}


@dataclass
class AccuracySummary:
    overall: Rate = field(default_factory=Rate)
    per_file: dict[str, Rate] = field(default_factory=dict)
    faq: Rate = field(default_factory=Rate)
    out_of_scope_recognised: Rate = field(default_factory=Rate)
    # In-scope questions that got an out-of-scope answer: the costly mistake for a parent.
    in_scope_sent_away: Rate = field(default_factory=Rate)
    nlu: Rate = field(default_factory=Rate)
    selector: Rate = field(default_factory=Rate)
    clarified: Rate = field(default_factory=Rate)
    clarified_with_right_option: Rate = field(default_factory=Rate)
    misses: list[Outcome] = field(default_factory=list)
    not_judged: list[Outcome] = field(default_factory=list)  # plain intents when /model/parse is unavailable

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.as_dict(),
            "per_file": {k: v.as_dict() for k, v in sorted(self.per_file.items())},
            "faq": self.faq.as_dict(),
            "out_of_scope_recognised": self.out_of_scope_recognised.as_dict(),
            "in_scope_sent_away": self.in_scope_sent_away.as_dict(),
            "nlu_parse_correct": self.nlu.as_dict(),
            "selector_top_answer_correct": self.selector.as_dict(),
            "clarified": self.clarified.as_dict(),
            "clarified_with_right_option": self.clarified_with_right_option.as_dict(),
            "not_judged": len(self.not_judged),
            "misses": [
                {"file": o.question.source, "line": o.question.line, "question": o.question.text,
                 "expected": o.question.expected.label, "nlu": o.parse.label,
                 "nlu_confidence": round(o.parse.best_confidence, 3), "answered_by": list(o.answered_by),
                 "reply": " | ".join(o.reply_texts)[:300]}
                for o in self.misses
            ],
        }


def _got_out_of_scope_answer(outcome: Outcome) -> bool:
    """Any out-of-scope answer (the sub-key does not matter for recognition)."""
    if outcome.answered_by:
        return any(name.startswith("utter_out_of_scope/") for name in outcome.answered_by)
    return outcome.parse.intent == "out_of_scope"


def summarise(outcomes: list[Outcome]) -> AccuracySummary:
    summary = AccuracySummary()
    for outcome in outcomes:
        ok = outcome.correct
        expected = outcome.question.expected
        if ok is None:
            summary.not_judged.append(outcome)
            continue
        summary.overall.add(ok)
        summary.per_file.setdefault(outcome.question.source, Rate()).add(ok)
        if expected.intent == "faq":
            summary.faq.add(ok)
        if expected.intent == "out_of_scope":
            summary.out_of_scope_recognised.add(_got_out_of_scope_answer(outcome))
        elif expected.kind is not ExpectedKind.KEYWORDS:
            summary.in_scope_sent_away.add(_got_out_of_scope_answer(outcome))
        if outcome.nlu_correct is not None:
            summary.nlu.add(outcome.nlu_correct)
        if outcome.selector_correct is not None:
            summary.selector.add(outcome.selector_correct)
        if outcome.clarified is not None:
            summary.clarified.add(outcome.clarified)
        if outcome.clarified and outcome.offered_right_option is not None:
            summary.clarified_with_right_option.add(outcome.offered_right_option)
        if not ok:
            summary.misses.append(outcome)
    return summary


def latency_stats(samples_ms: list[float], wall_seconds: float) -> dict[str, Any]:
    """p50/p95/max latency and throughput of one load phase."""
    if not samples_ms:
        return {"requests": 0}
    values = np.asarray(samples_ms, dtype=float)
    return {
        "requests": int(values.size),
        "p50_ms": round(float(np.percentile(values, 50)), 1),
        "p95_ms": round(float(np.percentile(values, 95)), 1),
        "max_ms": round(float(values.max()), 1),
        "mean_ms": round(float(values.mean()), 1),
        "throughput_rps": round(values.size / wall_seconds, 2) if wall_seconds > 0 else None,
        "wall_seconds": round(wall_seconds, 2),
    }
