"""Readability measures for Dutch answer texts (B1 level, addressing the parent as "u").

Pure Python, no Rasa import. Used by tests/unit/test_readability.py to keep every
response text readable, and usable by trainers on a single text:

    .venv/bin/python -m wegwijs.readability "Uw tekst hier."

What is measured (on the prose only: the "Meer weten: <url>" paragraph, URLs, e-mail
addresses and phone numbers are removed first, because they are not read as sentences):
- sentences (Dutch sentence splitting that keeps abbreviations such as "bijv." together),
- average and longest sentence length in words,
- share of long words (>= 4 syllables or >= 13 letters), not counting domain terms
  parents must learn anyway (toelaatbaarheidsverklaring, samenwerkingsverband, ...),
- the Flesch-Douma reading ease (Dutch Flesch variant, constants from textstat),
- informal pronouns (je/jij/jouw) and spelled-out numbers 1-20 before a unit ("zes weken").
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache

import pyphen
from textstat.textstat import langs as textstat_langs

# --- limits for B1 answers (see docs/trainers.md, "Leesbaarheid") ---------------------
MAX_AVG_SENTENCE_WORDS = 15.0
MAX_SENTENCE_WORDS = 25
# Share of long words among all words: at most 1 in 5. Everyday B1 words such as
# "informatie" and "medewerker" already have 4 syllables, and the domain terms parents
# must learn are excluded through DOMAIN_TERMS.
MAX_LONG_WORD_SHARE = 0.20
# Flesch-Douma: 60-70 is plain Dutch, 30-50 is hard. Short answers with some domain terms
# score 60-85; under 45 the text is hard for a B1 reader.
MIN_FLESCH_DOUMA = 45.0
FAQ_MIN_SENTENCES = 2
FAQ_MAX_SENTENCES = 5
LONG_WORD_SYLLABLES = 4
LONG_WORD_LETTERS = 13

# Terms of the domain that a parent needs to recognise (they appear on letters from school
# and on official sites). They are explained once in the answers, so they do not count as
# "hard words". Lower case; plural and genitive forms are matched too.
DOMAIN_TERMS: frozenset[str] = frozenset(
    {
        "toelaatbaarheidsverklaring",
        "samenwerkingsverband",
        "ontwikkelingsperspectief",
        "ontwikkelingsperspectiefplan",
        "ondersteuning",
        "ondersteuningsbehoefte",
        "ondersteuningsplan",
        "ondersteuningsprofiel",
        "schoolondersteuningsprofiel",
        "basisondersteuning",
        "basisonderwijs",
        "onderwijsconsulent",
        "leerplichtambtenaar",
        "leerplichtwet",
        "geschillencommissie",
        "praktijkonderwijs",
        "jeugdhulp",
        "zorgcoördinator",
        "begeleider",
        "zorgcoordinator",
        "thuiszitter",
        "vrijstelling",
        "leerlingenvervoer",
        "middelbare",
        "voortgezet",
        "speciaal",
        "onderwijs",
        "leerplicht",
        "schoolbestuur",
        "gemeente",
        "gemeenten",
        "jeugdconsulent",
        "dyslexieverklaring",
        "dyslexie",
        "bezwaarschrift",
        "geschillen",
        "onderwijsinspectie",
        "inspectie",
        "arrangement",
        "samenwerkingsverbanden",
    }
)

# Abbreviations that end in a dot but do not end a sentence.
_ABBREVIATIONS = (
    "bijv", "bv", "o.a", "e.d", "enz", "etc", "d.w.z", "i.p.v", "m.b.v", "t.o.v", "z.s.m", "a.u.b",
    "n.a.v", "m.n", "mr", "dr", "drs", "ir", "ing", "nr", "art", "ca", "evt", "incl", "excl", "min",
    "max", "resp", "tel", "vgl", "zgn", "jl", "t.a.v", "p.o", "v.o", "o.b.v", "z.o.z", "mevr", "dhr",
)
_ABBREV_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(a) for a in sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")\.",
    re.IGNORECASE,
)
_DOT_PLACEHOLDER = "\u2024"  # one-dot leader: survives sentence splitting, restored afterwards

_MORE_INFO_RE = re.compile(r"^\s*(meer weten|meer informatie|lees meer|zie ook)\b.*$", re.IGNORECASE | re.MULTILINE)
_URL_RE = re.compile(r"(https?://\S+|www\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:nl|com|org|eu|info|be)(?:/\S*)?)", re.IGNORECASE)
_EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Dutch phone numbers: 0800-5010, 071 123 45 67, 088-6696060, +31 (0)71 1234567.
_PHONE_RE = re.compile(r"(?:\+31\s?(?:\(0\))?\s?|\b0)\d{1,4}(?:[\s-]?\d{2,7}){1,3}\b")
_LIST_MARK_RE = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+", re.MULTILINE)
_MARKDOWN_RE = re.compile(r"[*_`#>]+")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-ZÀ-ÖØ-Þ0-9])")
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)

# Informal address: the answers speak to parents with "u"/"uw".
_INFORMAL_RE = re.compile(r"\b(je|jij|jou|jouw|jullie)\b", re.IGNORECASE)

_NUMBER_WORDS = (
    "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf", "dertien",
    "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien", "twintig",
)
_UNITS = (
    "seconden", "minuten", "uur", "uren", "dagen", "werkdagen", "schooldagen", "weken", "schoolweken",
    "maanden", "jaar", "jaren", "schooljaren", "keer", "kinderen", "leerlingen", "scholen", "clusters",
    "groepen", "gesprekken", "procent", "stappen", "mogelijkheden", "soorten", "gemeenten", "personen",
)
_SPELLED_NUMBER_RE = re.compile(
    r"\b(" + "|".join(_NUMBER_WORDS) + r")\s+(" + "|".join(_UNITS) + r")\b", re.IGNORECASE
)


@dataclass(frozen=True)
class ReadabilityReport:
    """Measures of one text (prose only)."""

    sentences: list[str]
    sentence_lengths: list[int]
    word_count: int
    long_words: list[str]
    flesch_douma: float
    informal_pronouns: list[str] = field(default_factory=list)
    spelled_numbers: list[str] = field(default_factory=list)

    @property
    def sentence_count(self) -> int:
        return len(self.sentences)

    @property
    def avg_sentence_words(self) -> float:
        return self.word_count / len(self.sentences) if self.sentences else 0.0

    @property
    def longest_sentence_words(self) -> int:
        return max(self.sentence_lengths, default=0)

    @property
    def long_word_share(self) -> float:
        return len(self.long_words) / self.word_count if self.word_count else 0.0


def prose(text: str) -> str:
    """Return the text a parent reads as sentences: no "Meer weten" line, URLs, e-mail or phone numbers."""
    text = _MORE_INFO_RE.sub("", text)
    text = _EMAIL_RE.sub("", text)
    text = _URL_RE.sub("", text)
    text = _PHONE_RE.sub("", text)
    text = _LIST_MARK_RE.sub("", text)
    text = _MARKDOWN_RE.sub("", text)
    # "(basis)onderwijs" is one word for the reader.
    text = re.sub(r"\((\w+)\)(?=\w)", r"\1", text)
    return text.strip()


def split_sentences(text: str) -> list[str]:
    """Split Dutch prose into sentences; lines (list items, paragraphs) always end a sentence."""
    protected = _ABBREV_RE.sub(lambda m: m.group(1).replace(".", _DOT_PLACEHOLDER) + _DOT_PLACEHOLDER, text)
    sentences: list[str] = []
    for line in protected.splitlines():
        for part in _SENTENCE_END_RE.split(line.strip()):
            part = part.strip().replace(_DOT_PLACEHOLDER, ".")
            if words(part):
                sentences.append(part)
    return sentences


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


@lru_cache(maxsize=1)
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nl_NL")


@lru_cache(maxsize=8192)
def syllables(word: str) -> int:
    """Syllable count from the Dutch hyphenation dictionary (pyphen, offline)."""
    if word.isdigit():
        return 1
    return len(_hyphenator().positions(word.lower())) + 1


def is_domain_term(word: str) -> bool:
    lower = word.lower()
    candidates = {lower, lower.removesuffix("en"), lower.removesuffix("s"), lower.removesuffix("'s")}
    return bool(candidates & DOMAIN_TERMS)


def is_long_word(word: str) -> bool:
    if is_domain_term(word) or word.isupper():  # abbreviations (TLV, OPP) are short to read
        return False
    letters = sum(ch.isalpha() for ch in word)
    return letters >= LONG_WORD_LETTERS or syllables(word) >= LONG_WORD_SYLLABLES


def flesch_douma(sentence_lengths: list[int], syllable_total: int) -> float:
    """Flesch-Douma reading ease, with the Dutch constants textstat ships (higher = easier; 60-80 is plain)."""
    word_total = sum(sentence_lengths)
    if not word_total:
        return 0.0
    nl = textstat_langs["nl"]
    asl = word_total / len(sentence_lengths)
    asw = syllable_total / word_total
    return round(nl["fre_base"] - nl["fre_sentence_length"] * asl - nl["fre_syll_per_word"] * asw, 1)


def analyse(text: str) -> ReadabilityReport:
    body = prose(text)
    sentences = split_sentences(body)
    lengths = [len(words(s)) for s in sentences]
    all_words = [w for s in sentences for w in words(s)]
    # Multi-word domain terms ("passend onderwijs") are checked on the word level through their parts.
    long_words = [w for w in all_words if is_long_word(w)]
    return ReadabilityReport(
        sentences=sentences,
        sentence_lengths=lengths,
        word_count=len(all_words),
        long_words=long_words,
        flesch_douma=flesch_douma(lengths, sum(syllables(w) for w in all_words)),
        informal_pronouns=[m.group(0) for m in _INFORMAL_RE.finditer(body)],
        spelled_numbers=[m.group(0) for m in _SPELLED_NUMBER_RE.finditer(body)],
    )


RULES = ("sentences", "avg_length", "max_length", "long_words", "flesch_douma", "informal", "numbers")


def problems(text: str, *, is_faq_answer: bool = False, skip: frozenset[str] = frozenset()) -> list[str]:
    """Return the B1 rules this text breaks, as short readable messages (empty list = fine).

    `skip` names rules from RULES that do not apply to this text (e.g. "informal" for a
    message that repeats itself in other languages).
    """
    unknown = set(skip) - set(RULES)
    if unknown:
        raise ValueError(f"unknown readability rules: {sorted(unknown)}")
    report = analyse(text)
    found: list[tuple[str, str]] = []
    if is_faq_answer and not FAQ_MIN_SENTENCES <= report.sentence_count <= FAQ_MAX_SENTENCES:
        found.append((
            "sentences",
            f"{report.sentence_count} zinnen; een FAQ-antwoord heeft er {FAQ_MIN_SENTENCES}-{FAQ_MAX_SENTENCES}",
        ))
    if report.avg_sentence_words > MAX_AVG_SENTENCE_WORDS:
        found.append(("avg_length", f"gemiddeld {report.avg_sentence_words:.1f} woorden per zin (max {MAX_AVG_SENTENCE_WORDS:g})"))
    for sentence, length in zip(report.sentences, report.sentence_lengths):
        if length > MAX_SENTENCE_WORDS:
            found.append(("max_length", f"zin van {length} woorden (max {MAX_SENTENCE_WORDS}): {sentence[:60]}…"))
    if report.long_word_share > MAX_LONG_WORD_SHARE:
        found.append((
            "long_words",
            f"{report.long_word_share:.0%} lange woorden (max {MAX_LONG_WORD_SHARE:.0%}): "
            + ", ".join(sorted(set(report.long_words))),
        ))
    if report.word_count and report.flesch_douma < MIN_FLESCH_DOUMA:
        found.append(("flesch_douma", f"Flesch-Douma {report.flesch_douma:g} (min {MIN_FLESCH_DOUMA:g}): kortere woorden en zinnen"))
    if report.informal_pronouns:
        found.append(("informal", "spreekt de ouder aan met je/jij: " + ", ".join(report.informal_pronouns)))
    if report.spelled_numbers:
        found.append(("numbers", "getallen in cijfers schrijven: " + ", ".join(report.spelled_numbers)))
    return [message for rule, message in found if rule not in skip]


def main(argv: list[str]) -> int:
    text = " ".join(argv) if argv else sys.stdin.read()
    report = analyse(text)
    print(f"zinnen: {report.sentence_count}, gemiddeld {report.avg_sentence_words:.1f} woorden, "
          f"langste {report.longest_sentence_words}, lange woorden {report.long_word_share:.0%} "
          f"({', '.join(sorted(set(report.long_words)))}), Flesch-Douma {report.flesch_douma}")
    issues = problems(text, is_faq_answer=True)
    for issue in issues:
        print(" -", issue)
    return 1 if issues else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
