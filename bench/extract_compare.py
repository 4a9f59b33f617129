"""Measure two ways to find places and postcodes in parent messages (issue 4 design choice).

A: wegwijs.extract (registry keys after normalisation, longest match, common-word guard, cue-word roles).
B: a spaCy EntityRuler in the local Dutch pipeline (.spacy/nl_wegwijs) with a phrase pattern per official name
   and alias (case-insensitive) plus a postcode token pattern, i.e. what an NLU-side entity ruler would give.

Scores on bench/data/partnership_sentences.yml (hand-labelled): mention precision/recall and, for A, whether
the location used for the answer (school over home) is right. Latency per message in-process.

Usage: .venv/bin/python bench/extract_compare.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import spacy
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wegwijs.extract import extract  # noqa: E402
from wegwijs.registry import get_registry  # noqa: E402
from wegwijs.text import normalize  # noqa: E402

SENTENCES = ROOT / "bench" / "data" / "partnership_sentences.yml"


def entity_ruler_pipeline():
    nlp = spacy.load(ROOT / ".spacy" / "nl_wegwijs")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    registry = get_registry()
    names = sorted({loc.name for loc in registry.locations} | {loc.label for loc in registry.locations})
    aliases = [row.split(",")[0] for row in (ROOT / "resources/registry/aliases.csv").read_text().splitlines()[1:]]
    patterns = [{"label": "PLACE", "pattern": name} for name in names + aliases]
    patterns.append({"label": "POSTCODE", "pattern": [{"TEXT": {"REGEX": r"^[1-9]\d{3}$"}},
                                                      {"TEXT": {"REGEX": r"^[A-Za-z]{2}$"}, "OP": "?"}]})
    ruler.add_patterns(patterns)
    return nlp


def score(gold: list[list[str]], predicted: list[list[str]]) -> tuple[float, float]:
    true_positive = sum(len(set(g) & set(p)) for g, p in zip(gold, predicted))
    predicted_count = sum(len(set(p)) for p in predicted)
    gold_count = sum(len(set(g)) for g in gold)
    return true_positive / max(predicted_count, 1), true_positive / max(gold_count, 1)


def timed(function, texts: list[str], rounds: int = 20) -> list[float]:
    samples = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            function(text)
            samples.append((time.perf_counter() - start) * 1000)
    return sorted(samples)


def main() -> None:
    data = yaml.safe_load(SENTENCES.read_text(encoding="utf-8"))
    texts = [d["text"] for d in data]
    gold = [[normalize(str(p)) for p in d["places"]] for d in data]

    get_registry()  # load outside the timing
    a_mentions = [[normalize(m.text) for m in extract(t).mentions] for t in texts]
    a_lookup = [extract(t).lookup for t in texts]
    a_lookup_right = sum((normalize(m.text) if m else None) == (normalize(str(d["school"])) if d["school"] else None)
                         for m, d in zip(a_lookup, data))
    a_type_right = sum(extract(t).school_type == d["type"] for t, d in zip(texts, data))

    start = time.perf_counter()
    nlp = entity_ruler_pipeline()
    ruler_build_s = time.perf_counter() - start
    b_mentions = [[normalize(e.text) for e in nlp(t).ents] for t in texts]

    a_times, b_times = timed(extract, texts), timed(nlp, texts)
    p99 = lambda xs: xs[int(len(xs) * 0.99) - 1]  # noqa: E731
    print(f"{len(texts)} sentences, {sum(map(len, gold))} labelled mentions")
    for label, mentions, times in (("A wegwijs.extract", a_mentions, a_times),
                                   ("B spaCy EntityRuler", b_mentions, b_times)):
        precision, recall = score(gold, mentions)
        print(f"{label:22s} precision {precision:.3f} recall {recall:.3f} "
              f"median {statistics.median(times):.3f} ms p99 {p99(times):.3f} ms")
    print(f"A: answer location right {a_lookup_right}/{len(data)}, school type right {a_type_right}/{len(data)}")
    print(f"B: building the ruler with {len(nlp.get_pipe('entity_ruler'))} patterns took {ruler_build_s:.1f} s")
    for text, g, b in zip(texts, gold, b_mentions):
        if set(g) != set(b):
            print(f"  B differs: {text!r}: gold {g} got {b}")


if __name__ == "__main__":
    main()
