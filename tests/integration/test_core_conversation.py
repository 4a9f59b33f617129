"""The first conversation and bad input, against a real Rasa server, model and action server."""
import json
from pathlib import Path

import pytest
import requests
import yaml

pytestmark = pytest.mark.integration


ROOT = Path(__file__).resolve().parents[2]


def response_texts(name):
    """The answer variants written for a response in data/ (the source of truth)."""
    for path in (ROOT / "data").rglob("*.yml"):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        if name in responses:
            return [variant["text"] for variant in responses[name]]
    raise KeyError(name)


def texts(messages):
    return " ".join(m.get("text", "") for m in messages)


def test_hallo_gets_a_dutch_greeting_with_next_steps(rasa_server, sender):
    answer = rasa_server.send("Hallo", sender)
    assert answer, "no answer to Hallo"
    assert "passend onderwijs" in texts(answer).lower()
    assert answer[0].get("buttons"), "the greeting offers buttons as a next step"


def test_what_is_passend_onderwijs_gets_the_faq_answer(rasa_server, sender):
    parse = rasa_server.parse("Wat is passend onderwijs?")
    assert parse["intent"]["name"] == "faq"
    assert parse["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/passend_onderwijs"
    # Rasa's output channels send each paragraph ("\n\n") as its own message.
    answer = "\n\n".join(m["text"] for m in rasa_server.send("Wat is passend onderwijs?", sender))
    assert answer in response_texts("utter_faq/passend_onderwijs")


@pytest.mark.parametrize("message", ["", "   ", "😀😀😀🙈", "asdkjh qwpoeiru zxmcnv", "a" * 10_000,
                                     "Hello, can you help me with my son's school?"])
def test_odd_messages_get_a_polite_answer_never_silence(rasa_server, sender, message):
    answer = rasa_server.send(message, sender)
    assert answer and texts(answer).strip(), f"no answer to {message[:30]!r}"


def test_english_gets_an_english_pointer_to_the_helpline(rasa_server, sender):
    answer = texts(rasa_server.send("Hello, do you speak English? My daughter needs help at school.", sender))
    assert "Dutch" in answer and "0800-5010" in answer


def test_handoff_always_gives_contacts(rasa_server, sender):
    answer = texts(rasa_server.send("Ik wil een medewerker spreken", sender))
    assert "0800-5010" in answer and "school" in answer.lower()


def test_second_miss_in_a_row_offers_people_who_can_help(rasa_server, sender):
    first = rasa_server.send("/nlu_fallback", sender)
    assert first and "0800-5010" not in texts(first)
    second = texts(rasa_server.send("/nlu_fallback", sender))
    assert "0800-5010" in second


@pytest.mark.parametrize(
    "body, status",
    [(b"[]", 400), (b"{not json", 400), (b'"hallo"', 400), (b'{"sender": "x"}', 400),
     (json.dumps({"sender": "x", "message": "a" * 20_001}).encode(), 413)],
)
def test_malformed_rest_requests_get_4xx_and_the_server_keeps_serving(rasa_server, sender, body, status):
    response = requests.post(f"{rasa_server.url}/webhooks/rest/webhook", data=body,
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == status
    assert "error" in response.json()
    assert rasa_server.send("Hallo", sender), "server stopped answering after a bad request"


def test_conversation_is_stored_in_the_sqlite_tracker_store(rasa_server, sender):
    rasa_server.send("Wat is zorgplicht?", sender)
    events = rasa_server.tracker(sender)["events"]
    assert any(e["event"] == "user" and e["text"] == "Wat is zorgplicht?" for e in events)
    assert rasa_server.tracker_db.exists()
