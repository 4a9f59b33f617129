"""Core custom actions: clarification when the assistant is unsure."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from wegwijs.clarify import ClarifyKind, clarify, count_previous_misses
from wegwijs.faq_catalog import load_catalog
from wegwijs.messages import load_messages


def _earlier_user_intents(tracker: Tracker) -> List[str]:
    """Intents of the parent's earlier messages in this session, newest first (current excluded)."""
    intents = []
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        if event.get("event") == "user":
            intents.append(((event.get("parse_data") or {}).get("intent") or {}).get("name") or "")
    return intents[1:]


class ActionClarify(Action):
    """Answers `nlu_fallback`: "Bedoelt u…?" options, a rephrase request, or people to contact."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        texts = load_messages("core")
        latest = tracker.latest_message or {}
        faq_ranking = ((latest.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
        decision = clarify(
            text=latest.get("text") or "",
            intent_ranking=latest.get("intent_ranking") or [],
            faq_ranking=faq_ranking,
            faq_questions={key: entry.question for key, entry in load_catalog().items()},
            intent_titles=texts["intent_titles"],
            previous_misses=count_previous_misses(_earlier_user_intents(tracker)),
        )
        if decision.kind is ClarifyKind.EMPTY:
            dispatcher.utter_message(text=texts["clarify_empty"])
        elif decision.kind is ClarifyKind.HANDOFF:
            dispatcher.utter_message(text=texts["clarify_handoff_intro"])
            dispatcher.utter_message(response="utter_handoff")
        elif decision.kind is ClarifyKind.REPHRASE:
            dispatcher.utter_message(text=texts["clarify_rephrase"])
        else:
            buttons = [{"title": o.title, "payload": o.payload} for o in decision.options]
            buttons.append({"title": texts["clarify_something_else"], "payload": "/something_else"})
            dispatcher.utter_message(text=texts["clarify_options"], buttons=buttons)
        return []
