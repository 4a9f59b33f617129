"""Find the school's place or postcode, the home place and the school type in a parent's message.

Lookup-based (the registry's 9,900 name keys, longest match first) rather than an NLU entity model: names are
matched exactly after normalisation, new places need no retraining, and it is fast (see bench/ and the report
in docs/partnership.md). Roles come from cue words in the same clause:
"We wonen in Leiden maar de school staat in Katwijk" -> home Leiden, school Katwijk.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Optional

from wegwijs.registry import Registry, Sector, get_registry
from wegwijs.text import normalize

Role = Literal["school", "home"]

MAX_NAME_TOKENS = 6
_WORD = re.compile(r"[^\W_]+")
_POSTCODE = re.compile(r"(?<![\d\w])([1-9]\d{3})\s?([a-zA-Z]{2})?(?![\w\d])")
_BAD_POSTCODE = re.compile(r"(?<![\d\w])(0\d{3}|\d{5,7})(?:\s?[a-zA-Z]{2})?(?![\w\d])")
_AGE = re.compile(r"\b(\d{1,2})\s*(?:jaar|jarige|jr)\b|\b(?:zoon|dochter|kind|jongen|meisje|kleinkind)\s+(?:van|is)\s+(\d{1,2})\b")

# Place names that are also everyday Dutch words ("best", "echt", "loon", "putten"): only a place when written
# with a capital inside the sentence, or right after a word that introduces a place ("in", "uit", "bij").
COMMON_WORD_PLACES = frozenset(
    "best blije boer broek buren dalen dieren dijken dorst echt echten een enter groet handel heel heide hem "
    "hoek hoeven hoorn houten huizen kampen leiden leunen lies loon neer oranje putten rijen schijf sloten "
    "sluis spier veen velden waarde wier winkel zetten gauw elst goes grave made lent mill ens epe erica".split()
) | {"de wijk", "de punt", "de mond", "de steeg", "de bult", "de hoef", "de kiel", "het zand", "de weere",
     "de knipe", "de hoeve"}
PLACE_INTRODUCERS = frozenset("in uit bij te naar van rond richting gemeente regio omgeving buurt dorp stad".split())
# Of those, the ones that are article, pronoun or adverb: "bij een school", "in heel de regio", "bij hem" follow an
# introducer all the time, so these count only with a capital inside the sentence ("in Een") or alone.
FUNCTION_WORD_PLACES = frozenset("een hem heel neer gauw echt best".split())

NOT_A_PLACE = frozenset(
    "mijn ons onze de het een school scholen kind zoon dochter u jullie welk welke wie wat waar hoe regio buurt "
    "gemeente groep klas brugklas basisschool middelbare so sbo vso vo po swv samenwerkingsverband "
    "nederland holland buitenland plaats stad dorp zorg onderwijs overleg gesprek".split()
)
HOME_CUES = frozenset("wonen woon woont wonend woonachtig woonplaats thuis verhuisd verhuizen verhuist adres".split())
SCHOOL_CUES = frozenset(
    "school scholen schooltje basisschool middelbare ingeschreven aangemeld klas les leerling".split()
)
# Words that end a clause (roles do not cross them); "en" only outside a matched name ("Kaag en Braassem").
CLAUSE_WORDS = frozenset("maar terwijl want omdat en of echter alleen".split())
CLAUSE_PUNCTUATION = re.compile(r"[,.;:!?()\n]")

_PO_PATTERNS = re.compile(
    r"\b(basisschool|basisscholen|basis school|basisonderwijs|primair onderwijs|kleuter\w*|groep [1-8]|"
    r"groep (een|twee|drie|vier|vijf|zes|zeven|acht)|sbo|speciaal basisonderwijs|speciaal basis onderwijs|"
    r"so|po|speciaal onderwijs)\b"
)
_VO_PATTERNS = re.compile(
    r"\b(middelbare|middelbaar|voortgezet|brugklas|brugklasser|brugger|vmbo|mavo|havo|vwo|atheneum|gymnasium|"
    r"lyceum|praktijkonderwijs|pro|vso|vo|lwoo|examenklas|(eerste|tweede|derde|vierde) klas)\b"
)
_NUMBER_WORDS = {"vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11,
                 "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16, "zeventien": 17,
                 "achttien": 18}
_AGE_WORDS = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\s*(?:jaar|jarige)\b")


@dataclass(frozen=True)
class Mention:
    text: str  # as the parent wrote it
    key: str  # normalised registry key, or the postcode ("2312 AB" / "2312")
    kind: Literal["name", "postcode"]
    start: int
    end: int
    role: Optional[Role] = None


@dataclass(frozen=True)
class Extraction:
    mentions: tuple[Mention, ...]
    school_type: Optional[Sector]
    invalid_postcode: Optional[str] = None
    codes: tuple[str, ...] = ()
    unknown_place: Optional[str] = None  # words after "in"/"bij" that are no known name ("bij Leidn")

    @property
    def school(self) -> Optional[Mention]:
        """Where the school is: a mention with a school cue, else one without a role."""
        for role in ("school", None):
            for mention in self.mentions:
                if mention.role == role:
                    return mention
        return None

    @property
    def home(self) -> Optional[Mention]:
        return next((m for m in self.mentions if m.role == "home"), None)

    @property
    def lookup(self) -> Optional[Mention]:
        """What to look up: the school's location; else the home place (the home area decides when there is
        no school yet, and most children go to school close to home)."""
        return self.school or self.home


@dataclass(frozen=True)
class _Token:
    norm: str
    start: int
    end: int
    original: str


def _tokenize(text: str) -> list[_Token]:
    result = []
    for match in _WORD.finditer(text):
        for part in normalize(match.group(0)).split():
            result.append(_Token(part, match.start(), match.end(), match.group(0)))
    return result


def school_type(text: str) -> Optional[Sector]:
    """PO or VO from the words parents use; None when absent or both (then both partnerships are given)."""
    norm = normalize(text)
    # Partnership codes ("PO 28-01") are not a school type.
    norm = re.sub(r"\b(po|vo)\s*\d{2}\s*\d{2}\b", " ", norm)
    vo = bool(_VO_PATTERNS.search(norm))
    po = bool(_PO_PATTERNS.search(re.sub(r"voortgezet speciaal onderwijs|\bv so\b", " ", norm)))
    if po != vo:
        return "PO" if po else "VO"
    if po and vo:
        return None
    ages = [int(a or b) for a, b in _AGE.findall(norm)] + [_NUMBER_WORDS[w] for w in _AGE_WORDS.findall(norm)]
    sectors = {("PO" if 4 <= age <= 11 else "VO" if 13 <= age <= 18 else None) for age in ages}
    sectors.discard(None)
    return sectors.pop() if len(sectors) == 1 else None  # type: ignore[return-value]


def _is_capitalised(token: _Token, text: str) -> bool:
    return token.original[:1].isupper() and text[: token.start].strip() != ""


def _name_mentions(text: str, tokens: list[_Token], registry: Registry) -> list[tuple[int, int]]:
    """Token spans [i, j) of known names, longest first, left to right."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        for length in range(min(MAX_NAME_TOKENS, len(tokens) - i), 0, -1):
            key = " ".join(t.norm for t in tokens[i:i + length])
            if key.isdigit() or not registry.has_name(key):
                continue
            if key in COMMON_WORD_PLACES:
                introduced = i > 0 and tokens[i - 1].norm in PLACE_INTRODUCERS and key not in FUNCTION_WORD_PLACES
                alone = len(tokens) == length
                if not (introduced or alone or _is_capitalised(tokens[i], text)):
                    continue
            spans.append((i, i + length))
            i += length
            break
        else:
            i += 1
    return spans


