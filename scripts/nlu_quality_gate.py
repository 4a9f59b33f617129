"""NLU quality gate: intent and response-selector macro-F1 on examples the model did not train on.

Two held-out sets, both scored by Rasa's own evaluation (rasa.nlu.test.run_evaluation, as
`rasa test nlu`) through the whole NLU pipeline:

- `--split dev` (the gate in `make test`): the fixed held-out split in bench/dev/*.tsv, about
  1,000 parent questions written apart from the training data (a unit test rejects any that is
  a near-copy of a training example). Scored on the trained model (models/wegwijs.tar.gz), no
  extra training. `keywords:` rows are skipped; a bare `out_of_scope` row counts for the
  intent only.
- `--split train` (a report for trainers): per intent, or per full retrieval intent (faq/…,
  chitchat/…, out_of_scope/…), every 5th training example in an order fixed by a hash of the
  text (the first, canonical example always stays in training) is held out; an NLU model is
  trained on the rest with config.yml. These held-out examples are the trainers' own hardest
  variants (typos, keywords, long stories), so this figure is lower than on parent questions.

Macro-F1 is the mean F1 over the classes that have held-out examples (labels that only
appear as a wrong prediction count through the recall of the true class, not as extra
zero-F1 classes). The run fails when intent or response-selector macro-F1 is under
--threshold (0.90).

Usage:
    .venv/bin/python scripts/nlu_quality_gate.py [--split dev|train] [--threshold 0.90]
        [--model models/wegwijs.tar.gz] [--dev bench/dev] [--every 5] [--data data]
        [--config config.yml] [--out results]

Writes results/nlu_quality.md (readable, Dutch headings) and results/nlu_quality.json; with
--split train results/nlu_quality_train_split.md and .json.
Exit code: 0 = passed, 1 = under the threshold, 2 = could not run (no data, no model, training failed).
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars in the build log
# No training cache: the default one (.rasa/cache/cache.db in the repo) is a SQLite file shared with
# every other `rasa train` in this working tree, and concurrent writers make a training fail there.
os.environ.setdefault("RASA_MAX_CACHE_SIZE", "0")
# Custom components in config.yml (rasa_ext.*) must be importable, as under `rasa train`.
sys.path.insert(0, str(ROOT))


def split_examples(messages: list[Any], every: int) -> tuple[list[Any], list[Any]]:
    """Split examples per full intent: about 1 in `every` goes to test, chosen by a hash of the text.

    Writers list examples in a pattern (canonical question, then a typo or keyword variant, …),
    so taking fixed positions would hold out mostly one kind of example. Ordering each class by
    a hash of the text keeps the split deterministic but unrelated to that pattern. The first,
    canonical example always stays in training.
    """
    by_class: dict[str, list[Any]] = defaultdict(list)
    for message in messages:
        by_class[message.get_full_intent()].append(message)
    train: list[Any] = []
    test: list[Any] = []
    offset = every // 2
    for examples in by_class.values():
        first, rest = examples[0], sorted(examples[1:], key=lambda m: hashlib.sha1(m.get("text").encode()).hexdigest())
        train.append(first)
        for index, message in enumerate(rest, start=1):
            (test if index % every == offset else train).append(message)
    return train, test


def load_nlu_data(data_dir: Path) -> Any:
    """All NLU data under data_dir, files in sorted order so the split is the same on every machine."""
    from rasa.shared.data import get_data_files, is_nlu_file
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    files = sorted(get_data_files([str(data_dir)], is_nlu_file))
    return TrainingData().merge(*(load_data(f, language="nl") for f in files))


def dev_test_data(dev_dir: Path) -> tuple[Any, Counter[str]]:
    """The dev questions as Rasa NLU test data, and how many questions each file gave."""
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bench.harness.devset import ExpectedKind, load_dev_files

    files = sorted(dev_dir.glob("*.tsv"))
    messages, per_file = [], Counter()
    for question in load_dev_files(files):
        if question.expected.kind is ExpectedKind.KEYWORDS:
            continue  # judged on the answer text by `make bench`, not on an intent
        messages.append(Message.build(text=question.text, intent=question.expected.label))
        per_file[question.source] += 1
    return TrainingData(training_examples=messages), per_file


def macro_f1(report: dict[str, Any]) -> float:
    """Mean F1 over classes with held-out support (keys of an sklearn/Rasa report dict)."""
    scores = [v["f1-score"] for k, v in class_rows(report).items() if v.get("support", 0) > 0]
    return sum(scores) / len(scores) if scores else 0.0


def class_rows(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    skip = {"accuracy", "macro avg", "weighted avg", "micro avg"}
    return {k: v for k, v in report.items() if k not in skip and isinstance(v, dict)}


def confusions(errors: list[dict[str, Any]], target_key: str, prediction_key: str) -> list[dict[str, Any]]:
    """Most frequent (true → predicted) pairs among the errors, with example texts."""
    pairs: Counter[tuple[str, str]] = Counter()
    texts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for error in errors:
        pair = (error.get(target_key) or "", (error.get(prediction_key) or {}).get("name") or "(geen)")
        pairs[pair] += 1
        texts[pair].append(error.get("text", ""))
    return [
        {"true": t, "predicted": p, "count": n, "examples": texts[(t, p)][:3]} for (t, p), n in pairs.most_common()
    ]


def worst_classes(report: dict[str, Any], limit: int = 10) -> list[dict[str, Any]]:
    rows = [
        {"label": k, "f1": round(v["f1-score"], 3), "precision": round(v["precision"], 3),
         "recall": round(v["recall"], 3), "support": v["support"]}
        for k, v in class_rows(report).items()
        if v.get("support", 0) > 0 and v["f1-score"] < 1.0
    ]
    return sorted(rows, key=lambda r: (r["f1"], r["label"]))[:limit]


def per_retrieval_intent_macro(report: dict[str, Any]) -> dict[str, float]:
    groups: dict[str, list[float]] = defaultdict(list)
    for label, row in class_rows(report).items():
        if row.get("support", 0) > 0 and "/" in label:
            groups[label.split("/", 1)[0]].append(row["f1-score"])
    return {k: round(sum(v) / len(v), 4) for k, v in sorted(groups.items())}


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


async def evaluate(model_path: str, test_file: Path, output_dir: Path) -> dict[str, Any]:
    from rasa.core.agent import Agent
    from rasa.nlu.test import run_evaluation

    agent = Agent.load(model_path=model_path)
    return await run_evaluation(
        str(test_file), agent.processor, output_directory=str(output_dir), errors=True,
        disable_plotting=True, report_as_dict=True, domain_path=str(ROOT / "domain.yml"),
    )


def part_scores(evaluation: dict[str, Any], target_key: str, prediction_key: str) -> dict[str, Any]:
    """Macro-F1, accuracy, worst classes and confusions of one part (intents or responses) of Rasa's result."""
    report = evaluation.get("report") or {}
    return {
        "macro_f1": round(macro_f1(report), 4),
        "rasa_macro_avg_f1": round(report.get("macro avg", {}).get("f1-score", 0.0), 4),
        "accuracy": round(evaluation.get("accuracy") or 0.0, 4),
        "classes": len([1 for v in class_rows(report).values() if v.get("support", 0) > 0]),
        "worst": worst_classes(report),
        "confusions": confusions(evaluation.get("errors") or [], target_key, prediction_key)[:15],
    }


