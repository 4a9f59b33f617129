"""Partnership lookup actions (issue 4). Thin: the decisions are in wegwijs.lookup_dialog, the texts in
wegwijs.lookup_answer, the data in wegwijs.registry.

- validate_partnership_form: reads the parent's message and fills `swv_location` (the finished answer) or
  `swv_pending` (the open question); returns nothing when the message is about something else, so the
  assistant answers that question instead.
- action_ask_swv_location: asks the open question (postcode, which one, did you mean, where is the school).
- action_partnership_answer: sends the answer and clears the lookup slots for the next one.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from wegwijs.lookup_answer import Reply, answer_replies, question_reply
from wegwijs.lookup_dialog import TurnInput, decide

FORM = "partnership_form"
LOCATION = "swv_location"
PENDING = "swv_pending"
SCHOOL_TYPE = "swv_school_type"
LAST = "swv_last_location"


def _send(dispatcher: CollectingDispatcher, replies: List[Reply]) -> None:
    for reply in replies:
        buttons = [{"title": title, "payload": payload} for title, payload in reply.buttons]
        dispatcher.utter_message(text=reply.text, buttons=buttons or None)


def _sector(tracker: Tracker) -> Optional[str]:
    value = tracker.get_slot(SCHOOL_TYPE)
    return value if value in ("PO", "VO") else None


class ValidatePartnershipForm(FormValidationAction):
    def name(self) -> Text:
        return f"validate_{FORM}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        latest = tracker.latest_message or {}
        turn = decide(TurnInput(
            text=latest.get("text") or "",
            intent=(latest.get("intent") or {}).get("name") or "",
            form_active=tracker.active_loop_name == FORM,
            pending=tracker.get_slot(PENDING),
            school_type=_sector(tracker),
            last_answer=tracker.get_slot(LAST),
        ))
        if not turn.handled:
            return []  # not about the lookup: the form is rejected and another answer is chosen
        return [
            SlotSet(SCHOOL_TYPE, turn.school_type),
            SlotSet(PENDING, turn.pending),
            SlotSet(LOCATION, turn.answer),
        ]


class ActionAskSwvLocation(Action):
    def name(self) -> Text:
        return "action_ask_swv_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        _send(dispatcher, [question_reply(tracker.get_slot(PENDING))])
        return []


class ActionPartnershipAnswer(Action):
    def name(self) -> Text:
        return "action_partnership_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        answer = tracker.get_slot(LOCATION)
        if not answer:
            _send(dispatcher, [question_reply(None)])
            return []
        _send(dispatcher, answer_replies(answer, _sector(tracker)))
        last = answer.get("location") if answer.get("kind") == "location" else tracker.get_slot(LAST)
        # Clear the lookup so that the next question starts fresh (a correction, another child).
        return [SlotSet(LOCATION, None), SlotSet(PENDING, None), SlotSet(LAST, last)]
