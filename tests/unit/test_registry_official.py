"""The registry against the whole official table (resources/official/), read here independently."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from wegwijs.registry import Ambiguous, Europoort, NeedsPostcode, Resolved, get_registry

OFFICIAL = Path(__file__).resolve().parents[2] / "resources" / "official"


def rows(name: str) -> list[dict[str, str]]:
    with (OFFICIAL / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


REGIO = rows("regio-indeling-2015.csv")
TO_CURRENT = rows("gemeenten-2015-naar-huidig.csv")
CURRENT = rows("gemeenten-huidig.csv")
PLACES = rows("woonplaatsen.csv")

CODES_2015: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"PO": set(), "VO": set()})
for _row in REGIO:
    if _row["po_swv"] != "Europoort":
        CODES_2015[_row["gemeente_2015"]]["PO"].add(_row["po_swv"])
        CODES_2015[_row["gemeente_2015"]]["VO"].add(_row["vo_swv"])
PC4_CODES = {row["pc4"]: (row["po_swv"], row["vo_swv"]) for row in REGIO}


@pytest.fixture(scope="module")
def registry():
    return get_registry()


def locations_of(result) -> list:
    if isinstance(result, (Resolved, NeedsPostcode)):
        return [result.location]
    if isinstance(result, Ambiguous):
        return list(result.options)
    return []


def test_every_pc4_resolves_to_its_po_and_vo_code(registry):
    wrong = []
    for row in REGIO:
        for query in (row["pc4"], f"{row['pc4']} AB", f"{row['pc4']}ab"):
            result = registry.resolve(query)
            if row["po_swv"] == "Europoort":
                ok = isinstance(result, Europoort)
            else:
                ok = isinstance(result, Resolved) and (result.location.po, result.location.vo) == (
                    (row["po_swv"],), (row["vo_swv"],))
            if not ok:
                wrong.append((query, result))
    assert not wrong, wrong[:5]
    assert len(REGIO) == 4046


def test_every_current_municipality_resolves(registry):
    wrong = []
    for row in CURRENT:
        for query in {row["name"], row["name_without_cbs_suffix"]}:
            matches = [loc for loc in locations_of(registry.resolve(query))
                       if loc.kind == "municipality" and loc.name == row["name"]]
            if not matches:
                wrong.append(query)
    assert not wrong, wrong
    assert len(CURRENT) == 342


def test_unsplit_current_municipalities_get_the_codes_of_their_2015_areas(registry):
    predecessors: dict[str, list[str]] = defaultdict(list)
    has_split_predecessor: set[str] = set()
    for row in TO_CURRENT:
        codes = row["current_code"].split(";")
        for code in codes:
            predecessors[code].append(row["gemeente_2015"])
            if len(codes) > 1:
                has_split_predecessor.add(code)
    checked = 0
    for row in CURRENT:
        expected = {s: set().union(*(CODES_2015[p][s] for p in predecessors[row["code"]])) for s in ("PO", "VO")}
        result = registry.resolve(row["name"])
        location = next(loc for loc in locations_of(result) if loc.name == row["name"])
        got = {"PO": set(location.po), "VO": set(location.vo)}
        if row["code"] in has_split_predecessor:
            # Only part of the split 2015 municipality came here: its codes are a subset.
            assert expected["PO"] >= got["PO"] and expected["VO"] >= got["VO"], row["name"]
            continue
        assert got == expected, row["name"]
        split = len(expected["PO"]) > 1 or len(expected["VO"]) > 1
        assert isinstance(result, NeedsPostcode) == split or isinstance(result, Ambiguous), row["name"]
        checked += 1
    assert checked > 300


def test_every_2015_name_resolves_to_its_own_area(registry):
    wrong = []
    for row in TO_CURRENT:
        name = row["gemeente_2015"]
        locations = locations_of(registry.resolve(name))
        expected = CODES_2015[name]
        # A former municipality keeps exactly its 2015 area; a current name may have grown by mergers.
        if not any(set(loc.po) >= expected["PO"] and set(loc.vo) >= expected["VO"] for loc in locations):
            wrong.append(name)
        former = [loc for loc in locations if loc.kind == "former_municipality"]
        if former and not any((set(loc.po), set(loc.vo)) == (expected["PO"], expected["VO"]) for loc in former):
            wrong.append(name)
    assert not wrong, wrong
    assert len(TO_CURRENT) == 393


@pytest.mark.parametrize("sector", ["PO", "VO"])
def test_every_split_municipality_asks_for_a_postcode(registry, sector):
    split = [name for name, codes in CODES_2015.items() if len(codes[sector]) > 1]
    assert len(split) == {"PO": 12, "VO": 13}[sector]  # as stated in the shared SOURCES.md
    for name in split:
        result = registry.resolve(name, sector)
        assert isinstance(result, NeedsPostcode), (name, result)
        assert set(result.location.codes(sector)) == CODES_2015[name][sector]
        assert sector in result.sectors


def test_every_town_or_village_resolves_in_its_municipality(registry):
    municipality_label = {row["name"]: row["name_without_cbs_suffix"] for row in CURRENT}
    wrong = []
    for row in PLACES:
        result = registry.resolve(row["woonplaats"])
        harbour = [p for p in row["pc4_list"].split(";") if p in PC4_CODES]
        if harbour and all(PC4_CODES[p][0] == "Europoort" for p in harbour):
            if not isinstance(result, Europoort):
                wrong.append((row["woonplaats"], "Europoort"))
            continue
        locations = locations_of(result)
        label = municipality_label[row["gemeente"]].replace(" (", "(").split("(")[0].strip()
        if not any(label in loc.gemeenten or loc.label == label for loc in locations):
            wrong.append((row["woonplaats"], row["gemeente"]))
    assert not wrong, wrong[:10]
    assert len(PLACES) == 2502


def test_a_place_in_one_partnership_gets_exactly_its_codes(registry):
    checked = 0
    for row in PLACES:
        pc4s = [p for p in row["pc4_list"].split(";") if p in PC4_CODES]
        po = {PC4_CODES[p][0] for p in pc4s}
        vo = {PC4_CODES[p][1] for p in pc4s}
        result = registry.resolve(row["woonplaats"])
        if not pc4s or not isinstance(result, Resolved) or result.location.kind != "place":
            continue
        assert (set(result.location.po), set(result.location.vo)) == (po, vo), row["woonplaats"]
        checked += 1
    assert checked > 1500


def test_every_partnership_code_of_the_table_is_known_with_its_area(registry):
    codes = {c for row in REGIO for c in (row["po_swv"], row["vo_swv"])} - {"Europoort"}
    assert len([c for c in codes if c.startswith("PO")]) == 76
    assert len([c for c in codes if c.startswith("VO")]) == 74
    for code in codes:
        partnership = registry.partnership(code)
        assert partnership is not None and partnership.municipalities, code
        assert partnership.display_code == f"{code[:2]} {code[2:4]}-{code[4:]}"


def test_weak_partnership_facts_are_never_shown(registry):
    weak = {row["code"] for row in rows("samenwerkingsverbanden.csv") if row["source"].startswith("[WEAK")}
    assert weak
    for code in weak:
        partnership = registry.partnership(code)
        if partnership is None:
            continue
        assert not partnership.verified
        assert partnership.name == partnership.website == partnership.phone == ""
