"""What to say when the assistant is unsure what a parent means.

Pure decision logic behind the `action_clarify` custom action:
- an empty message gets a friendly prompt;
- a message with plausible candidates gets "Bedoelt u…?" with up to `max_options` buttons
  plus "Iets anders";
- a message with no plausible candidate gets a request to rephrase, with examples;
- the second miss in a row gets the people who can help (school, partnership, helplines).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, Mapping, Sequence

# Intents never offered as a "Bedoelt u…?" option: offering "Bedoelt u: hallo?" helps nobody.
NOT_OFFERED = {
    "nlu_fallback", "faq", "chitchat", "out_of_scope", "greet", "goodbye", "affirm", "deny",
    "something_else", "feedback_positive", "feedback_negative", "bot_challenge", "restart_conversation",
}


class ClarifyKind(str, Enum):
    EMPTY = "empty"
    OPTIONS = "options"
    REPHRASE = "rephrase"
    HANDOFF = "handoff"


@dataclass(frozen=True)
class Option:
    title: str
    payload: str
    score: float


@dataclass(frozen=True)
class Clarification:
    kind: ClarifyKind
    options: tuple[Option, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ClarifyPolicy:
    """Thresholds, set in the action and tuned on the dev questions (bench/)."""

    min_intent_confidence: float = 0.15
    min_faq_score: float = 0.1
    max_options: int = 2


def clarify(
    text: str,
    intent_ranking: Sequence[Mapping],
    faq_ranking: Sequence[Mapping],
    faq_questions: Mapping[str, str],
    intent_titles: Mapping[str, str],
    previous_misses: int,
    policy: ClarifyPolicy = ClarifyPolicy(),
) -> Clarification:
    """Decide how to respond to an unclear message.

    intent_ranking: Rasa's `intent_ranking` ({"name", "confidence"}), may include nlu_fallback.
    faq_ranking: Rasa's `response_selector.faq.ranking` ({"intent_response_key", "confidence"}).
    faq_questions: FAQ key (without "faq/") -> canonical question.
    intent_titles: intent name -> question to offer for that intent.
    previous_misses: consecutive unclear turns just before this one.
    """
    if not text or not text.strip():
        return Clarification(ClarifyKind.EMPTY)
    if previous_misses >= 1:
        return Clarification(ClarifyKind.HANDOFF)

    options = _rank_options(intent_ranking, faq_ranking, faq_questions, intent_titles, policy)
    if not options:
        return Clarification(ClarifyKind.REPHRASE)
    return Clarification(ClarifyKind.OPTIONS, tuple(options[: policy.max_options]))


def _rank_options(
    intent_ranking: Sequence[Mapping],
    faq_ranking: Sequence[Mapping],
    faq_questions: Mapping[str, str],
    intent_titles: Mapping[str, str],
    policy: ClarifyPolicy,
) -> list[Option]:
    confidences = {str(i.get("name")): float(i.get("confidence") or 0.0) for i in intent_ranking}
    options: list[Option] = []
    faq_confidence = confidences.get("faq", 0.0)
    if faq_confidence >= policy.min_intent_confidence:
        for candidate in faq_ranking:
            key = str(candidate.get("intent_response_key", "")).split("/", 1)[-1]
            # The FAQ answer is only as likely as the FAQ intent itself.
            score = faq_confidence * float(candidate.get("confidence") or 0.0)
            question = faq_questions.get(key)
            if question and score >= policy.min_faq_score:
                options.append(Option(question, question, score))
    for name, confidence in confidences.items():
        if name in NOT_OFFERED or name not in intent_titles:
            continue
        if confidence >= policy.min_intent_confidence:
            title = intent_titles[name]
            options.append(Option(title, title, confidence))
    options.sort(key=lambda o: o.score, reverse=True)
    return _unique(options)


def _unique(options: Iterable[Option]) -> list[Option]:
    seen: set[str] = set()
    result = []
    for option in options:
        if option.title not in seen:
            seen.add(option.title)
            result.append(option)
    return result


def count_previous_misses(user_intents_newest_first: Iterable[str]) -> int:
    """Consecutive unclear turns before the current one.

    `user_intents_newest_first` are the intents of the parent's earlier messages, newest first,
    not including the current message. A miss is a message the assistant did not understand
    (nlu_fallback) or a click on "Iets anders".
    """
    misses = 0
    for intent in user_intents_newest_first:
        if intent in {"nlu_fallback", "something_else"}:
            misses += 1
        else:
            break
    return misses
