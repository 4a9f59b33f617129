"""The FAQ dev questions measure generalisation, so they must stay separate from training.

Checks every bench/dev/faq_*.tsv file: the format, that each expected answer exists, and the minimum
size of part 1. That no dev question copies a training example is checked for every dev file in
test_training_data.py (scripts/check_training_data.py).
Also checks the macro-F1 used by bench/faq_dev_eval.py on a hand-computed case.
"""
from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from wegwijs.faq_catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
DEV_FILES = sorted((ROOT / "bench" / "dev").glob("faq_*.tsv"))


def _load_eval_module():
    spec = importlib.util.spec_from_file_location("faq_dev_eval", ROOT / "bench" / "faq_dev_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _dev_rows(path: Path) -> list[tuple[str, str]]:
    return _load_eval_module().read_dev([path])


@pytest.mark.parametrize("path", DEV_FILES, ids=[p.name for p in DEV_FILES])
def test_dev_file_expects_known_faq_answers(path: Path) -> None:
    catalog = load_catalog()
    rows = _dev_rows(path)
    assert rows, f"{path.name} is empty"
    unknown = {expected for _, expected in rows if expected.split("/", 1)[1] not in catalog}
    assert not unknown, f"{path.name} expects answers that do not exist: {sorted(unknown)}"


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