def _clause_of(position: int, text: str, boundaries: list[int]) -> tuple[int, int]:
    start = max((b for b in boundaries if b <= position), default=0)
    end = min((b for b in boundaries if b > position), default=len(text))
    return start, end


def _role(span: tuple[int, int], text: str, tokens: list[_Token], boundaries: list[int]) -> Optional[Role]:
    clause_start, clause_end = _clause_of(span[0], text, boundaries)
    nearest: Optional[Role] = None
    best = None
    for token in tokens:
        if not (clause_start <= token.start < clause_end) or span[0] <= token.start < span[1]:
            continue
        role: Optional[Role] = "home" if token.norm in HOME_CUES else "school" if token.norm in SCHOOL_CUES else None
        if role is None:
            continue
        # Prefer cues before the name ("school staat in X"); a cue after it counts from further away.
        distance = span[0] - token.start if token.start < span[0] else 1000 + token.start - span[1]
        if best is None or distance < best:
            nearest, best = role, distance
    return nearest


def extract(text: str, registry: Optional[Registry] = None) -> Extraction:
    """All locations, the school type and any partnership code in one message."""
    registry = registry or get_registry()
    text = text[:500]  # parents' messages are short; bound the work on pasted text
    tokens = _tokenize(text)

    raw: list[tuple[int, int, str, str, Literal["name", "postcode"]]] = []  # char start, end, text, key, kind
    covered: set[int] = set()
    for match in _POSTCODE.finditer(text):
        digits, letters = match.group(1), match.group(2)
        if letters and letters.lower() in {"jr", "km"}:
            letters = None
        year_like = 1900 <= int(digits) <= 2099 and not letters and "postcode" not in text.lower()
        if year_like and len(tokens) > 2:
            continue
        key = f"{digits} {letters.upper()}" if letters else digits
        raw.append((match.start(), match.end(), match.group(0), key, "postcode"))
        covered.update(range(match.start(), match.end()))
    bad = _BAD_POSTCODE.search(text)
    invalid_postcode = bad.group(0) if bad and not raw else None

    name_tokens = [t for t in tokens if t.start not in covered]
    for i, j in _name_mentions(text, name_tokens, registry):
        start, end = name_tokens[i].start, name_tokens[j - 1].end
        raw.append((start, end, text[start:end], " ".join(t.norm for t in name_tokens[i:j]), "name"))
    raw.sort()

    # Clause boundaries: punctuation and clause words, except inside a matched name.
    inside = [(s, e) for s, e, *_ in raw]
    boundaries = [m.start() for m in CLAUSE_PUNCTUATION.finditer(text)
                  if not any(s <= m.start() < e for s, e in inside)]
    boundaries += [t.start for t in tokens
                   if t.norm in CLAUSE_WORDS and not any(s <= t.start < e for s, e in inside)]
    boundaries.sort()

    mentions = tuple(
        Mention(original, key, kind, start, end, _role((start, end), text, tokens, boundaries))
        for start, end, original, key, kind in raw
    )
    codes = registry.parse_codes(text, allow_bare=bool(re.search(r"(?i)\b(swv|samenwerkingsverband|code)\b", text)))
    # A code's digits are not a postcode ("SWV 28.01" or "code 2801").
    if codes:
        mentions = tuple(m for m in mentions if m.kind != "postcode" or len(m.key) != 4)
    unknown_place = None if mentions or codes or invalid_postcode else _trailing_place_words(tokens)
    return Extraction(mentions, school_type(text), invalid_postcode, codes, unknown_place)


def _trailing_place_words(tokens: list[_Token]) -> Optional[str]:
    """ "welk swv hoort bij Leidn" -> "Leidn": up to 3 words after the last place introducer, if they are
    not everyday words ("bij mijn school"). A guess for the fuzzy lookup, never an answer by itself."""
    introducers = [i for i, t in enumerate(tokens) if t.norm in {"in", "bij", "uit", "te", "rond"}]
    if not introducers:
        return None
    rest = tokens[introducers[-1] + 1:]
    if not 0 < len(rest) <= 3 or any(t.norm in NOT_A_PLACE or t.norm.isdigit() for t in rest):
        return None
    originals = list(dict.fromkeys(t.original for t in rest))
    return " ".join(originals)
