"""Training examples: no near-copies (scripts/check_training_data.py) and its rules."""
from __future__ import annotations

from scripts.check_training_data import Example, dev_copies, dev_questions, near_copies, training_examples


def _examples(*rows: tuple[str, str]) -> list[Example]:
    return [Example(intent, text, "data/x.yml") for intent, text in rows]


def test_training_data_has_no_near_copies_and_no_dev_questions() -> None:
    examples = training_examples()
    assert len(examples) > 1000
    copies = near_copies(examples)
    assert not copies, "\n".join(f"{a.text!r} ~ {b.text!r} ({s})" for a, b, s in copies[:20])
    leaks = dev_copies(examples, dev_questions())
    assert not leaks, "\n".join(f"{q!r} ({src}) ~ {e.text!r}" for q, src, e, _ in leaks[:20])


def test_same_text_up_to_case_and_punctuation_is_a_copy_for_any_intent() -> None:
    found = near_copies(_examples(("greet", "hallo"), ("greet", "Hallo?"), ("affirm", "ja, graag"),
                                  ("chitchat/bedankt", "ja graag")))
    assert {(a.text, b.text) for a, b, _ in found} == {("hallo", "Hallo?"), ("ja, graag", "ja graag")}


def test_short_spelling_variants_and_opposites_are_allowed() -> None:
    assert near_copies(_examples(("greet", "goedemiddag"), ("greet", "goeiemiddag"),
                                 ("feedback_positive", "dit was een goed antwoord"),
                                 ("feedback_negative", "dit was geen goed antwoord"))) == []


def test_long_examples_of_one_intent_that_differ_in_one_word_are_copies() -> None:
    found = near_copies(_examples(("faq/tlv", "wat is een toelaatbaarheidsverklaring precies"),
                                  ("faq/tlv", "wat is een toelaatbaarheidsverklaring precies?!"),
                                  ("faq/tlv", "wat is een toelaatbaarheidsverklaring eigenlijk"),
                                  ("faq/tlv", "hoe vraag ik een tlv aan bij het swv")))
    assert [(a.text, b.text) for a, b, _ in found][0] == (
        "wat is een toelaatbaarheidsverklaring precies", "wat is een toelaatbaarheidsverklaring precies?!")
    assert all("hoe vraag" not in a.text + b.text for a, b, _ in found)


def test_a_dev_question_close_to_a_training_example_is_reported() -> None:
    examples = _examples(("faq/tlv", "wat is een tlv precies"), ("greet", "hallo"))
    leaks = dev_copies(examples, [("Wat is een TLV precies?", "d.tsv"), ("hoe lang duurt een tlv", "d.tsv")])
    assert [(q, e.text) for q, _, e, _ in leaks] == [("Wat is een TLV precies?", "wat is een tlv precies")]
