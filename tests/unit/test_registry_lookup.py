"""How the registry answers the names, spellings and bad input parents actually type."""
from __future__ import annotations

import pytest

from wegwijs.registry import (
    Ambiguous,
    DidYouMean,
    Europoort,
    Foreign,
    InvalidPostcode,
    NeedsPostcode,
    Resolved,
    Unknown,
    UnknownPostcode,
    get_registry,
)
from wegwijs.text import normalize


@pytest.fixture(scope="module")
def registry():
    return get_registry()


@pytest.mark.parametrize(
    "query, po, vo",
    [
        ("Leiden", "PO2801", "VO2801"),
        ("Sassenheim", "PO2812", "VO2803"),  # village of Teylingen (Duin- en Bollenstreek)
        ("Rijnsburg", "PO2812", "VO2803"),  # village of Katwijk
        ("Katwijk", "PO2812", "VO2803"),
        ("Noordwijkerhout", "PO2812", "VO2803"),  # 2015 municipality, now Noordwijk
    ],
)
def test_places_in_the_seed_region(registry, query, po, vo):
    result = registry.resolve(query)
    assert isinstance(result, Resolved)
    assert (result.location.po, result.location.vo) == ((po,), (vo,))


@pytest.mark.parametrize("query, official", [("Den Haag", "'s-Gravenhage"), ("den bosch", "'s-Hertogenbosch"),
                                             ("s-Hertogenbosch", "'s-Hertogenbosch"), ("DEN HAAG", "'s-Gravenhage")])
def test_aliases(registry, query, official):
    result = registry.resolve(query)
    assert isinstance(result, Resolved) and result.location.name == official


@pytest.mark.parametrize("query", ["Bussum", "Weesp", "Noordwijkerhout", "Haarlemmerliede en Spaarnwoude"])
def test_former_municipalities_resolve_to_their_own_area(registry, query):
    result = registry.resolve(query)
    assert isinstance(result, Resolved)
    assert result.location.kind == "former_municipality"
    assert query not in result.location.gemeenten  # today it is part of another municipality


def test_weesp_differs_from_the_rest_of_amsterdam(registry):
    weesp = registry.resolve("Weesp")
    amsterdam = registry.resolve("Amsterdam")
    assert isinstance(amsterdam, NeedsPostcode)
    assert set(weesp.location.po) < set(amsterdam.location.po)


@pytest.mark.parametrize("query", ["Sudwest Fryslan", "súdwest-fryslân", "1e Exloërmond", "2e Exloermond",
                                   "SASSENHEIM", "  leiden  "])
def test_accents_case_and_spacing_do_not_matter(registry, query):
    assert isinstance(registry.resolve(query), (Resolved, NeedsPostcode))


@pytest.mark.parametrize("query, expected", [("Sassenhiem", "Sassenheim"), ("Leiderdrop", "Leiderdorp"),
                                             ("Zoetermer", "Zoetermeer")])
def test_a_single_typo_in_a_long_name_is_corrected_and_flagged(registry, query, expected):
    result = registry.resolve(query)
    assert isinstance(result, Resolved)
    assert result.location.label == expected
    assert result.corrected_from == query


@pytest.mark.parametrize("query, expected", [("Leidn", "Leiden"), ("Utrect", "Utrecht"), ("Asen", "Assen")])
def test_unsure_typos_ask_for_confirmation(registry, query, expected):
    result = registry.resolve(query)
    assert isinstance(result, DidYouMean)
    assert expected in [s.label for s in result.suggestions]


@pytest.mark.parametrize("query, provinces", [("Bergen", {"Noord-Holland", "Limburg"}),
                                              ("Laren", {"Noord-Holland", "Gelderland"}),
                                              ("Zevenhuizen", {"Groningen", "Zuid-Holland"})])
def test_same_name_in_two_places_asks_which(registry, query, provinces):
    result = registry.resolve(query)
    assert isinstance(result, Ambiguous)
    assert {o.province for o in result.options} == provinces


