"""PII redaction: the corpus, generated personal data (zero leaks) and real place names / codes (zero false hits)."""
from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest

from wegwijs.privacy import (
    PLACEHOLDERS,
    is_valid_bsn,
    is_valid_iban,
    redact_event,
    redact_text,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "data" / "pii_corpus.tsv"
OFFICIAL = ROOT / "resources" / "official"


def corpus_rows() -> list[tuple[str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        text, expected = line.split("\t")
        rows.append((text, expected))
    return rows


@pytest.mark.parametrize(("text", "expected"), corpus_rows(), ids=lambda v: v[:40])
def test_corpus(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_corpus_is_balanced() -> None:
    rows = corpus_rows()
    with_pii = [t for t, e in rows if t != e]
    without_pii = [t for t, e in rows if t == e]
    # Every placeholder type occurs, and at least as many "keep as is" rows guard against over-redaction.
    for placeholder in PLACEHOLDERS:
        assert any(placeholder in e for _, e in rows), placeholder
    assert len(with_pii) >= 40 and len(without_pii) >= 30


# --- generated personal data: none may survive -------------------------------------------

rng = random.Random(20261122)


def random_bsn() -> str:
    while True:
        candidate = f"{rng.randint(10000000, 999999999):09d}"
        if is_valid_bsn(candidate):
            return candidate


def random_nl_iban() -> str:
    bank = rng.choice(["ABNA", "RABO", "INGB", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ"])
    account = f"{rng.randint(0, 9_999_999_999):010d}"
    for check in range(2, 99):
        candidate = f"NL{check:02d}{bank}{account}"
        if is_valid_iban(candidate):
            return candidate
    raise AssertionError("no check digits")


def phone_variants() -> list[str]:
    mobile = f"{rng.randint(10_000_000, 99_999_999)}"
    area, local = rng.choice([("071", 7), ("020", 7), ("010", 7), ("0511", 6), ("0299", 6)])
    number = f"{rng.randint(10 ** (local - 1), 10 ** local - 1)}"
    return [
        f"06{mobile}", f"06-{mobile}", f"06 {mobile[:4]} {mobile[4:]}", f"06 {mobile[:2]} {mobile[2:4]} {mobile[4:6]} {mobile[6:]}",
        f"+316{mobile}", f"+31 6 {mobile}", f"+31 (0)6 {mobile}", f"00316{mobile}",
        f"{area}-{number}", f"{area} {number[:3]} {number[3:]}", f"({area}) {number}",
    ]


def secret_digits(value: str) -> str:
    return re.sub(r"\D", "", value)


TEMPLATES = [
    "Mijn {kind} is {value}, kunt u helpen?",
    "{value}",
    "bel of mail: {value}. Groet",
    "Hierbij {value} en postcode 2312",
]


@pytest.mark.parametrize("round_", range(40))
def test_generated_personal_data_never_leaks(round_: int) -> None:
    values = {
        "telefoonnummer": phone_variants(),
        "BSN": [(b := random_bsn()), f"{b[:3]}.{b[3:6]}.{b[6:]}", f"{b[:4]} {b[4:6]} {b[6:]}"],
        "IBAN": [(i := random_nl_iban()), " ".join(i[k:k + 4] for k in range(0, len(i), 4)), i.lower()],
        "e-mail": [f"ouder{rng.randint(1, 999)}.{rng.choice(['jansen', 'de-vries', 'el_amrani'])}@"
                   f"{rng.choice(['gmail.com', 'ziggo.nl', 'kpnmail.nl', 'school.example.org'])}"],
    }
    for kind, variants in values.items():
        for value in variants:
            for template in TEMPLATES:
                text = template.format(kind=kind, value=value)
                redacted = redact_text(text)
                assert f"[{kind}]" in redacted, (text, redacted)
                digits = secret_digits(value)
                if len(digits) >= 6:
                    # No run of 6 digits of the secret may remain anywhere.
                    remaining = secret_digits(redacted)
                    assert not any(digits[i:i + 6] in remaining for i in range(len(digits) - 5)), (text, redacted)
                if "@" in value:
                    assert "@" not in redacted


def test_bsn_eleven_check() -> None:
    # 111222333: 9+8+7+12+10+8+9+6-3 = 66 = 6 * 11.
    assert is_valid_bsn("111222333")
    assert not is_valid_bsn("111222334")
    assert not is_valid_bsn("000000000")
    assert not is_valid_bsn("12345")
    # A nine-digit number failing the check is not a BSN and stays (an order number, say).
    assert redact_text("ordernummer 111222334") == "ordernummer 111222334"
    assert redact_text("ordernummer 111222333") == "ordernummer [BSN]"


# --- real place names, postcodes and partnership codes: never redacted ---------------------

def official_rows(file_name: str) -> list[dict[str, str]]:
    with (OFFICIAL / file_name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_no_municipality_or_place_is_redacted() -> None:
    names = {row["name_without_cbs_suffix"] for row in official_rows("gemeenten-huidig.csv")}
    names |= {row["woonplaats"] for row in official_rows("woonplaatsen.csv")}
    assert len(names) > 2000
    wrong = []
    for name in sorted(names):
        for text in (f"Wij wonen in {name}", f"De school staat in {name}, welk samenwerkingsverband?",
                     f"{name}", f"Mijn zoon gaat naar school in {name}"):
            if redact_text(text) != text:
                wrong.append((text, redact_text(text)))
    assert not wrong, wrong[:20]


def test_place_with_pc4_is_kept() -> None:
    rows = official_rows("woonplaatsen-pc4.csv")
    sample = random.Random(4).sample(rows, 400)
    wrong = []
    for row in sample:
        for text in (f"Wij wonen in {row['woonplaats']} {row['pc4']}", f"postcode {row['pc4']} in {row['woonplaats']}",
                     f"{row['pc4']} {row['woonplaats']}"):
            if redact_text(text) != text:
                wrong.append((text, redact_text(text)))
    assert not wrong, wrong[:20]


def test_partnership_codes_are_kept() -> None:
    codes = [row["code"] for row in official_rows("samenwerkingsverbanden.csv")]
    assert len(codes) >= 140
    wrong = []
    for code in codes:
        sector, region, number = code[:2], code[2:4], code[4:]
        for written in (code, f"{sector} {region}-{number}", f"{sector} {region}.{number}", f"SWV {region}.{number} {sector}"):
            text = f"Wat is {written}? Wij zitten in postcode 2312."
            if redact_text(text) != text:
                wrong.append((text, redact_text(text)))
    assert not wrong, wrong[:20]


# --- Rasa event dicts -------------------------------------------------------------------

def test_redact_event_user_message() -> None:
    event = {
        "event": "user",
        "timestamp": 1700000000.5,
        "text": "Mijn zoon heet Daan, bel 06-12345678. We wonen in Leiden.",
        "parse_data": {
            "text": "Mijn zoon heet Daan, bel 06-12345678. We wonen in Leiden.",
            "intent": {"name": "ask_partnership", "confidence": 0.91},
            "entities": [
                {"entity": "school_place", "value": "Leiden", "start": 50, "end": 56},
                {"entity": "person", "value": "Daan", "start": 15, "end": 19},
                {"entity": "phone", "value": "06-12345678"},
            ],
            "intent_ranking": [{"name": "ask_partnership", "confidence": 0.91}],
        },
        "metadata": {"feedback_for": "1234-5678-9012", "note": "mail me: a@b.nl"},
        "message_id": "c0ffee0612345678",
    }
    original = repr(event)
    cleaned = redact_event(event)
    assert repr(event) == original, "input must not be changed"
    assert cleaned["text"] == "Mijn zoon heet [naam], bel [telefoonnummer]. We wonen in Leiden."
    assert cleaned["parse_data"]["text"] == cleaned["text"]
    values = {e["entity"]: e["value"] for e in cleaned["parse_data"]["entities"]}
    assert values == {"school_place": "Leiden", "person": "[naam]", "phone": "[telefoonnummer]"}
    assert cleaned["parse_data"]["intent"] == {"name": "ask_partnership", "confidence": 0.91}
    assert cleaned["metadata"] == {"feedback_for": "1234-5678-9012", "note": "mail me: [e-mail]"}
    assert cleaned["message_id"] == "c0ffee0612345678"
    assert cleaned["timestamp"] == 1700000000.5


def test_redact_event_slots() -> None:
    assert redact_event({"event": "slot", "name": "postcode", "value": "2312"})["value"] == "2312"
    assert redact_event({"event": "slot", "name": "school_place", "value": "Alphen aan den Rijn"})["value"] == "Alphen aan den Rijn"
    assert redact_event({"event": "slot", "name": "partnership_code", "value": "PO2801"})["value"] == "PO2801"
    assert redact_event({"event": "slot", "name": "child_name", "value": "Daan"})["value"] == "[naam]"
    assert redact_event({"event": "slot", "name": "email", "value": "x@y.nl"})["value"] == "[e-mail]"
    assert redact_event({"event": "slot", "name": "notes", "value": ["bel 0612345678", 3]})["value"] == ["bel [telefoonnummer]", 3]
    assert redact_event({"event": "slot", "name": "child_name", "value": None})["value"] is None


def test_redact_event_bot_keeps_service_numbers() -> None:
    bot = {"event": "bot", "text": "Bel Ouders & Onderwijs: 0800-5010.", "data": {"buttons": [{"title": "Ja", "payload": "/affirm"}]}}
    assert redact_event(bot) == bot
    leaked = {"event": "bot", "text": "Uw nummer 0612345678 is genoteerd."}
    assert redact_event(leaked)["text"] == "Uw nummer [telefoonnummer] is genoteerd."


def test_non_message_events_pass_through() -> None:
    for event in ({"event": "action", "name": "action_listen", "policy": None, "confidence": None},
                  {"event": "session_started", "timestamp": 1.0},
                  {"event": "active_loop", "name": None}):
        assert redact_event(event) == event


def test_public_contact_points_can_be_kept_in_bot_messages() -> None:
    answer = "Mail vraag@oudersonderwijs.nl of bel 071 535 1710. Uw eigen nummer 0612345678 bewaren we niet."
    keep = {"vraag@oudersonderwijs.nl", "071 535 1710"}
    bot = redact_event({"event": "bot", "text": answer}, keep=keep)
    assert bot["text"] == "Mail vraag@oudersonderwijs.nl of bel 071 535 1710. Uw eigen nummer [telefoonnummer] bewaren we niet."
    # The same strings typed by a parent are still personal data.
    user = redact_event({"event": "user", "text": answer}, keep=keep)
    assert "vraag@oudersonderwijs.nl" not in user["text"] and "071 535 1710" not in user["text"]
