"""Which partnership (samenwerkingsverband) covers a place, municipality or postcode.

Plain, typed lookups over `resources/registry/registry.json` (built by `scripts/build_registry.py` from the
official tables). Every lookup returns one of the result types below; callers (the Rasa actions, tests,
benchmarks) decide how to phrase it.

The answer is about where the SCHOOL is (regulation annex, by PC4). A name that covers several partnerships
(split municipality, a place across a border) gives `NeedsPostcode`; a name used by several places gives
`Ambiguous`; a near-miss spelling gives `DidYouMean`.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional, Union

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from wegwijs.text import normalize

REGISTRY_DIR = Path(__file__).resolve().parent.parent / "resources" / "registry"
REGISTRY_PATH = REGISTRY_DIR / "registry.json"
FOREIGN_PATH = REGISTRY_DIR / "foreign.csv"

Sector = Literal["PO", "VO"]
SECTORS: tuple[Sector, ...] = ("PO", "VO")
EUROPOORT = "Europoort"

# Long, unlikely input is not a place name; keep fuzzy matching cheap and sane.
MAX_QUERY_CHARS = 60
FUZZY_CUTOFF = 75.0
SUGGESTION_LIMIT = 3
SUGGESTION_SCORE_GAP = 8.0

_POSTCODE = re.compile(r"^\s*(\d{4})\s*([a-zA-Z]{2})?\s*$")
_POSTCODE_LIKE = re.compile(r"^\s*\d[\d\s]*[a-zA-Z]{0,2}\s*$")
_CODE_WITH_SECTOR = re.compile(
    r"\b(?:swv\s*)?(po|vo)?\s*(\d{2})\s*[-.\s]?\s*(\d{2})\s*(po|vo)?\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Partnership:
    code: str  # "PO2801"
    display_code: str  # "PO 28-01", the form parents meet
    sector: Sector
    verified: bool  # False: name/contact unverified (WEAK) or unknown, so not shown
    name: str
    short_name: str
    website: str
    phone: str
    email: str
    municipalities: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Location:
    kind: Literal["municipality", "former_municipality", "place", "postcode"]
    name: str  # official spelling
    label: str  # how we show it to parents
    gemeenten: tuple[str, ...]  # today's municipality (or municipalities)
    province: str
    po: tuple[str, ...]
    vo: tuple[str, ...]
    derived: bool = False  # codes derived via place/municipality, not read from the regulation's PC4 row
    exact_key: str = ""  # normalised name that means exactly this area (no stripped suffix, no alias)
    europoort: bool = False  # only harbour postcodes without a partnership

    def codes(self, sector: Optional[Sector] = None) -> tuple[str, ...]:
        if sector == "PO":
            return self.po
        if sector == "VO":
            return self.vo
        return self.po + self.vo

    def split_sectors(self, sector: Optional[Sector] = None) -> tuple[Sector, ...]:
        """Sectors (of those asked for) where this location lies in more than one partnership."""
        asked = (sector,) if sector else SECTORS
        return tuple(s for s in asked if len(self.codes(s)) > 1)

    def to_dict(self) -> dict:
        """JSON-safe form, e.g. to keep in a conversation slot."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Location":
        values = dict(data)
        for name in ("gemeenten", "po", "vo"):
            values[name] = tuple(values[name])
        return cls(**values)

    def describe(self) -> str:
        """Label with municipality and province: "Rijnsburg (gemeente Katwijk, Zuid-Holland)"."""
        if self.kind in ("place", "former_municipality"):
            return f"{self.label} (gemeente {' / '.join(self.gemeenten)}, {self.province})"
        if self.kind == "municipality":
            return f"de gemeente {self.label} ({self.province})"
        return self.label


@dataclass(frozen=True)
class Resolved:
    query: str
    location: Location
    corrected_from: Optional[str] = None  # set when a typo was corrected without asking


@dataclass(frozen=True)
class NeedsPostcode:
    query: str
    location: Location
    sectors: tuple[Sector, ...]  # where the name alone is not enough
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code -> example places in it


