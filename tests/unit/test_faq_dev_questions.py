"""The FAQ dev questions measure generalisation, so they must stay separate from training.

Checks every bench/dev/faq_*.tsv file: the format, that each expected answer exists, that no
dev question is (almost) a copy of a training example, and the minimum size of part 1.
Also checks the macro-F1 used by bench/faq_dev_eval.py on a hand-computed case.
"""
from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz, process

from wegwijs.faq_catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
DEV_FILES = sorted((ROOT / "bench" / "dev").glob("faq_*.tsv"))
# Every dev file (also core.tsv and the out-of-scope hold-out) must stay apart from training.
ALL_DEV_FILES = sorted((ROOT / "bench" / "dev").glob("*.tsv"))
# Above this similarity (0-100) a dev question counts as a lightly edited training example.
NEAR_COPY = 90


def _load_eval_module():
    spec = importlib.util.spec_from_file_location("faq_dev_eval", ROOT / "bench" / "faq_dev_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _training_examples() -> list[str]:
    examples = []
    for path in (ROOT / "data").rglob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []) or []:
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    examples.append(line.strip()[2:].strip().lower())
    return examples


def _dev_rows(path: Path) -> list[tuple[str, str]]:
    return _load_eval_module().read_dev([path])


@pytest.mark.parametrize("path", DEV_FILES, ids=[p.name for p in DEV_FILES])
def test_dev_file_expects_known_faq_answers(path: Path) -> None:
    catalog = load_catalog()
    rows = _dev_rows(path)
    assert rows, f"{path.name} is empty"
    unknown = {expected for _, expected in rows if expected.split("/", 1)[1] not in catalog}
    assert not unknown, f"{path.name} expects answers that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize("path", ALL_DEV_FILES, ids=[p.name for p in ALL_DEV_FILES])
def test_dev_questions_are_not_copies_of_training_examples(path: Path) -> None:
    training = _training_examples()
    from bench.harness.devset import load_dev_files

    copies = []
    for question in (q.text for q in load_dev_files([path])):
        match = process.extractOne(question.lower(), training, scorer=fuzz.ratio)
        if match and match[1] >= NEAR_COPY:
            copies.append(f"{question!r} ~ {match[0]!r} ({match[1]:.0f})")
    assert not copies, "dev questions that (almost) copy training examples:\n" + "\n".join(copies)


def test_part1_dev_set_covers_every_part1_answer_at_least_twice() -> None:
    part1_keys = set()
    for path in sorted((ROOT / "resources" / "faq").glob("[a-d]_*.yml")):
        part1_keys |= set(yaml.safe_load(path.read_text(encoding="utf-8")))
    rows = _dev_rows(ROOT / "bench" / "dev" / "faq_part1.tsv")
    counts = Counter(expected.split("/", 1)[1] for _, expected in rows)
    assert len(rows) >= 85
    assert {key for key in part1_keys if counts[key] < 2} == set()


def test_macro_f1_matches_a_hand_computed_case() -> None:
    macro_f1 = _load_eval_module().macro_f1
    # a: 2 of 3 right, once predicted as b -> P=1, R=2/3, F1=0.8
    # b: 1 of 1 right, plus 1 false positive -> P=0.5, R=1, F1=2/3
    pairs = [("faq/a", "faq/a"), ("faq/a", "faq/a"), ("faq/a", "faq/b"), ("faq/b", "faq/b")]
    assert macro_f1(pairs) == pytest.approx((0.8 + 2 / 3) / 2)
    assert macro_f1([("faq/a", "faq/a")]) == 1.0
