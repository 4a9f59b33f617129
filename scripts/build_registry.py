"""Rebuild resources/registry/registry.json from the official tables in resources/official/.

One command after an update of the tables: `make registry` (or `.venv/bin/python scripts/build_registry.py`).
The output is plain JSON that `wegwijs.registry` loads; every derived fact keeps the table it came from.

What it derives (see resources/official/SOURCES.md for the rules):
- per PC4: PO and VO code (the regulation), 2015 municipality and today's municipality code(s);
- per current municipality, former (2015) municipality and place: its PC4s and the PO/VO codes they fall in;
- per partnership code: display fields (hidden when the source tag is WEAK) and the municipalities it covers;
- a name index: normalised name -> candidates (official names, names without CBS suffix, aliases).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wegwijs.text import normalize  # noqa: E402

OFFICIAL = ROOT / "resources" / "official"
ALIASES = ROOT / "resources" / "registry" / "aliases.csv"
OUTPUT = ROOT / "resources" / "registry" / "registry.json"
EUROPOORT = "Europoort"

# "Bergen (NH.)", "Hengelo (Gld)", "Loo Gld", "Afferden L": the suffix parents leave out.
_PAREN_SUFFIX = re.compile(r"\s*\(([^)]*)\)\s*$")
_BARE_SUFFIX = re.compile(r"\s+(L|Gld|GLD|NH|NB|ZH|Fr|Gr|O|Z|U|D|Ov)\.?$")
_CODE = re.compile(r"^(PO|VO)(\d{2})(\d{2})$")


def read_csv(name: str) -> list[dict[str, str]]:
    with (OFFICIAL / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def bare_name(name: str) -> str:
    """Name without the CBS/BAG province suffix."""
    return _BARE_SUFFIX.sub("", _PAREN_SUFFIX.sub("", name)).strip()


def display_code(code: str) -> str:
    match = _CODE.match(code)
    return f"{match.group(1)} {match.group(2)}-{match.group(3)}" if match else code


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def clean_partnership_name(raw: str) -> str:
    # The table keeps notes in brackets ("(vereniging)", "(PO; ...)"); parents need the name only.
    return raw.split(" (")[0].strip()


def clean_website(raw: str) -> str:
    return raw.split()[0].strip() if raw.strip() else ""


def build() -> dict:
    regio = read_csv("regio-indeling-2015.csv")
    to_current = read_csv("gemeenten-2015-naar-huidig.csv")
    current = read_csv("gemeenten-huidig.csv")
    partnerships_csv = read_csv("samenwerkingsverbanden.csv")
    places_csv = read_csv("woonplaatsen.csv")
    place_pairs = [row for row in read_csv("woonplaatsen-pc4.csv") if not row["flag"].strip()]
    seed_contacts = read_csv("seed_contacts.csv")

    municipalities = {row["code"]: row for row in current}
    successors_2015: dict[str, list[str]] = {
        row["gemeente_2015"]: row["current_code"].split(";") for row in to_current
    }
    pairs_by_pc4: dict[str, set[str]] = defaultdict(set)
    for row in place_pairs:
        pairs_by_pc4[row["pc4"]].add(row["gemeente_code"])

    # --- PC4 -> codes and today's municipality -------------------------------------------------
    pc4_table: dict[str, dict] = {}
    split_assignment_unsourced: list[str] = []
    for row in regio:
        successors = successors_2015[row["gemeente_2015"]]
        if len(successors) > 1:
            # Split by village: the place-PC4 pairs say where this PC4 went; keep all when unsourced.
            sourced = [code for code in successors if code in pairs_by_pc4.get(row["pc4"], set())]
            if not sourced:
                split_assignment_unsourced.append(row["pc4"])
            successors = sourced or successors
        pc4_table[row["pc4"]] = {
            "po": row["po_swv"],
            "vo": row["vo_swv"],
            "gemeente_2015": row["gemeente_2015"],
            "gemeenten": successors,
        }

    def codes_of(pc4s: list[str]) -> tuple[list[str], list[str]]:
        po = sorted({pc4_table[p]["po"] for p in pc4s if p in pc4_table} - {EUROPOORT})
        vo = sorted({pc4_table[p]["vo"] for p in pc4s if p in pc4_table} - {EUROPOORT})
        return po, vo

    municipality_pc4s: dict[str, list[str]] = defaultdict(list)
    for pc4, entry in sorted(pc4_table.items()):
        for code in entry["gemeenten"]:
            municipality_pc4s[code].append(pc4)

    candidates: list[dict] = []
    names: dict[str, list[int]] = defaultdict(list)

    def add_candidate(candidate: dict, keys: list[str]) -> int:
        # The name a parent would type for exactly this area: a municipality without the CBS label suffix
        # (CBS added "(NH.)" etc. only as a label), a place or former municipality by its official name.
        candidate["exact_key"] = normalize(candidate["label"] if candidate["kind"] == "municipality"
                                           else candidate["name"])
        candidate["europoort"] = bool(candidate["pc4"]) and all(
            pc4_table.get(p, {}).get("po") == EUROPOORT for p in candidate["pc4"] if p in pc4_table
        ) and any(p in pc4_table for p in candidate["pc4"])
        index = len(candidates)
        candidates.append(candidate)
        for key in {normalize(k) for k in keys if k}:
            if key and index not in names[key]:
                names[key].append(index)
        return index

    # --- current municipalities ------------------------------------------------------------------
    municipality_index: dict[str, int] = {}
    municipality_keys: dict[str, set[str]] = {}
    for code, row in sorted(municipalities.items()):
        po, vo = codes_of(municipality_pc4s[code])
        bare = bare_name(row["name"])
        keys = [row["name"], bare, f"{bare} {row['province']}", f"gemeente {bare}"]
        municipality_index[code] = add_candidate(
            {
                "kind": "municipality",
                "name": row["name"],
                "label": bare,
                "gemeente_codes": [code],
                "gemeenten": [bare],
                "province": row["province"],
                "pc4": municipality_pc4s[code],
                "po": po,
                "vo": vo,
                "source": "gemeenten-huidig.csv + regio-indeling-2015.csv",
            },
            keys,
        )
        municipality_keys[code] = {normalize(k) for k in keys}

    # --- former (2015) municipalities whose name is no longer a municipality ----------------------
    current_keys = {key for keys in municipality_keys.values() for key in keys}
    former_keys: dict[tuple[str, str], int] = {}
    pc4_by_2015: dict[str, list[str]] = defaultdict(list)
    for row in regio:
        pc4_by_2015[row["gemeente_2015"]].append(row["pc4"])
    for row in to_current:
        name = row["gemeente_2015"]
        if normalize(name) in current_keys or normalize(bare_name(name)) in current_keys:
            continue
        successor_codes = row["current_code"].split(";")
        po, vo = codes_of(pc4_by_2015[name])
        former_index = add_candidate(
            {
                "kind": "former_municipality",
                "name": name,
                "label": name,
                "gemeente_codes": successor_codes,
                "gemeenten": [bare_name(municipalities[c]["name"]) for c in successor_codes],
                "province": municipalities[successor_codes[0]]["province"],
                "pc4": sorted(pc4_by_2015[name]),
                "po": po,
                "vo": vo,
                "change": row["match_type"],
                "change_date": row["date"],
                "source": "gemeenten-2015-naar-huidig.csv + regio-indeling-2015.csv",
            },
            [name, bare_name(name), f"{name} {municipalities[successor_codes[0]]['province']}", f"gemeente {name}"],
        )
        for code in successor_codes:
            former_keys[(normalize(name), code)] = former_index

    # --- towns and villages ----------------------------------------------------------------------
    places_outside_table: list[str] = []
    place_codes: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for row in places_csv:
        code = row["gemeente_code"]
        bare = bare_name(row["woonplaats"])
        # BAG names some city districts "Hoogvliet Rotterdam": parents type "Hoogvliet".
        own_municipality = bare_name(municipalities[code]["name"])
        if bare.endswith(" " + own_municipality):
            bare = bare[: -len(own_municipality) - 1]
        key = normalize(bare)
        pc4s = [p for p in row["pc4_list"].split(";") if p]
        in_table = [p for p in pc4s if p in pc4_table]
        derived = not in_table
        po, vo = codes_of(in_table) if in_table else (
            candidates[municipality_index[code]]["po"], candidates[municipality_index[code]]["vo"])
        if derived:
            places_outside_table.append(row["woonplaats"])
        place_codes[(row["woonplaats"], code)] = (po, vo)
        # The place that gives its municipality (or former municipality) its name is that area;
        # its official spelling ("Beuningen Gld") still finds it.
        if key in municipality_keys[code] or (key, code) in former_keys:
            target = municipality_index[code] if key in municipality_keys[code] else former_keys[(key, code)]
            if target not in names[normalize(row["woonplaats"])]:
                names[normalize(row["woonplaats"])].append(target)
            continue
        municipality = municipalities[code]
        municipality_bare = bare_name(municipality["name"])
        add_candidate(
            {
                "kind": "place",
                "name": row["woonplaats"],
                "label": bare,
                "gemeente_codes": [code],
                "gemeenten": [municipality_bare],
                "province": municipality["province"],
                "pc4": pc4s,
                "po": po,
                "vo": vo,
                "derived_from_municipality": derived,
                "source": "woonplaatsen.csv + regio-indeling-2015.csv",
            },
            [row["woonplaats"], bare, f"{bare} {municipality_bare}", f"{bare} {municipality['province']}",
             f"{bare} gemeente {municipality_bare}"],
        )

    # --- aliases (hand-kept, each with a reason) ---------------------------------------------------
    alias_keys: dict[str, list[int]] = defaultdict(list)  # an alias counts as an exact name
    with ALIASES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            target = normalize(row["target"])
            if target not in names:
                raise SystemExit(f"alias {row['alias']!r} points to unknown name {row['target']!r}")
            for index in names[target]:
                if index not in names[normalize(row["alias"])]:
                    names[normalize(row["alias"])].append(index)
                alias_keys[normalize(row["alias"])].append(index)

    # --- PC4s newer than the regulation: only through an unsplit municipality ----------------------
    # The codes of the places that use such a PC4 (from their PC4s that are in the table) decide.
    newer_pc4: dict[str, dict] = {}
    for row in place_pairs:
        if row["pc4"] in pc4_table:
            continue
        po, vo = place_codes.get((row["woonplaats"], row["gemeente_code"]), ([], []))
        entry = newer_pc4.setdefault(row["pc4"], {"gemeenten": [], "places": [], "po": [], "vo": []})
        entry["gemeenten"] = sorted(set(entry["gemeenten"]) | {row["gemeente_code"]})
        entry["places"] = sorted(set(entry["places"]) | {row["woonplaats"]})
        entry["po"] = sorted(set(entry["po"]) | set(po))
        entry["vo"] = sorted(set(entry["vo"]) | set(vo))

    # --- partnerships --------------------------------------------------------------------------
    contact_rows = {row["code"]: row for row in partnerships_csv}
    covered: dict[str, set[str]] = defaultdict(set)
    for entry in pc4_table.values():
        for sector in ("po", "vo"):
            for code in entry["gemeenten"]:
                covered[entry[sector]].add(bare_name(municipalities[code]["name"]))
    partnerships: dict[str, dict] = {}
    for code in sorted(c for c in covered if c != EUROPOORT):
        row = contact_rows.get(code, {})
        source = row.get("source", "")
        verified = bool(row.get("name")) and not source.startswith("[WEAK")
        partnerships[code] = {
            "code": code,
            "display_code": display_code(code),
            "sector": code[:2],
            "verified": verified,
            "name": clean_partnership_name(row["name"]) if verified else "",
            "website": clean_website(row.get("website", "")) if verified else "",
            "phone": row.get("phone", "").strip() if verified else "",
            "email": row.get("email", "").strip() if verified else "",
            "short_name": "",
            "municipalities": sorted(covered[code]),
            "source": source or "no name found in the sources; code and area from the regulation",
        }
    for row in seed_contacts:
        entry = partnerships[row["code"]]
        entry[row["field"]] = row["value"]
        entry["source"] += f" ; {row['field']}: {row['source']}"

    inputs = sorted(OFFICIAL.glob("*.csv")) + [ALIASES]
    return {
        "meta": {
            "built_by": "scripts/build_registry.py",
            "inputs": {path.name: file_digest(path) for path in inputs},
            "counts": {
                "pc4": len(pc4_table),
                "newer_pc4": len(newer_pc4),
                "candidates": len(candidates),
                "names": len(names),
                "partnerships": len(partnerships),
            },
            "split_pc4_without_place_pair": split_assignment_unsourced,
            "places_outside_table": places_outside_table,
        },
        "pc4": pc4_table,
        "newer_pc4": newer_pc4,
        "partnerships": partnerships,
        "candidates": candidates,
        "names": {key: value for key, value in sorted(names.items())},
        "alias_keys": dict(sorted(alias_keys.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    registry = build()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(registry, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
                           encoding="utf-8")
    counts = registry["meta"]["counts"]
    print(f"Wrote {args.output.relative_to(ROOT)}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
