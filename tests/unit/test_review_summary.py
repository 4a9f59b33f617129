"""Folding tracker events into the review summary (pure, no database)."""
from review.summary import Summary, fold, partnership_code, summarize


def user(text, intent, confidence, key=None):
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}}
    if key:
        parse["response_selector"] = {intent: {"response": {"intent_response_key": key}}}
    return {"event": "user", "text": text, "parse_data": parse}


def test_flags_counts_and_text() -> None:
    rows = [
        (1, 100.0, {"event": "action", "name": "action_session_start"}),
        (2, 101.0, user("/greet", "greet", 1.0)),
        (3, 102.0, user("Wat is de zorgplicht?", "faq", 0.8, "faq/zorgplicht")),
        (4, 103.0, {"event": "bot", "text": "De school moet zoeken."}),
        (5, 104.0, user("blokfluit", "nlu_fallback", 0.3)),
        (6, 105.0, user("/feedback_negative", "feedback_negative", 1.0)),
        (7, 106.0, user("Ik wil een mens", "human_handoff", 0.9)),
        (8, 107.0, {"event": "slot", "name": "partnership_code", "value": "PO 28-01"}),
        (9, 108.0, {"event": "slot", "name": "school_place", "value": "Leiden"}),
    ]
    s = summarize("abc", rows)
    assert (s.first_ts, s.last_ts, s.last_event_id, s.n_events) == (100.0, 108.0, 9, 9)
    assert (s.n_user, s.n_fallback, s.n_feedback_neg, s.n_handoff, s.n_lookups) == (5, 1, 1, 1, 1)
    assert s.min_confidence == 0.3  # feedback clicks do not count as low confidence
    # The button payload is not the first question; texts are searchable in lower case.
    assert s.first_text == "Wat is de zorgplicht?"
    assert "wat is de zorgplicht?" in s.search_text and "/greet" not in s.search_text
    assert s.intents["faq/zorgplicht"] == 1 and s.intents["faq"] == 1
    assert s.lookups == {"PO2801": 1}


def test_folding_in_two_steps_equals_folding_at_once() -> None:
    rows = [(i, 100.0 + i, user(f"vraag {i}", "faq", 0.5 + i / 100, f"faq/t{i % 3}")) for i in range(1, 12)]
    at_once = summarize("x", rows)
    stepwise = Summary("x")
    for row in rows[:5]:
        fold(stepwise, *row)
    for row in rows[5:]:
        fold(stepwise, *row)
    assert stepwise == at_once


def test_partnership_code_spellings() -> None:
    for written in ("PO2801", "po 28-01", "PO 28.01", "SWV 28.01 PO", " VO2803 "):
        assert partnership_code(written) in ("PO2801", "VO2803")
    assert partnership_code("Leiden") is None and partnership_code(2312) is None and partnership_code("PO28") is None
