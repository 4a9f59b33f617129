"""Measure how well a trained model answers unseen FAQ dev questions.

Reads `question<TAB>faq/<key>` lines from bench/dev/faq_*.tsv (or the files given), parses each
question with the real model and reports:
- answered right: top intent is `faq`, no NLU fallback, and the ResponseSelector picks the
  expected answer (what a parent actually sees),
- selector right: the ResponseSelector's answer alone (ignores the intent classifier),
- macro-F1 over the FAQ keys (selector answer, answered-right definition),
- every miss, so a trainer can see which keys are confused.

    .venv/bin/python bench/faq_dev_eval.py --model /tmp/B1-models/b1-nlu.tar.gz bench/dev/faq_part1.tsv
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

ROOT = Path(__file__).resolve().parent.parent
# Custom components in config.yml (rasa_ext.*) must be importable when the model loads.
sys.path.insert(0, str(ROOT))
NO_ANSWER = "<no faq answer>"


@dataclass(frozen=True)
class Outcome:
    question: str
    expected: str
    intent: str
    intent_confidence: float
    selected: str
    selected_confidence: float
    top3: tuple[str, ...] = ()

    @property
    def answered(self) -> str:
        """What the parent gets: the FAQ answer only when the intent is `faq`."""
        return self.selected if self.intent == "faq" else NO_ANSWER


def read_dev(paths: list[Path]) -> list[tuple[str, str]]:
    rows = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            question, sep, expected = line.rpartition("\t")
            if not sep or not expected.startswith("faq/"):
                raise ValueError(f"{path}:{number}: expected 'question<TAB>faq/<key>'")
            rows.append((question.strip(), expected.strip()))
    return rows


async def parse_all(model: Path, rows: list[tuple[str, str]]) -> list[Outcome]:
    from rasa.core.agent import Agent  # imported late: loading Rasa takes seconds
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines in the report

    agent = Agent.load(str(model))
    outcomes = []
    for question, expected in rows:
        result = await agent.parse_message(question)
        faq_selector = result.get("response_selector", {}).get("faq", {})
        selector = faq_selector.get("response", {})
        ranking = faq_selector.get("ranking") or []
        outcomes.append(
            Outcome(
                question=question,
                expected=expected,
                intent=result["intent"]["name"],
                intent_confidence=float(result["intent"]["confidence"]),
                selected=selector.get("intent_response_key") or NO_ANSWER,
                selected_confidence=float(selector.get("confidence") or 0.0),
                top3=tuple(str(r.get("intent_response_key")) for r in ranking[:3]),
            )
        )
    return outcomes


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Macro-F1 over the expected labels (predictions outside them count as false negatives only)."""
    labels = sorted({expected for expected, _ in pairs})
    tp, fp, fn = Counter(), Counter(), Counter()
    for expected, predicted in pairs:
        if expected == predicted:
            tp[expected] += 1
        else:
            fn[expected] += 1
            fp[predicted] += 1
    scores = []
    for label in labels:
        precision = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        recall = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def report(outcomes: list[Outcome]) -> str:
    total = len(outcomes)
    answered = sum(o.answered == o.expected for o in outcomes)
    selector = sum(o.selected == o.expected for o in outcomes)
    # A weak or ambiguous choice becomes nlu_fallback: the assistant then offers its top answers as
    # "Bedoelt u…?" buttons, so the right answer among the top 3 is a recoverable miss, not a wrong answer.
    clarified = sum(o.intent == "nlu_fallback" and o.expected in o.top3 for o in outcomes)
    wrong = sum(o.intent == "faq" and o.selected != o.expected for o in outcomes)
    lines = [
        f"questions: {total}",
        f"answered right (intent faq + right answer): {answered}/{total} = {answered / total:.1%}",
        f"selector right (answer only):              {selector}/{total} = {selector / total:.1%}",
        f"clarification with right answer in top 3:  {clarified}/{total} = {clarified / total:.1%}",
        f"wrong answer given (intent faq):           {wrong}/{total} = {wrong / total:.1%}",
        f"macro-F1 (answered):                       {macro_f1([(o.expected, o.answered) for o in outcomes]):.3f}",
        "misses:",
    ]
    for o in outcomes:
        if o.answered != o.expected:
            lines.append(
                f"  {o.expected} -> {o.selected} ({o.selected_confidence:.2f}), "
                f"intent {o.intent} ({o.intent_confidence:.2f}): {o.question}"
            )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "wegwijs.tar.gz")
    parser.add_argument("dev", nargs="*", type=Path, help="TSV files (default: bench/dev/faq_*.tsv)")
    args = parser.parse_args(argv)
    paths = args.dev or sorted((ROOT / "bench" / "dev").glob("faq_*.tsv"))
    logging.disable(logging.WARNING)
    outcomes = asyncio.run(parse_all(args.model, read_dev(paths)))
    print(report(outcomes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