def scores(result: dict[str, Any], threshold: float) -> dict[str, Any]:
    """Both parts of Rasa's evaluation result, and whether they pass the threshold."""
    response_eval = result.get("response_selection_evaluation") or {}
    response_report = response_eval.get("report") or {}
    summary = {
        "intent": part_scores(result.get("intent_evaluation") or {}, "intent", "intent_prediction"),
        "response_selector": {
            **part_scores(response_eval, "intent_response_key_target", "intent_response_key_prediction"),
            "per_retrieval_intent_macro_f1": per_retrieval_intent_macro(response_report),
        },
    }
    summary["passed"] = summary["intent"]["macro_f1"] >= threshold and (
        not response_report or summary["response_selector"]["macro_f1"] >= threshold
    )
    return summary


def header(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "threshold": args.threshold,
        "config": str(args.config.relative_to(ROOT) if args.config.is_relative_to(ROOT) else args.config),
    }


def run_dev_gate(args: argparse.Namespace) -> dict[str, Any]:
    """Score the trained model on the fixed held-out dev questions."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    started = time.monotonic()
    if not Path(args.model).is_file():
        raise RuntimeError(f"no trained model at {args.model}: run `make train` first")
    test_data, per_file = dev_test_data(args.dev)
    if not test_data.training_examples:
        raise RuntimeError(f"no dev questions under {args.dev}")
    work = Path(tempfile.mkdtemp(prefix="nlu-gate-", dir=args.tmp))
    RasaYAMLWriter().dump(work / "dev.yml", test_data)
    print(f"[gate] {len(test_data.training_examples)} held-out dev questions; evaluating {args.model}...", flush=True)
    result = asyncio.run(evaluate(str(args.model), work / "dev.yml", work / "eval"))
    return {
        **header(args),
        "split": {"kind": "dev", "model": str(args.model), "test_examples": len(test_data.training_examples),
                  "files": dict(sorted(per_file.items())),
                  "classes": len({m.get_full_intent() for m in test_data.training_examples})},
        "seconds": {"train": 0.0, "total": round(time.monotonic() - started, 1)},
        **scores(result, args.threshold),
        "workdir": str(work),
    }


def run_train_split_gate(args: argparse.Namespace) -> dict[str, Any]:
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.training_data import TrainingData

    started = time.monotonic()
    data = load_nlu_data(args.data)
    train_msgs, test_msgs = split_examples(data.intent_examples, args.every)
    if not test_msgs:
        raise RuntimeError(f"no NLU examples under {args.data}")

    work = Path(tempfile.mkdtemp(prefix="nlu-gate-", dir=args.tmp))
    # Regexes, lookup tables and synonyms are features, not examples: they stay in training.
    train_data = TrainingData(
        training_examples=train_msgs, entity_synonyms=data.entity_synonyms, regex_features=data.regex_features,
        lookup_tables=data.lookup_tables, responses=data.responses,
    )
    test_data = TrainingData(training_examples=test_msgs, responses=data.responses)
    (work / "train").mkdir()
    (work / "test").mkdir()
    # RasaYAMLWriter keeps the responses (persist_nlu drops them); the response selector needs them.
    RasaYAMLWriter().dump(work / "train" / "nlu.yml", train_data)
    RasaYAMLWriter().dump(work / "test" / "nlu.yml", test_data)
    print(f"[gate] {len(train_msgs)} training / {len(test_msgs)} held-out examples; training NLU model...", flush=True)

    config = args.config
    t0 = time.monotonic()
    model = train_nlu(
        config=str(config), nlu_data=str(work / "train"), output=str(work / "model"),
        fixed_model_name="nlu-gate", domain=str(ROOT / "domain.yml"),
    )
    train_seconds = time.monotonic() - t0
    if not model:
        raise RuntimeError("NLU training failed")
    print(f"[gate] trained in {train_seconds:.0f} s; evaluating...", flush=True)

    result = asyncio.run(evaluate(model, work / "test" / "nlu.yml", work / "eval"))
    held_out = Counter(m.get_full_intent() for m in test_msgs)
    return {
        **header(args),
        "split": {"kind": "train", "every": args.every, "train_examples": len(train_msgs),
                  "test_examples": len(test_msgs), "classes": len(held_out)},
        "seconds": {"train": round(train_seconds, 1), "total": round(time.monotonic() - started, 1)},
        **scores(result, args.threshold),
        "workdir": str(work),
    }


def markdown(summary: dict[str, Any]) -> str:
    t = summary["threshold"]
    verdict = "GESLAAGD (passed)" if summary["passed"] else "GEZAKT (failed)"
    split = summary["split"]
    if split["kind"] == "dev":
        files = ", ".join(f"`{name}` {count}" for name, count in split["files"].items())
        testset = (
            f"Testset: de vaste set testvragen in `bench/dev/` ({split['test_examples']} vragen, {split['classes']} "
            f"klassen; {files}), apart geschreven en nooit gebruikt bij het trainen. Model `{split['model']}`; "
            f"totaal {summary['seconds']['total']:.0f} s."
        )
        command = "`.venv/bin/python scripts/nlu_quality_gate.py`"
    else:
        testset = (
            f"Testset: elk {split['every']}e trainingsvoorbeeld per intent/subintent, niet gebruikt bij het trainen "
            f"({split['train_examples']} train, {split['test_examples']} test, {split['classes']} klassen). "
            f"Trainen {summary['seconds']['train']:.0f} s, totaal {summary['seconds']['total']:.0f} s. "
            f"Config `{summary['config']}`."
        )
        command = "`.venv/bin/python scripts/nlu_quality_gate.py --split train`"
    lines = [
        "# NLU-kwaliteit (NLU quality gate)",
        "",
        f"Gemaakt {summary['created']} op commit `{summary['commit']}` met {command}.",
        "",
        f"**Uitslag: {verdict}**: grens macro-F1 ≥ {t:.2f} voor intents én response selector.",
        "",
        testset,
        "",
        "| Onderdeel | macro-F1 | accuracy | klassen | Rasa 'macro avg' |",
        "|---|---|---|---|---|",
    ]
    for key, title in (("intent", "Intents"), ("response_selector", "Response selector (faq/…, chitchat/…, …)")):
        part = summary[key]
        lines.append(f"| {title} | {part['macro_f1']:.3f} | {part['accuracy']:.3f} | {part['classes']} | "
                     f"{part['rasa_macro_avg_f1']:.3f} |")
    per = summary["response_selector"]["per_retrieval_intent_macro_f1"]
    if per:
        lines += ["", "Per retrieval intent (macro-F1): " + ", ".join(f"`{k}` {v:.3f}" for k, v in per.items())]
    for key, title in (("intent", "Intents"), ("response_selector", "Response selector")):
        part = summary[key]
        lines += ["", f"## Zwakste klassen: {title} (worst classes)", ""]
        if part["worst"]:
            lines += ["| klasse | F1 | precision | recall | test-voorbeelden |", "|---|---|---|---|---|"]
            lines += [f"| `{r['label']}` | {r['f1']:.2f} | {r['precision']:.2f} | {r['recall']:.2f} | {r['support']} |"
                      for r in part["worst"]]
        else:
            lines.append("Alle klassen F1 = 1.00.")
        lines += ["", f"## Verwisselingen: {title} (confusions, true → predicted)", ""]
        if part["confusions"]:
            for c in part["confusions"]:
                examples = "; ".join(f"“{e}”" for e in c["examples"])
                lines.append(f"- `{c['true']}` → `{c['predicted']}` ({c['count']}×): {examples}")
        else:
            lines.append("Geen fouten.")
    lines += [
        "",
        "## Zo leest u dit rapport",
        "",
        "- Macro-F1 is het gemiddelde van de F1-score van alle klassen: elke vraag telt even zwaar, ook als er weinig "
        "voorbeelden zijn. Onder de grens faalt `make test`.",
        "- Een lage recall: vragen over dit onderwerp worden niet herkend. Schrijf meer gevarieerde voorbeelden.",
        "- Een lage precision: vragen over andere onderwerpen komen hier terecht. Kijk bij de verwisselingen welke "
        "onderwerpen op elkaar lijken en maak de voorbeelden duidelijker.",
        "- Zet nooit testvragen uit bench/dev/ in de trainingsdata.",
        "",
    ]
    return "\n".join(lines)


def quiet_rasa_logs() -> None:
    """Keep the output to the gate's own lines: Rasa logs every parsed message at debug level."""
    import warnings

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    warnings.filterwarnings("ignore")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "train"), default="dev",
                        help="dev: the fixed held-out dev questions on the trained model (the gate); "
                             "train: hold out every N-th training example and train a model on the rest")
    parser.add_argument("--threshold", type=float, default=0.90)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "wegwijs.tar.gz",
                        help="trained model scored with --split dev")
    parser.add_argument("--dev", type=Path, default=ROOT / "bench" / "dev", help="folder of the dev question files")
    parser.add_argument("--every", type=int, default=5, help="--split train: every N-th example per class is held out")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    parser.add_argument("--tmp", default=None, help="parent folder for the temporary split and model")
    parser.add_argument("--keep", action="store_true", help="keep the split, model and Rasa reports (workdir)")
    args = parser.parse_args()
    quiet_rasa_logs()
    os.chdir(ROOT)  # config.yml refers to .spacy/nl_wegwijs relative to the repo

    try:
        summary = run_dev_gate(args) if args.split == "dev" else run_train_split_gate(args)
    except Exception as exc:  # noqa: BLE001 - any failure to measure must fail the build visibly
        print(f"[gate] could not measure NLU quality: {exc}", file=sys.stderr)
        return 2
    if not args.keep:
        shutil.rmtree(summary.pop("workdir"), ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    name = "nlu_quality" if args.split == "dev" else "nlu_quality_train_split"
    (args.out / f"{name}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    (args.out / f"{name}.md").write_text(markdown(summary), encoding="utf-8")
    i, r = summary["intent"], summary["response_selector"]
    print(f"[gate] intent macro-F1 {i['macro_f1']:.3f}, response selector macro-F1 {r['macro_f1']:.3f} "
          f"(threshold {args.threshold:.2f}) -> {'PASSED' if summary['passed'] else 'FAILED'}; "
          f"[{args.split} split]; report: {args.out / f'{name}.md'}")
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
