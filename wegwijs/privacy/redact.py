"""Remove personal data from Dutch free text, keeping what the assistant needs.

Personal data (AVG) is replaced by a typed placeholder, so a reviewer still sees *what*
the parent shared without seeing the data itself. Kept on purpose: municipality and place
names, four-digit postcodes ("2312") and partnership codes ("PO 28-01", "VO2803"), because
the partnership lookup works with them and they do not identify a person.

Order matters: e-mail and IBAN first (they contain digits that look like phone numbers),
then phone numbers, BSN, addresses and last names (their cues are words).
"""
from __future__ import annotations

import re
from typing import Callable, Collection, Final

from wegwijs.privacy.places import is_place_name

EMAIL: Final = "[e-mail]"
PHONE: Final = "[telefoonnummer]"
BSN: Final = "[BSN]"
IBAN: Final = "[IBAN]"
ADDRESS: Final = "[adres]"
NAME: Final = "[naam]"
PLACEHOLDERS: Final = (EMAIL, PHONE, BSN, IBAN, ADDRESS, NAME)

# --- e-mail: also "jan(at)voorbeeld.nl" and "jan [at] voorbeeld.nl" ---
_EMAIL_RE = re.compile(
    r"[\w.+'-]+(?:\s?@\s?|\s?[\(\[](?:at|apenstaartje)[\)\]]\s?)[\w-]+(?:(?:\.|\s?(?:\(dot\)|\[dot\])\s?)[\w-]+)+",
    re.IGNORECASE,
)

# --- IBAN: validated below (mod 97; Dutch shape always, a typo must not leak) ---
_IBAN_START_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?=[\sA-Za-z0-9])")
_NL_IBAN_RE = re.compile(r"NL\d{2}[A-Z]{4}\d{10}")

# --- phone numbers ---
_SEP = r"[\s.\-/)(]{0,2}"
# Dutch national number: 0 + 9 digits, any grouping ("06-1234 5678", "(071) 535 17 10").
_PHONE_NL_RE = re.compile(rf"(?<![\w+])\(?0(?:{_SEP}\d){{9}}(?!\d)")
# +31 / 0031 with optional "(0)".
_PHONE_31_RE = re.compile(r"(?<![\w+])(?:\+|00)\s?31[\s.\-]?(?:\(0\)[\s.\-]?)?\d(?:[\s.\-]?\d){8}(?!\d)")
# Other countries: + or 00, country code, 7-12 more digits.
_PHONE_INTL_RE = re.compile(r"(?<![\w+])(?:\+|00)\s?[1-9]\d{0,2}(?:[\s.\-]?\(?\d\)?){7,12}(?!\d)")
# Public service numbers (0800 free, 090x paid) belong to organisations, not to parents.
_SERVICE_PREFIXES: Final = ("0800", "0900", "0906", "0909")
_DATE_START_RE = re.compile(r"^\(?\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")

# --- BSN: 9 digits passing the 11-check, or any 8-9 digits right after the word BSN ---
_NINE_DIGITS_RE = re.compile(r"(?<![\w.,/-])\d(?:[\s.-]?\d){8}(?![\w/]|[.,]\d)")
_BSN_CONTEXT_RE = re.compile(
    r"(?P<cue>\b(?:bsn|burgerservicenummer|burger\s?service\s?nummer|sofi-?nummer)"
    r"(?:\s*(?:-?nummer|nr\.?))?\s*(?:is|:|=|van\s+\w+\s+is)?\s*)"
    r"(?P<num>\d(?:[\s.-]?\d){7,8})(?!\d)",
    re.IGNORECASE,
)

