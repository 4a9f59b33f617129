"""Partnership actions with rasa-sdk's real Tracker and CollectingDispatcher, over the real registry.

Each test plays the conversation turn by turn: the slots a turn sets are fed into the next turn's tracker,
as Rasa would do.
"""
from __future__ import annotations

import asyncio
import re
from typing import Any, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.partnership import ActionAskSwvLocation, ActionPartnershipAnswer, ValidatePartnershipForm
from wegwijs.messages import load_messages

SLOTS = ("swv_location", "swv_pending", "swv_school_type", "swv_last_location", "requested_slot")
TEXTS = load_messages("partnership")


def tracker(text: str, intent: str, slots: dict[str, Any], form_active: bool) -> Tracker:
    return Tracker(
        sender_id="test",
        slots={name: slots.get(name) for name in SLOTS},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "partnership_form"} if form_active else {},
        latest_action_name="action_listen",
    )


def run(action, track: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return events, dispatcher.messages


class Conversation:
    """Plays turns like Rasa: validation, then the question (form still open) or the answer."""

    def __init__(self) -> None:
        self.slots: dict[str, Any] = {}
        self.form_active = False

    def say(self, text: str, intent: str = "inform_location") -> Optional[list[dict]]:
        events, messages = run(ValidatePartnershipForm(), tracker(text, intent, self.slots, self.form_active))
        if not events:
            return None  # rejected: the message is about something else
        assert not messages
        self._apply(events)
        if self.slots.get("swv_location") is None:
            self.form_active = True
            _, messages = run(ActionAskSwvLocation(), tracker(text, intent, self.slots, True))
            return messages
        self.form_active = False
        events, messages = run(ActionPartnershipAnswer(), tracker(text, intent, self.slots, False))
        self._apply(events)
        return messages

    def _apply(self, events: list[dict]) -> None:
        for event in events:
            if event["event"] == "slot":
                self.slots[event["name"]] = event["value"]


def texts(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def test_place_in_the_question_is_answered_at_once():
    chat = Conversation()
    reply = texts(chat.say("welk samenwerkingsverband hoort bij Leiden?", "ask_partnership"))
    assert "PO 28-01" in reply and "VO 28-01" in reply  # school type unknown: both sectors
    assert "071 535 1710" in reply  # verified contact of PPO regio Leiden
    assert TEXTS["next_step"] in reply
    assert chat.slots["swv_location"] is None and chat.slots["swv_pending"] is None  # ready for the next lookup


def test_form_asks_only_when_the_place_is_missing():
    chat = Conversation()
    assert texts(chat.say("bij welk samenwerkingsverband hoort de school van mijn kind", "ask_partnership")) == \
        TEXTS["ask_location"]
    reply = texts(chat.say("Sassenheim"))
    assert "PO 28-12" in reply and "VO 28-03" in reply and "Teylingen" in reply


@pytest.mark.parametrize("text, shown, hidden", [
    ("mijn zoon zit in de brugklas in Leiden, welk swv", "VO 28-01", "PO 28-01"),
    ("welk swv voor de basisschool in Leiden", "PO 28-01", "VO 28-01"),
    ("onze dochter van 6 gaat in Leiden naar school, welk swv", "PO 28-01", "VO 28-01"),
])
def test_school_type_picks_the_sector(text, shown, hidden):
    reply = texts(Conversation().say(text, "ask_partnership"))
    assert shown in reply and hidden not in reply


def test_lives_here_school_there_answers_for_the_school_and_says_why():
    reply = texts(Conversation().say("We wonen in Leiden maar de school staat in Katwijk", "ask_partnership"))
    assert "PO 28-12" in reply and "PO 28-01" not in reply
    assert "U woont in Leiden" in reply and "Katwijk" in reply


def test_split_municipality_asks_for_the_postcode_then_answers():
    chat = Conversation()
    question = texts(chat.say("welk swv hoort bij de basisschool in Alphen aan den Rijn", "ask_partnership"))
    assert "postcode" in question and "PO 28-13" in question and "PO 28-14" in question
    reply = texts(chat.say("2391 AB"))  # Hazerswoude-Dorp
    assert "PO 28-13" in reply and "PO 28-14" not in reply


def test_split_municipality_and_dont_know_lists_the_candidates():
    chat = Conversation()
    chat.say("welk swv hoort bij Kaag en Braassem", "ask_partnership")
    reply = texts(chat.say("weet ik niet", "dont_know"))
    assert "PO 28-01" in reply and "PO 28-13" in reply
    assert TEXTS["dont_know_next_step"] in reply


def test_typo_is_confirmed_before_answering():
    chat = Conversation()
    question = chat.say("welk swv hoort bij Leidn", "ask_partnership")
    assert "Leiden" in texts(question) and question[0]["buttons"]
    reply = texts(chat.say("ja", "affirm")) if len(question[0]["buttons"]) == 2 else texts(
        chat.say(next(b["payload"] for b in question[0]["buttons"] if b["title"].startswith("Leiden"))))
    assert "PO 28-01" in reply


def test_typo_denied_then_written_again():
    chat = Conversation()
    chat.say("Utrect")
    assert texts(chat.say("nee", "deny")) == TEXTS["ask_retry"]
    assert "VO 26-01" in texts(chat.say("Utrecht"))


def test_same_name_asks_which_and_the_button_resolves():
    chat = Conversation()
    question = chat.say("welk swv hoort bij Bergen", "ask_partnership")
    titles = [b["title"] for b in question[0]["buttons"]]
    assert any("Noord-Holland" in t for t in titles) and any("Limburg" in t for t in titles)
    limburg = next(b["payload"] for b in question[0]["buttons"] if "Limburg" in b["title"])
    reply = texts(chat.say(limburg))
    assert "PO 31-01" in reply


def test_same_name_answered_by_province_word():
    chat = Conversation()
    chat.say("Bergen")
    assert "PO 27-03" in texts(chat.say("die in Noord-Holland"))


def test_correction_after_an_answer():
    chat = Conversation()
    chat.say("welk swv hoort bij Leiden", "ask_partnership")
    reply = texts(chat.say("nee, ik bedoel Katwijk"))
    assert "PO 28-12" in reply


def test_follow_up_with_only_a_school_type_reuses_the_last_place():
    chat = Conversation()
    chat.say("welk swv hoort bij de basisschool in Katwijk", "ask_partnership")
    reply = texts(chat.say("en voor de middelbare school?", "ask_partnership"))
    assert "VO 28-03" in reply and "PO 28-12" not in reply


@pytest.mark.parametrize("text, key", [("Antwerpen", "ask_again_foreign"), ("0000", "ask_again_invalid_postcode"),
                                       ("99999", "ask_again_invalid_postcode"), ("xqzwv", "ask_again_unknown"),
                                       ("<script>alert(1)</script>", "ask_again_unknown"),
                                       ("'; DROP TABLE x; --", "ask_again_unknown")])
def test_bad_input_gets_a_clear_question(text, key):
    chat = Conversation()
    chat.say("welk swv hoort bij mijn school", "ask_partnership")
    reply = texts(chat.say(text))
    literal = max(re.split(r"\{[^}]*\}", TEXTS[key]), key=len)  # the longest fixed part of the text
    assert literal.strip() in reply
    assert "?" in reply  # always a next step


def test_repeated_failures_end_with_a_next_step():
    chat = Conversation()
    chat.say("welk swv hoort bij mijn school", "ask_partnership")
    for word in ("xqzwv", "plofkip", "brrrrt"):
        reply = chat.say(word)
    assert texts(reply) == TEXTS["give_up"] + "\n" + TEXTS["give_up_next_step"]
    assert not chat.form_active


def test_europoort_gets_a_clear_answer():
    reply = texts(Conversation().say("welk swv hoort bij postcode 3198", "ask_partnership"))
    assert "Europoort" in reply and "samenwerkingsverband" in reply


def test_weak_partnership_shows_no_name():
    reply = texts(Conversation().say("welk swv hoort bij Katwijk voor de middelbare school", "ask_partnership"))
    assert "VO 28-03" in reply and TEXTS["partnership_unverified"] in reply


def test_code_question():
    reply = texts(Conversation().say("wat is PO 28-01", "ask_partnership"))
    assert "PPO regio Leiden" in reply or "regio Leiden" in reply
    assert "Leiderdorp" in reply


def test_another_question_during_the_form_is_left_to_the_assistant():
    chat = Conversation()
    chat.say("welk swv hoort bij mijn school", "ask_partnership")
    assert chat.say("wat is een toelaatbaarheidsverklaring eigenlijk", "faq") is None


@pytest.mark.parametrize("turns", [
    [("welk swv hoort bij Leiden", "ask_partnership")],
    [("We wonen in Leiden maar de school staat in Katwijk", "ask_partnership")],
    [("wij wonen in Utrecht", "inform_location")],
    [("welk swv in Haaren", "ask_partnership")],
    [("wat is PO 28-01", "ask_partnership")],
    [("postcode 3198", "inform_location")],
    [("welk swv hoort bij Amsterdam", "ask_partnership")],
    [("Bergen", "inform_location")],
    [("welk swv", "ask_partnership"), ("Antwerpen", "inform_location")],
    [("welk swv", "ask_partnership"), ("0000", "inform_location")],
    [("Kaag en Braassem", "inform_location"), ("weet ik niet", "dont_know")],
    [("welk swv", "ask_partnership"), ("zzq", "inform_location"), ("qqz", "inform_location"),
     ("xxq", "inform_location")],
])
def test_every_reply_is_plain_dutch(turns):
    from wegwijs.readability import problems

    chat = Conversation()
    for text, intent in turns:
        reply = chat.say(text, intent)
    # The messages of one reply are read together; one block alone ("Telefoon: …") is no prose.
    assert reply and problems(texts(reply)) == [], texts(reply)
    assert " je " not in f" {texts(reply).lower()} "  # the parent is addressed as "u"