@pytest.mark.parametrize("query, province", [("Bergen NH", "Noord-Holland"), ("Bergen (L.)", "Limburg"),
                                             ("Bergen Limburg", "Limburg"), ("Hengelo (Gld)", "Gelderland"),
                                             ("Hengelo Overijssel", "Overijssel")])
def test_the_answer_to_which_one_resolves(registry, query, province):
    result = registry.resolve(query)
    assert isinstance(result, Resolved) and result.location.province == province


@pytest.mark.parametrize("query, province", [("Katwijk", "Zuid-Holland"), ("Hengelo", "Overijssel")])
def test_a_municipality_wins_over_a_village_whose_official_name_has_a_suffix(registry, query, province):
    # "Katwijk NB" and "Hengelo (Gld)" carry the suffix; the plain name is the municipality.
    result = registry.resolve(query)
    assert isinstance(result, Resolved) and result.location.kind == "municipality"
    assert result.location.province == province


def test_split_municipality_names_the_parts(registry):
    result = registry.resolve("Alphen aan den Rijn")
    assert isinstance(result, NeedsPostcode) and result.sectors == ("PO",)
    assert "Boskoop" in result.options["PO2814"]
    # With the school type known and only the other sector split, the name is enough.
    assert isinstance(registry.resolve("Alphen aan den Rijn", "VO"), Resolved)


@pytest.mark.parametrize("query", ["3197", "3198 AA", "3199", "Maasvlakte", "Botlek"])
def test_europoort_has_no_partnership(registry, query):
    assert isinstance(registry.resolve(query), Europoort)


@pytest.mark.parametrize("query, kind", [
    ("0000", InvalidPostcode), ("0123 AB", InvalidPostcode), ("99999", InvalidPostcode), ("12345", InvalidPostcode),
    ("1000", UnknownPostcode),  # PO boxes: not in the regulation
    ("Antwerpen", Foreign), ("Aken", Foreign), ("Brussel", Foreign),
    ("qwertyuiop", Unknown), ("'; DROP TABLE gemeenten; --", Unknown), ("<script>alert(1)</script>", Unknown),
    ("", Unknown), ("x" * 500, Unknown),
])
def test_bad_input_gets_a_clear_result(registry, query, kind):
    assert isinstance(registry.resolve(query), kind)


def test_postcode_newer_than_the_regulation_is_derived_through_its_place(registry):
    result = registry.resolve("1384")  # Weesp postcode not in the 2015 annex
    assert isinstance(result, Resolved) and result.location.derived
    assert result.location.po == registry.resolve("Weesp").location.po


@pytest.mark.parametrize("text, allow_bare, expected", [
    ("PO 28-01", False, ("PO2801",)), ("po2801", False, ("PO2801",)), ("SWV 28.01 PO", False, ("PO2801",)),
    ("VO 28.03", False, ("VO2803",)), ("28-01", False, ("PO2801", "VO2801")), ("2801", False, ()),
    ("2801", True, ("PO2801", "VO2801")), ("PO 99-99", False, ()),
])
def test_partnership_codes_in_the_forms_parents_meet(registry, text, allow_bare, expected):
    assert registry.parse_codes(text, allow_bare=allow_bare) == expected


def test_verified_partnership_shows_contact_from_the_seed(registry):
    ppo = registry.partnership("PO2801")
    assert ppo.verified and ppo.phone == "071 535 1710" and ppo.email == "info@pporegioleiden.nl"
    assert "Leiden" in ppo.municipalities and "Kaag en Braassem" in ppo.municipalities


@pytest.mark.parametrize("raw, key", [("'s-Hertogenbosch", "s hertogenbosch"), ("Súdwest-Fryslân", "sudwest fryslan"),
                                      ("St. Michielsgestel", "sint michielsgestel"), ("Bergen (NH.)", "bergen nh")])
def test_normalize(raw, key):
    assert normalize(raw) == key