# --- street address: street name + house number ---
_STREET_SUFFIXES = (
    "straat|straatje|laan|weg|plein|gracht|kade|singel|dijk|dreef|hof|park|pad|steeg|plantsoen|"
    "markt|baan|veld|allee|boulevard|burgwal|wal|haven|dam|vaart|wetering|kanaal|hoeve|oord|gaarde"
)
_PARTICLES = r"(?:van|de|der|den|het|'t|ter|ten|te|op|aan|in|la|le|du)"
_HOUSE_NUMBER = r"(?:nr\.?\s*|nummer\s+)?\d{1,4}(?:\s?[a-zA-Z](?![\w])|\s?-\s?\d{1,3}(?!\d)|\s?(?:bis|hs|huis)\b)?(?![\d,.]\d)"
_STREET_RE = re.compile(
    rf"(?P<street>(?:(?:[A-Z][\w'’.-]*|{_PARTICLES})\s+){{0,3}}"
    rf"[\w'’.-]{{2,}}?(?:{_STREET_SUFFIXES}))\s+(?P<num>{_HOUSE_NUMBER})(?!\w)"
)
# Streets without a suffix ("Rapenburg 70") only after a cue that signals an address.
_CUED_STREET_RE = re.compile(
    rf"(?P<cue>\b(?:(?:woon|woont|wonen|wonend|gevestigd|adres)\s*(?:is|:)?\s*(?:op|aan)?\s*(?:de\s+|het\s+)?"
    rf"|aan\s+(?:de|het)\s+))"
    rf"(?P<street>[A-Z][\w'’.-]+(?:\s+(?:{_PARTICLES}|[A-Z][\w'’.-]*)){{0,3}})\s+(?P<num>{_HOUSE_NUMBER})(?!\w)"
    # "aan de Regenboog 3 dagen": a number with a unit is not a house number.
    r"(?!\s+(?:dagen|dag|uur|uren|keer|weken|week|jaar|maanden|minuten|kinderen|leerlingen|procent|euro)\b)",
)
# A full postcode next to a house number is an address; the four digits alone are not.
# Two-letter Dutch words after a number ("2023 om 15 uur") are not postcode letters.
_PC6_LETTERS = r"(?!(?:om|en|of|is|in|op|te|na|al|nu|zo|ik|je|we|ze|me|er|de|ja|nr|uw|ca|uur)\b)[A-Za-z]{2}"
_PC6_WITH_NUMBER_RE = re.compile(
    rf"\b(?P<pc4>[1-9]\d{{3}})\s?{_PC6_LETTERS}\b[\s,]*(?:nr\.?\s*|huisnummer\s*|nummer\s*)?\d{{1,4}}[a-zA-Z]?(?![\w])"
)
_PC6_AFTER_ADDRESS_RE = re.compile(rf"\[adres\](?P<sep>,?\s+)(?P<pc4>[1-9]\d{{3}})\s?{_PC6_LETTERS}\b")

