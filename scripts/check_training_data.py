"""Checks the NLU training examples for near-copies, within data/ and against bench/dev/.

A near-copy teaches the model nothing new and makes the held-out quality gate look better
than it is (the "unseen" example was seen, almost). Two examples are near-copies when

- they are the same text after normalisation (case, spaces and punctuation ignored), for any
  two intents; or
- they belong to the same intent, both have at least MIN_WORDS words and their similarity
  (rapidfuzz ratio, 0-100) is at least SAME_INTENT_LIMIT.

Across intents only the same text counts (the same sentence taught as two answers): similar
sentences with opposite meanings ("een goed antwoord" / "geen goed antwoord") are wanted.

Short texts are only compared exactly: "goedemiddag" and "goeiemiddag" are two ways parents
really type, while "hallo" and "hallo?" are one.

Dev questions (bench/dev/*.tsv) must never be (near) copies of a training example:
similarity under DEV_LIMIT.

Usage: .venv/bin/python scripts/check_training_data.py   (exit 1 when something is found)
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
MIN_WORDS = 4
SAME_INTENT_LIMIT = 90
DEV_LIMIT = 90

_PUNCTUATION = re.compile(r"[\s.,!?;:'\"()\-–—/]+")


@dataclass(frozen=True)
class Example:
    intent: str
    text: str
    path: str


def normalise(text: str) -> str:
    """Lower case, punctuation and spaces collapsed; texts made only of punctuation keep it."""
    lowered = text.strip().lower()
    folded = _PUNCTUATION.sub(" ", lowered).strip()
    return folded or lowered


def training_examples(data_dir: Path = ROOT / "data") -> list[Example]:
    examples = []
    for path in sorted(data_dir.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []) or []:
            intent = block.get("intent")
            if not intent:
                continue
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    examples.append(Example(intent, line.strip()[2:].strip(), str(path.relative_to(ROOT))))
    return examples


def near_copies(examples: list[Example]) -> list[tuple[Example, Example, int]]:
    """Pairs of training examples that are near-copies of each other, with their similarity."""
    texts = [normalise(e.text) for e in examples]
    found: list[tuple[Example, Example, int]] = []
    seen: dict[str, int] = {}
    for index, text in enumerate(texts):
        if text in seen:
            found.append((examples[seen[text]], examples[index], 100))
        else:
            seen[text] = index
    long_rows = [i for i, t in enumerate(texts) if len(t.split()) >= MIN_WORDS]
    long_texts = [texts[i] for i in long_rows]
    scores = process.cdist(long_texts, long_texts, scorer=fuzz.ratio, dtype=np.uint8, workers=1)
    rows, cols = np.nonzero(np.triu(scores, k=1) >= SAME_INTENT_LIMIT)
    for a, b in zip(rows.tolist(), cols.tolist()):
        first, second = examples[long_rows[a]], examples[long_rows[b]]
        score = int(scores[a, b])
        if texts[long_rows[a]] == texts[long_rows[b]]:
            continue  # already reported as identical
        if first.intent == second.intent:
            found.append((first, second, score))
    return found


def dev_questions(dev_dir: Path = ROOT / "bench" / "dev") -> list[tuple[str, str]]:
    rows = []
    for path in sorted(dev_dir.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#") and "\t" in line:
                rows.append((line.rsplit("\t", 1)[0].strip(), path.name))
    return rows


def dev_copies(examples: list[Example], dev: list[tuple[str, str]]) -> list[tuple[str, str, Example, int]]:
    """Dev questions that are (near) copies of a training example."""
    training = [normalise(e.text) for e in examples]
    found = []
    for question, source in dev:
        match = process.extractOne(normalise(question), training, scorer=fuzz.ratio)
        if match and match[1] >= DEV_LIMIT:
            found.append((question, source, examples[match[2]], int(match[1])))
    return found


def main() -> int:
    examples = training_examples()
    copies = near_copies(examples)
    leaks = dev_copies(examples, dev_questions())
    for first, second, score in copies:
        print(f"near-copy ({score}): [{first.intent}] {first.text!r}  ~  [{second.intent}] {second.text!r}  ({second.path})")
    for question, source, example, score in leaks:
        print(f"dev question in training ({score}): {source}: {question!r}  ~  [{example.intent}] {example.text!r}")
    print(f"{len(examples)} training examples: {len(copies)} near-copies, {len(leaks)} dev questions copied.")
    return 1 if copies or leaks else 0


if __name__ == "__main__":
    sys.exit(main())