@dataclass(frozen=True)
class Ambiguous:
    query: str
    options: tuple[Location, ...]


@dataclass(frozen=True)
class DidYouMean:
    query: str
    suggestions: tuple[Location, ...]


@dataclass(frozen=True)
class Europoort:
    query: str
    pc4: Optional[str]


@dataclass(frozen=True)
class Foreign:
    query: str
    country: str


@dataclass(frozen=True)
class InvalidPostcode:
    query: str


@dataclass(frozen=True)
class UnknownPostcode:
    query: str
    pc4: str


@dataclass(frozen=True)
class Unknown:
    query: str


LookupResult = Union[
    Resolved, NeedsPostcode, Ambiguous, DidYouMean, Europoort, Foreign, InvalidPostcode, UnknownPostcode, Unknown
]


def looks_like_postcode(text: str) -> bool:
    """Digits with at most two letters: "2312", "2312 AB", "0000", "99999"."""
    return bool(_POSTCODE_LIKE.match(text)) and any(ch.isdigit() for ch in text)


def display_code(code: str) -> str:
    """ "PO2801" -> "PO 28-01"."""
    match = re.match(r"^(PO|VO)(\d{2})(\d{2})$", code)
    return f"{match.group(1)} {match.group(2)}-{match.group(3)}" if match else code