# --- names ---
_RELATIONS = (
    r"zoon|zoontje|dochter|dochtertje|kind|kindje|jongen|meisje|pleegzoon|pleegdochter|pleegkind|"
    r"stiefzoon|stiefdochter|kleinzoon|kleindochter|broer|broertje|zus|zusje|man|vrouw|partner|"
    r"juf|juffrouw|meester|leerkracht|mentor|docent|docente|ib'?-?er|intern\s+begeleider|"
    r"directeur|directrice|zorgco[öo]rdinator|begeleider|consulent|coach|leerplichtambtenaar|oudste|jongste|"
    r"kinderen|zonen|dochters|tweeling|jongens|meiden"
)
_POSSESSIVE = r"(?:mijn|m'n|onze|ons|haar|zijn|hun|de|het|een)"
_NAME_WORD = r"[^\W\d_][\w'’-]*"
_CAP_WORD = r"[A-ZÀ-Ý][\w'’-]*"
_SURNAME_TAIL = rf"(?:\s+(?:(?:{_PARTICLES})\s+)*(?:{_CAP_WORD})|\s+(?:(?:{_PARTICLES})\s+)+{_NAME_WORD})"
# "Julia en Tim", "Sem, Lotte en Noor": more capitalised names joined by a comma or "en".
_MORE_NAMES = rf"(?:(?:\s*,\s*|\s+en\s+)(?!(?:Ik|Hij|Zij|Ze|Wij|We|Het|De|Een|Die|Dat|Dit|Maar|En|Of)\b){_CAP_WORD}(?:{_SURNAME_TAIL}){{0,3}})*"
# Strong cues: what follows is a name, even in lower case ("mijn zoon heet daan").
_STRONG_NAME_RE = re.compile(
    rf"(?P<cue>\b(?:(?:{_POSSESSIVE}\s+(?:{_RELATIONS})|ik|hij|zij|ze|wij|we)\s+(?:heet|heten|noemen\s+we|noemen\s+wij)"
    rf"|\bgenaamd|\bmijn\s+naam\s+is|\bnaam\s*:|\bde\s+naam\s+van\s+{_POSSESSIVE}\s+(?:{_RELATIONS})\s+is)\s+)"
    rf"(?P<name>{_NAME_WORD}(?-i:{_SURNAME_TAIL}){{0,3}}(?-i:{_MORE_NAMES}))",
    re.IGNORECASE,
)
# Weak cues: only a capitalised word counts as a name ("mijn zoon Daan", "moeder van Sara").
_WEAK_NAME_RE = re.compile(
    rf"(?P<cue>\b(?:(?i:{_POSSESSIVE}\s+(?:{_RELATIONS}))(?:\s*,\s*|\s*\(\s*|\s+)|(?:(?i:(?:moeder|vader|ouders?|"
    rf"mama|papa|oma|opa|verzorger|voogd|pleegouders?|pleegmoeder|pleegvader)\s+van)|(?i:ik\s+ben)|"
    rf"(?i:(?:met\s+)?(?:vriendelijke\s+)?(?:groet(?:en|jes)?|gr\.|mvg))\s*,?)\s+))"
    rf"(?P<name>{_CAP_WORD}(?:{_SURNAME_TAIL}){{0,3}}{_MORE_NAMES})"
)
# Capitalised words that are not names (sentence words after a weak cue).
_NOT_NAMES: Final = frozenset(
    """
    ik jij je u hij zij ze wij we jullie het de een die dat dit deze is was wordt heeft had
    zit zat gaat ging wil kan mag moet zal krijgt kreeg heb ben en of maar want dus ook nog
    niet geen wel al op in aan bij met van voor naar om uit over onder tot sinds na als dan
    toen nu hier daar er wat wie waar hoe waarom wanneer welke welk graag alstublieft bedankt
    dank hallo hoi goedemorgen goedemiddag goedenavond ja nee oke oké sorry helaas
    moeder vader ouder ouders mama papa leerling leerlingen school groep klas juf meester
    wegwijs nederland nederlands nederlandse nederlander belg belgische marokkaan marokkaanse turk
    turkse surinamer surinaamse antilliaan pool poolse syriër eritreeër alleenstaand alleenstaande
    """.split()
)
_FIRST_WORD_NOT_NAME: Final = _NOT_NAMES | frozenset(
    "eigenlijk officieel anders trouwens precies zo echt volgens voluit".split()
)


def _is_name(candidate: str, strong: bool) -> bool:
    words = candidate.split()
    first = words[0].casefold()
    if strong and len(words) > 1 and re.fullmatch(_PARTICLES, first):
        return True  # "heet Van Dam"
    if first in (_FIRST_WORD_NOT_NAME if strong else _NOT_NAMES):
        return False
    return strong or not is_place_name(candidate) and not is_place_name(candidate.split()[0])


def _redact_names(text: str) -> str:
    def replace(match: re.Match[str], strong: bool) -> str:
        name = match["name"]
        if not _is_name(name, strong):
            return match.group(0)
        return match["cue"] + NAME

    text = _STRONG_NAME_RE.sub(lambda m: replace(m, True), text)
    return _WEAK_NAME_RE.sub(lambda m: replace(m, False), text)


def _redact_addresses(text: str) -> str:
    def street(match: re.Match[str]) -> str:
        name = match["street"].strip()
        words = name.split()
        # "Rotterdam 3011", "Barneveld 3771": a place with its PC4, not a street.
        if any(is_place_name(" ".join(words[i:])) for i in range(len(words))):
            return match.group(0)
        return ADDRESS

    def cued_street(match: re.Match[str]) -> str:
        # After "woon aan/op" a place name can be a street ("Lange Voorhout 34"),
        # unless it carries a four-digit postcode ("woon op Urk 8321").
        if is_place_name(match["street"]) and re.fullmatch(r"\d{4}", match["num"].strip()):
            return match.group(0)
        return match["cue"] + ADDRESS

    text = _PC6_WITH_NUMBER_RE.sub(lambda m: f"{m['pc4']} {ADDRESS}", text)
    text = _CUED_STREET_RE.sub(cued_street, text)
    text = _STREET_RE.sub(street, text)
    return _PC6_AFTER_ADDRESS_RE.sub(lambda m: f"{ADDRESS}{m['sep']}{m['pc4']}", text)


