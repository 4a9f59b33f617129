from wegwijs.clarify import ClarifyKind, ClarifyPolicy, clarify, count_previous_misses

QUESTIONS = {"zorgplicht": "Wat is de zorgplicht van de school?", "tlv_wat_is": "Wat is een TLV?", "schorsing": "Mijn kind is geschorst"}
TITLES = {"human_handoff": "Ik wil met een mens praten", "ask_partnership": "Welk samenwerkingsverband?"}


def decide(text="mijn kind school", intents=(), faq=(), misses=0, policy=ClarifyPolicy()):
    return clarify(text, list(intents), list(faq), QUESTIONS, TITLES, misses, policy)


def test_empty_and_whitespace_messages_get_a_prompt():
    assert decide(text="").kind is ClarifyKind.EMPTY
    assert decide(text="   \n").kind is ClarifyKind.EMPTY


def test_second_miss_in_a_row_offers_people():
    intents = [{"name": "faq", "confidence": 0.9}]
    faq = [{"intent_response_key": "faq/zorgplicht", "confidence": 0.5}]
    assert decide(intents=intents, faq=faq, misses=1).kind is ClarifyKind.HANDOFF


def test_close_faq_answers_become_options_best_first():
    intents = [{"name": "nlu_fallback", "confidence": 1.0}, {"name": "faq", "confidence": 0.8}]
    faq = [
        {"intent_response_key": "faq/tlv_wat_is", "confidence": 0.41},
        {"intent_response_key": "faq/zorgplicht", "confidence": 0.39},
        {"intent_response_key": "faq/schorsing", "confidence": 0.05},
    ]
    result = decide(intents=intents, faq=faq)
    assert result.kind is ClarifyKind.OPTIONS
    assert [o.title for o in result.options] == [QUESTIONS["tlv_wat_is"], QUESTIONS["zorgplicht"]]
    # A button sends its question, so the parent sees and the model reads real words.
    assert all(o.payload == o.title for o in result.options)


def test_weak_faq_answers_and_unknown_keys_are_not_offered():
    intents = [{"name": "faq", "confidence": 0.3}]
    faq = [{"intent_response_key": "faq/tlv_wat_is", "confidence": 0.2}, {"intent_response_key": "faq/not_in_catalog", "confidence": 0.7}]
    assert decide(intents=intents, faq=faq).kind is ClarifyKind.REPHRASE


def test_other_intents_with_a_title_are_offered_but_small_talk_is_not():
    intents = [{"name": "greet", "confidence": 0.5}, {"name": "ask_partnership", "confidence": 0.3}, {"name": "chitchat", "confidence": 0.2}]
    result = decide(intents=intents)
    assert [o.title for o in result.options] == [TITLES["ask_partnership"]]


def test_number_of_options_is_capped():
    intents = [{"name": "faq", "confidence": 1.0}, {"name": "human_handoff", "confidence": 0.3}]
    faq = [{"intent_response_key": f"faq/{k}", "confidence": 0.3} for k in QUESTIONS]
    assert len(decide(intents=intents, faq=faq, policy=ClarifyPolicy(max_options=2)).options) == 2


def test_misses_are_counted_until_an_understood_message():
    assert count_previous_misses([]) == 0
    assert count_previous_misses(["nlu_fallback", "faq"]) == 1
    assert count_previous_misses(["something_else", "nlu_fallback", "greet", "nlu_fallback"]) == 2
    assert count_previous_misses(["faq", "nlu_fallback"]) == 0