class Registry:
    """In-memory lookups; build once per process with `get_registry()`."""

    def __init__(self, data: dict, foreign: dict[str, str]) -> None:
        self._pc4: dict[str, dict] = data["pc4"]
        self._newer_pc4: dict[str, dict] = data["newer_pc4"]
        self._gemeente_names = {
            code: candidate["gemeenten"][0]
            for candidate in data["candidates"]
            if candidate["kind"] == "municipality"
            for code in candidate["gemeente_codes"]
        }
        self._partnerships = {
            code: Partnership(**{**entry, "municipalities": tuple(entry["municipalities"])})
            for code, entry in data["partnerships"].items()
        }
        self._locations = [
            Location(
                kind=c["kind"],
                name=c["name"],
                label=c["label"],
                gemeenten=tuple(c["gemeenten"]),
                province=c["province"],
                po=tuple(c["po"]),
                vo=tuple(c["vo"]),
                derived=c.get("derived_from_municipality", False),
                exact_key=c["exact_key"],
                europoort=c["europoort"],
            )
            for c in data["candidates"]
        ]
        self._names: dict[str, tuple[int, ...]] = {key: tuple(v) for key, v in data["names"].items()}
        self._name_keys = list(self._names)
        self._alias_keys: dict[str, frozenset[int]] = {k: frozenset(v) for k, v in data["alias_keys"].items()}
        self._foreign = foreign
        # Places per municipality, to tell parents which part of a split municipality falls where.
        self._places_by_gemeente: dict[str, list[Location]] = {}
        for location in self._locations:
            if location.kind in ("place", "former_municipality"):
                for gemeente in location.gemeenten:
                    self._places_by_gemeente.setdefault(gemeente, []).append(location)

    # --- basic data ---------------------------------------------------------------------------------
    @property
    def pc4_codes(self) -> dict[str, tuple[str, str]]:
        """Every PC4 of the regulation -> (PO code, VO code)."""
        return {pc4: (entry["po"], entry["vo"]) for pc4, entry in self._pc4.items()}

    @property
    def locations(self) -> tuple[Location, ...]:
        return tuple(self._locations)

    def partnership(self, code: str) -> Optional[Partnership]:
        return self._partnerships.get(code)

    def has_name(self, key: str) -> bool:
        """True when a normalised key is a known place/municipality name (used by text extraction)."""
        return key in self._names

    def locations_for_key(self, key: str) -> tuple[Location, ...]:
        return tuple(self._locations[i] for i in self._names.get(key, ()))

    def unambiguous_name(self, location: Location) -> str:
        """A way to write this location that resolves to it alone ("Bergen Noord-Holland",
        "Beek, gemeente Montferland"): used for the parent's answer to "which one?"."""
        forms = [location.label, f"{location.label} {location.province}"]
        forms += [f"{location.label}, gemeente {g}" for g in location.gemeenten]
        for form in forms:
            found = self.locations_for_key(normalize(form))
            if len(found) == 1 and found[0].name == location.name and found[0].gemeenten == location.gemeenten:
                return form
        return location.name

    # --- lookups ------------------------------------------------------------------------------------
    def resolve(self, text: str, sector: Optional[Sector] = None) -> LookupResult:
        """Resolve free input that is ONE place, municipality or postcode (not a whole sentence)."""
        text = text.strip()[:MAX_QUERY_CHARS * 2]
        if looks_like_postcode(text):
            return self.resolve_postcode(text, sector)
        return self.resolve_name(text, sector)

    def resolve_postcode(self, text: str, sector: Optional[Sector] = None) -> LookupResult:
        match = _POSTCODE.match(text)
        if not match or match.group(1).startswith("0"):
            return InvalidPostcode(text)
        pc4 = match.group(1)
        entry = self._pc4.get(pc4)
        if entry is not None:
            if EUROPOORT in (entry["po"], entry["vo"]):
                return Europoort(text, pc4)
            location = Location(
                kind="postcode",
                name=pc4,
                label=f"postcode {pc4}",
                gemeenten=tuple(self._gemeente_names[c] for c in entry["gemeenten"]),
                province="",
                po=(entry["po"],),
                vo=(entry["vo"],),
            )
            return Resolved(text, location)
        newer = self._newer_pc4.get(pc4)
        if newer is not None:
            # A postcode newer than the regulation: known through the places that use it.
            location = Location(
                kind="postcode",
                name=pc4,
                label=f"postcode {pc4}",
                gemeenten=tuple(self._gemeente_names[c] for c in newer["gemeenten"]),
                province="",
                po=tuple(newer["po"]),
                vo=tuple(newer["vo"]),
                derived=True,
            )
            if not location.split_sectors(sector):
                return Resolved(text, location)
        return UnknownPostcode(text, pc4)

    def resolve_name(self, text: str, sector: Optional[Sector] = None) -> LookupResult:
        key = normalize(text)
        if not key or len(key) > MAX_QUERY_CHARS:
            return Unknown(text)
        if key in self._names:
            return self._from_locations(text, self._prefer_exact(key), sector)
        if key in self._foreign:
            return Foreign(text, self._foreign[key])
        return self._fuzzy(text, key, sector)

    def resolve_location(self, location: Location, sector: Optional[Sector] = None, query: str = "") -> LookupResult:
        """Result for a location the parent already picked (e.g. after an ambiguity question)."""
        return self._from_locations(query or location.label, (location,), sector)

    def _prefer_exact(self, key: str) -> tuple[Location, ...]:
        """Locations for a key, keeping only exact ones when there are any: "Katwijk" is the municipality,
        not the village officially called "Katwijk NB"; "Hengelo" is Hengelo (O.), not "Hengelo (Gld)".
        An alias counts as exact. Two exact matches (Bergen NH / Bergen L) stay ambiguous."""
        aliases = self._alias_keys.get(key, frozenset())
        indices = self._names.get(key, ())
        exact = tuple(self._locations[i] for i in indices if i in aliases or self._locations[i].exact_key == key)
        return exact or tuple(self._locations[i] for i in indices)

    def _from_locations(
        self, text: str, locations: tuple[Location, ...], sector: Optional[Sector], corrected_from: Optional[str] = None
    ) -> LookupResult:
        if len(locations) > 1:
            outcomes = {(loc.codes("PO") if sector != "VO" else (), loc.codes("VO") if sector != "PO" else ())
                        for loc in locations}
            if len(outcomes) > 1:
                return Ambiguous(text, locations)
            # Same partnerships wherever it is: no need to ask which one.
            first = locations[0]
            merged_gemeenten = tuple(dict.fromkeys(g for loc in locations for g in loc.gemeenten))
            locations = (Location(first.kind, first.name, first.label, merged_gemeenten, first.province,
                                  first.po, first.vo, any(loc.derived for loc in locations), first.exact_key),)
        location = locations[0]
        if location.europoort:
            return Europoort(text, None)
        split = location.split_sectors(sector)
        if split:
            return NeedsPostcode(text, location, split, self._split_options(location, split))
        return Resolved(text, location, corrected_from)

    def _split_options(self, location: Location, sectors: tuple[Sector, ...]) -> dict[str, tuple[str, ...]]:
        """For each code of a split location: up to 4 places of that municipality that lie wholly in it."""
        options: dict[str, tuple[str, ...]] = {}
        places = [p for g in location.gemeenten for p in self._places_by_gemeente.get(g, [])]
        for sector in sectors:
            for code in location.codes(sector):
                inside = [p.label for p in places if p.codes(sector) == (code,)]
                options[code] = tuple(sorted(inside)[:4])
        return options

    def _fuzzy(self, text: str, key: str, sector: Optional[Sector]) -> LookupResult:
        # Short strings reach 75 by chance ("qwer" ~ "wier"): ask more of them.
        cutoff = FUZZY_CUTOFF if len(key) > 5 else 80.0
        matches = process.extract(key, self._name_keys, scorer=fuzz.ratio, limit=8, score_cutoff=cutoff)
        if not matches:
            foreign = process.extractOne(key, list(self._foreign), scorer=fuzz.ratio, score_cutoff=85)
            return Foreign(text, self._foreign[foreign[0]]) if foreign else Unknown(text)
        best_key = matches[0][0]
        distance = OSA.distance(key, best_key)
        others = [m[0] for m in matches[1:] if set(self._names[m[0]]) != set(self._names[best_key])]
        runner_up = min((OSA.distance(key, k) for k in others), default=99)
        # Sure enough to answer (and say so): one typo in a long name, nothing else close.
        if distance <= 1 and len(key) >= 7 and runner_up >= 3:
            locations = self._prefer_exact(best_key)
            return self._from_locations(text, locations, sector, corrected_from=text)
        suggestions: list[Location] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        best_score = matches[0][1]
        # Only names about as close as the best one ("Leidn": Leiden, not Klein).
        for match_key, _score, _ in (m for m in matches if m[1] >= best_score - SUGGESTION_SCORE_GAP):
            for location in self.locations_for_key(match_key):
                identity = (location.label, location.gemeenten)
                if identity not in seen:
                    seen.add(identity)
                    suggestions.append(location)
        return DidYouMean(text, tuple(suggestions[:SUGGESTION_LIMIT]))

    # --- partnership codes --------------------------------------------------------------------------
    def parse_codes(self, text: str, allow_bare: bool = False) -> tuple[str, ...]:
        """Partnership codes named in a text: "PO 28-01", "PO2801", "SWV 28.01 PO", "28-01" (both sectors).

        A bare "2801" is also a postcode, so it counts only with `allow_bare` (the parent asked about a code).
        """
        found: list[str] = []
        for match in _CODE_WITH_SECTOR.finditer(text):
            sector = (match.group(1) or match.group(4) or "").upper()
            number = match.group(2) + match.group(3)
            if sector:
                candidates = [sector + number]
            else:
                raw = match.group(0)
                if not (allow_bare or re.search(r"\d\s*[-.]\s*\d", raw) or re.match(r"(?i)\s*swv", raw)):
                    continue
                candidates = [s + number for s in SECTORS]
            found.extend(c for c in candidates if c in self._partnerships and c not in found)
        return tuple(found)


def _load_foreign(path: Path = FOREIGN_PATH) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {normalize(row["name"]): row["country"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def get_registry(path: Path = REGISTRY_PATH) -> Registry:
    """The process-wide registry (loaded once; about 0.1 s)."""
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return Registry(data, _load_foreign())