def is_valid_bsn(digits: str) -> bool:
    """The 11-check: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (8 digits: leading 0)."""
    if not digits.isdigit() or len(digits) not in (8, 9):
        return False
    digits = digits.zfill(9)
    if int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def is_valid_iban(candidate: str) -> bool:
    """ISO 13616 check digits (mod 97)."""
    iban = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(iban) <= 34 or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _redact_ibans(text: str) -> str:
    """Find the longest IBAN-shaped run at each start; spaces may group it in fours."""
    out: list[str] = []
    pos = 0
    for start_match in _IBAN_START_RE.finditer(text):
        start = start_match.start()
        if start < pos:
            continue
        # Candidate ends: after each alphanumeric char, letting single spaces separate groups.
        ends: list[int] = []
        i = start
        while i < len(text) and (text[i].isalnum() or (text[i] == " " and i + 1 < len(text) and text[i + 1].isalnum())):
            i += 1
            if text[i - 1].isalnum() and (i == len(text) or not text[i].isalnum()):
                ends.append(i)
            if i - start > 45:
                break
        for end in sorted(set(ends + [i]), reverse=True):
            compact = re.sub(r"\s", "", text[start:end]).upper()
            if _NL_IBAN_RE.fullmatch(compact) or (compact.isalnum() and is_valid_iban(compact)):
                out.append(text[pos:start] + IBAN)
                pos = end
                break
    out.append(text[pos:])
    return "".join(out)


def _redact_phones(text: str) -> str:
    def national(match: re.Match[str]) -> str:
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        if digits.startswith(_SERVICE_PREFIXES) or _DATE_START_RE.match(raw):
            return raw
        return PHONE

    text = _PHONE_31_RE.sub(PHONE, text)
    text = _PHONE_INTL_RE.sub(PHONE, text)
    return _PHONE_NL_RE.sub(national, text)


def _redact_bsns(text: str) -> str:
    text = _BSN_CONTEXT_RE.sub(lambda m: m["cue"] + BSN, text)

    def nine(match: re.Match[str]) -> str:
        return BSN if is_valid_bsn(re.sub(r"\D", "", match.group(0))) else match.group(0)

    return _NINE_DIGITS_RE.sub(nine, text)


def _may_hold_email(text: str) -> bool:
    # _EMAIL_RE needs "@" or a bracketed "(at)" / "[apenstaartje]".
    return "@" in text or "(" in text or "[" in text


def _has_digit(text: str) -> bool:
    # IBAN, phone, BSN and address patterns all need at least one digit (str.isdigit covers \d).
    return any(ch.isdigit() for ch in text)


# Each step with a cheap test that must hold for the step to find anything: most texts (and
# nearly all the assistant's own answers) have no digit and no "@", so the costly patterns
# are skipped without changing any result (redaction runs on every stored event).
_STEPS: Final[tuple[tuple[Callable[[str], bool], Callable[[str], str]], ...]] = (
    (_may_hold_email, lambda t: _EMAIL_RE.sub(EMAIL, t)),
    (_has_digit, _redact_ibans),
    (_has_digit, _redact_phones),
    (_has_digit, _redact_bsns),
    (_has_digit, _redact_addresses),
    (lambda t: True, _redact_names),
)


def redact_text(text: str, keep: Collection[str] = ()) -> str:
    """Return `text` with e-mail, phone, BSN, IBAN, street address and names replaced.

    `keep` lists exact strings that are public on purpose (an organisation's e-mail or
    phone number in the assistant's own answers); they survive redaction.
    """
    if not text or not isinstance(text, str):
        return text
    kept = [item for item in keep if item and item in text]
    for index, item in enumerate(kept):
        text = text.replace(item, f"\x00{index}\x00")
    for applies, step in _STEPS:
        if applies(text):
            text = step(text)
    for index, item in enumerate(kept):
        text = text.replace(f"\x00{index}\x00", item)
    return text


def contact_points(text: str) -> set[str]:
    """E-mail addresses and phone numbers in `text` (to build a `keep` list from public texts)."""
    found = {m.group(0) for m in _EMAIL_RE.finditer(text)}
    for pattern in (_PHONE_31_RE, _PHONE_INTL_RE, _PHONE_NL_RE):
        found |= {m.group(0) for m in pattern.finditer(text)}
    return found


def contains_pii(text: str) -> bool:
    return redact_text(text) != text
