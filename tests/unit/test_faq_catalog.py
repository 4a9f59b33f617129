"""The FAQ metadata and the training data must describe the same answers."""
from pathlib import Path

import yaml

from wegwijs.faq_catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]


def faq_data():
    intents, responses = set(), set()
    for path in (ROOT / "data").rglob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []) or []:
            if str(block.get("intent", "")).startswith("faq/"):
                intents.add(block["intent"].split("/", 1)[1])
        for name in (data.get("responses") or {}):
            if name.startswith("utter_faq/"):
                responses.add(name.split("/", 1)[1])
    return intents, responses


def test_every_faq_answer_has_examples_metadata_and_a_response():
    intents, responses = faq_data()
    catalog = load_catalog()
    assert intents, "no FAQ training data found"
    assert intents == responses, f"examples without answer: {intents - responses}; answers without examples: {responses - intents}"
    assert set(catalog) == intents, f"missing metadata: {intents - set(catalog)}; metadata without data: {set(catalog) - intents}"


def test_every_answer_names_its_sources_and_a_short_question():
    for key, entry in load_catalog().items():
        assert entry.sources, f"{key} has no sources"
        assert entry.question.strip() and len(entry.question) <= 80, f"{key}: question missing or too long for a button"
