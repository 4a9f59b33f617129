"""Readability: the measuring module itself, then every response text of the assistant.

The second half loads every response (domain.yml and all `responses:` under data/) and checks
the B1 rules of docs/trainers.md. A failing case names the response and the broken rule.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wegwijs import readability as rd

ROOT = Path(__file__).resolve().parents[2]


# --- the module -------------------------------------------------------------------------

GOOD_ANSWER = (
    "De school moet binnen 6 weken beslissen of uw kind wordt toegelaten. "
    "Dat mag één keer 4 weken langer duren. "
    "Hoort u niets, vraag dan de school om een antwoord.\n\n"
    "Meer weten: https://www.oudersonderwijs.nl/aanmelden/"
)


def test_good_b1_answer_has_no_problems() -> None:
    assert rd.problems(GOOD_ANSWER, is_faq_answer=True) == []


def test_more_info_paragraph_urls_mail_and_phone_are_not_prose() -> None:
    text = (
        "Bel Ouders & Onderwijs op 0800-5010 of mail vraag@oudersonderwijs.nl. "
        "Kijk ook op www.onderwijsconsulenten.nl voor hulp.\n\nMeer weten: https://example.org/a-b-c"
    )
    body = rd.prose(text)
    assert "0800" not in body and "@" not in body and "www" not in body and "Meer weten" not in body
    assert rd.analyse(text).sentence_count == 2


def test_dutch_abbreviations_do_not_end_a_sentence() -> None:
    text = "Denk aan hulp in de klas, bijv. een rustige plek. Vraag o.a. de mentor om advies. Dat kan z.s.m."
    assert rd.split_sentences(text) == [
        "Denk aan hulp in de klas, bijv. een rustige plek.",
        "Vraag o.a. de mentor om advies.",
        "Dat kan z.s.m.",
    ]


def test_question_marks_exclamations_and_lines_end_sentences() -> None:
    text = "Wat kunt u doen? Praat met de school!\n1. De leerkracht\n2. De intern begeleider"
    assert rd.split_sentences(rd.prose(text)) == [
        "Wat kunt u doen?",
        "Praat met de school!",
        "De leerkracht",
        "De intern begeleider",
    ]


def test_sentence_count_outside_two_to_five_fails_for_faq_answers() -> None:
    one = "Vraag de school om een gesprek."
    six = " ".join(["Dit is een korte zin."] * 6)
    assert any("zinnen" in p for p in rd.problems(one, is_faq_answer=True))
    assert any("zinnen" in p for p in rd.problems(six, is_faq_answer=True))
    # Other responses (greetings, short confirmations) may have one sentence.
    assert rd.problems(one) == []


def test_long_sentence_and_long_average_fail() -> None:
    long_sentence = (
        "Als de school van uw kind na een gesprek met de leerkracht en de intern begeleider nog steeds "
        "geen goede oplossing heeft gevonden voor de problemen in de klas, kunt u daarna zelf contact "
        "opnemen met het samenwerkingsverband in uw regio."
    )
    issues = rd.problems(long_sentence + " Doe dat snel.")
    assert any(p.startswith("zin van") for p in issues)
    assert any(p.startswith("gemiddeld") for p in issues)


def test_domain_terms_are_not_long_words_but_other_long_words_are() -> None:
    assert not rd.is_long_word("toelaatbaarheidsverklaring")
    assert not rd.is_long_word("Samenwerkingsverbanden")
    assert not rd.is_long_word("TLV")
    assert rd.is_long_word("verantwoordelijkheidsgevoel")
    assert rd.is_long_word("geïnformeerd") is (rd.syllables("geïnformeerd") >= 4)
    assert not rd.is_long_word("school")


def test_text_full_of_hard_words_fails_long_word_share_and_flesch_douma() -> None:
    hard = (
        "Onderwijskundige implementatiestrategieën vereisen multidisciplinaire afstemming. "
        "Beleidsmatige verantwoordelijkheidsverdeling bemoeilijkt interinstitutionele samenwerking."
    )
    issues = rd.problems(hard)
    assert any("lange woorden" in p for p in issues)
    assert any("Flesch-Douma" in p for p in issues)
    assert rd.analyse(hard).flesch_douma < rd.analyse(GOOD_ANSWER).flesch_douma


def test_informal_address_is_found_but_not_inside_other_words() -> None:
    assert rd.analyse("Heb je al met jouw mentor gepraat?").informal_pronouns == ["je", "jouw"]
    assert rd.analyse("Jeugdhulp is gratis. Uw kind krijgt jeugdzorg.").informal_pronouns == []


def test_skipped_rules_are_not_reported_and_unknown_rules_are_refused() -> None:
    text = "Heb je zes weken?"
    assert len(rd.problems(text)) == 2
    assert rd.problems(text, skip=frozenset({"informal", "numbers"})) == []
    with pytest.raises(ValueError):
        rd.problems(text, skip=frozenset({"no_such_rule"}))


def test_spelled_numbers_before_a_unit_are_found() -> None:
    assert rd.analyse("U heeft zes weken en daarna nog vier weken.").spelled_numbers == ["zes weken", "vier weken"]
    assert rd.analyse("U heeft 6 weken. Twee scholen of een paar dagen.").spelled_numbers == ["Twee scholen"]
    assert rd.analyse("Een week is kort.").spelled_numbers == []


def test_syllables_come_from_the_dutch_dictionary() -> None:
    assert rd.syllables("school") == 1
    assert rd.syllables("leerkracht") == 2
    assert rd.syllables("toelaatbaarheidsverklaring") == 7


# --- every response text ----------------------------------------------------------------

def _response_files() -> list[Path]:
    return [ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml"))]


def _responses() -> list[tuple[str, str, str]]:
    """(file, response name, text) for every text variation of every response."""
    found = []
    for path in _response_files():
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (content.get("responses") or {}).items():
            for variation in variations or []:
                if isinstance(variation, dict) and isinstance(variation.get("text"), str):
                    found.append((str(path.relative_to(ROOT)), name, variation["text"]))
    return found


RESPONSES = _responses()

# Responses where a rule does not apply, with the reason. Keep this list short.
EXEMPT_RULES: dict[str, frozenset[str]] = {
    # Says "I only speak Dutch" in several languages; French "Je parle" is not informal Dutch.
    "utter_out_of_scope/andere_taal": frozenset({"informal", "long_words", "flesch_douma"}),
}


def test_response_texts_are_found() -> None:
    # Guards the loader: domain.yml always has core responses.
    assert any(name == "utter_greet" for _, name, _ in RESPONSES)


@pytest.mark.parametrize(
    ("path", "name", "text"), RESPONSES, ids=[f"{name}@{path}" for path, name, _ in RESPONSES]
)
def test_response_is_b1_dutch(path: str, name: str, text: str) -> None:
    issues = rd.problems(
        text, is_faq_answer=name.startswith("utter_faq/"), skip=EXEMPT_RULES.get(name, frozenset())
    )
    assert not issues, f"{name} ({path}): " + "; ".join(issues)
