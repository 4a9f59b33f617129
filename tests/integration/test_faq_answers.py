"""Every FAQ answer is reachable: its canonical question (the text a "Bedoelt u…?" button sends)
must get that answer from the trained model, without asking again."""
import pytest

from wegwijs.faq_catalog import load_catalog

pytestmark = pytest.mark.integration


def test_every_canonical_question_gets_its_own_answer(rasa_server):
    wrong = []
    for key, entry in sorted(load_catalog().items()):
        parse = rasa_server.parse(entry.question)
        selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response", {}).get("intent_response_key")
        if parse["intent"]["name"] != "faq" or selected != f"faq/{key}":
            wrong.append(f"{entry.question!r} -> {parse['intent']['name']} / {selected}")
    assert not wrong, "canonical questions answered wrongly or asked again:\n" + "\n".join(wrong)


def test_a_clicked_suggestion_is_answered(rasa_server, sender):
    """The clarification's buttons send a canonical question; the answer must be the FAQ text."""
    entry = load_catalog()["zorgplicht"]
    answer = rasa_server.send(entry.question, sender)
    assert answer and "zorgplicht" in " ".join(m.get("text", "") for m in answer).lower()
