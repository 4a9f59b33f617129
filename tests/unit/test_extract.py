"""Extraction of the school's place/postcode, the home place and the school type from parent messages."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wegwijs.extract import extract, school_type
from wegwijs.text import normalize

LABELLED = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "bench" / "data" / "partnership_sentences.yml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", LABELLED, ids=[c["text"][:40] for c in LABELLED])
def test_labelled_parent_sentences(case):
    result = extract(case["text"])
    assert [normalize(m.text) for m in result.mentions] == [normalize(str(p)) for p in case["places"]]
    expected_lookup = normalize(str(case["school"])) if case["school"] else None
    assert (normalize(result.lookup.text) if result.lookup else None) == expected_lookup
    assert result.school_type == case["type"]


def test_lives_here_school_there():
    result = extract("We wonen in Leiden maar de school staat in Katwijk")
    assert result.home.key == "leiden" and result.school.key == "katwijk"
    reverse = extract("De school is in Katwijk, wij wonen zelf in Leiden")
    assert reverse.home.key == "leiden" and reverse.school.key == "katwijk"


def test_a_name_with_en_is_not_split_into_clauses():
    result = extract("wij wonen in Kaag en Braassem")
    assert [m.key for m in result.mentions] == ["kaag en braassem"]
    assert result.home is not None


@pytest.mark.parametrize("text, key", [("2312AB", "2312 AB"), ("postcode 2312 ab", "2312 AB"), ("2312", "2312"),
                                       ("postcode 2019", "2019")])
def test_postcodes(text, key):
    assert [m.key for m in extract(text).mentions] == [key]


def test_a_year_is_not_a_postcode():
    assert extract("sinds 2019 zit hij thuis").mentions == ()


@pytest.mark.parametrize("text", ["0000", "postcode 99999", "0123 AB"])
def test_impossible_postcodes_are_reported(text):
    result = extract(text)
    assert result.mentions == () and result.invalid_postcode


@pytest.mark.parametrize("text, codes", [("wat is PO 28-01", ("PO2801",)), ("swv 28.03 vo", ("VO2803",)),
                                         ("welke gemeenten horen bij swv 2801", ("PO2801", "VO2801"))])
def test_codes_are_found_and_are_not_postcodes(text, codes):
    result = extract(text)
    assert result.codes == codes
    assert not any(m.kind == "postcode" for m in result.mentions)


@pytest.mark.parametrize("text, expected", [
    ("hij zit in groep 8", "PO"), ("ze gaat naar de basisschool", "PO"), ("hij zit op het sbo", "PO"),
    ("speciaal onderwijs", "PO"), ("mijn kind is 9 jaar", "PO"), ("een kleuter", "PO"),
    ("brugklas", "VO"), ("ze zit op de middelbare school", "VO"), ("vso", "VO"), ("voortgezet speciaal onderwijs", "VO"),
    ("praktijkonderwijs", "VO"), ("havo 3", "VO"), ("mijn dochter is vijftien jaar", "VO"), ("zoon van 16", "VO"),
    ("van groep 8 naar de brugklas", None), ("mijn kind is 12", None), ("welk swv", None), ("PO 28-01", None),
])
def test_school_type_from_parents_words(text, expected):
    assert school_type(text) == expected


@pytest.mark.parametrize("text", ["<script>alert('Leiden')</script>" * 40, "'; DROP TABLE x; --", "🙂" * 300])
def test_odd_input_does_not_break_extraction(text):
    result = extract(text)
    assert len(result.mentions) <= 40


@pytest.mark.parametrize("text, keys", [
    # Article, pronoun or adverb right after "bij", "in", "naar": not the villages Een, Hem, Heel, Best.
    ("Welk samenwerkingsverband hoort bij een school in Katwijk?", ["katwijk"]),
    ("mijn dochter gaat naar een basisschool in gouda", ["gouda"]),
    ("bij hem op school in Leiden is er geen plek", ["leiden"]),
    ("is er in heel de regio Utrecht een so-school", ["utrecht"]),
    # Written as a place (a capital inside the sentence), or the whole answer, they are places.
    ("de school staat in Een", ["een"]),
    ("de school is in Heel", ["heel"]),
    ("Best", ["best"]),
])
def test_function_words_after_a_place_word_are_not_places(text, keys):
    result = extract(text)
    assert [m.key for m in result.mentions] == keys
    assert result.lookup is not None and result.lookup.key == keys[-1]
