"""NLU quality gate (scripts/nlu_quality_gate.py): split, metrics from Rasa's report, report text.

The gate's training and evaluation run in `make test`; these tests cover the parts that decide
what is measured and how the figures are read.
"""
from __future__ import annotations

from pathlib import Path

from rasa.shared.nlu.training_data.message import Message

from scripts import nlu_quality_gate as gate

ROOT = Path(__file__).resolve().parents[2]


def examples(intent: str, count: int, key: str = "") -> list[Message]:
    data = {"intent": intent}
    if key:
        data["intent_response_key"] = f"{intent}/{key}"
    return [Message(data={"text": f"{intent} {key} {i}", **data}) for i in range(count)]


def test_split_holds_out_one_in_five_per_class_keeps_the_first_and_is_deterministic() -> None:
    messages = examples("greet", 11) + examples("faq", 16, "zorgplicht") + examples("faq", 6, "tlv") + examples("deny", 2)
    train, test = gate.split_examples(messages, every=5)
    held = [m.get("text") for m in test]
    per_class = {label: sum(t.startswith(label) for t in held) for label in ("greet", "faq zorgplicht", "faq tlv", "deny")}
    # 10, 15, 5 and 1 examples after the canonical one: 2, 3, 1 and 0 held out.
    assert per_class == {"greet": 2, "faq zorgplicht": 3, "faq tlv": 1, "deny": 0}
    assert len(train) + len(test) == len(messages)
    train_texts = {m.get("text") for m in train}
    assert not train_texts & set(held)
    assert {"greet  0", "faq zorgplicht 0", "faq tlv 0", "deny  0", "deny  1"} <= train_texts
    # Same split for the same data, in whatever order the examples come.
    assert [m.get("text") for m in gate.split_examples(messages, every=5)[1]] == held
    shuffled = examples("greet", 1) + list(reversed(examples("greet", 11)[1:]))
    assert {m.get("text") for m in gate.split_examples(shuffled, 5)[1]} == {t for t in held if t.startswith("greet")}


def test_split_does_not_follow_the_writers_pattern() -> None:
    # Writers often put the same kind of example (a keyword variant) at the same place in every list.
    # Fixed positions (2, 7, 12, …) would hold out only that kind; the hash order does not.
    messages = []
    for key in "abcdefghij":
        messages += [Message(data={"text": f"{key} voorbeeld {i}", "intent": "faq", "intent_response_key": f"faq/{key}"})
                     for i in range(11)]
    _, test = gate.split_examples(messages, every=5)
    positions = [int(m.get("text").split()[-1]) for m in test]
    assert len(positions) == 20
    assert sum(p % 5 == 2 for p in positions) < len(positions) / 2


REPORT = {
    "faq/a": {"precision": 1.0, "recall": 0.5, "f1-score": 0.6667, "support": 2},
    "faq/b": {"precision": 0.5, "recall": 1.0, "f1-score": 0.6667, "support": 1},
    "chitchat/c": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 3},
    # Only ever predicted, never a target: not one of the held-out classes.
    "faq/z": {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0},
    "accuracy": 0.8,
    "macro avg": {"precision": 0.6, "recall": 0.6, "f1-score": 0.5833, "support": 6},
    "weighted avg": {"precision": 0.9, "recall": 0.8, "f1-score": 0.8, "support": 6},
}


def test_macro_f1_averages_the_held_out_classes_only() -> None:
    assert abs(gate.macro_f1(REPORT) - (0.6667 + 0.6667 + 1.0) / 3) < 1e-6
    assert gate.macro_f1({}) == 0.0


def test_worst_classes_and_per_retrieval_intent_scores() -> None:
    worst = gate.worst_classes(REPORT)
    assert [w["label"] for w in worst] == ["faq/a", "faq/b"]
    assert gate.per_retrieval_intent_macro(REPORT) == {"chitchat": 1.0, "faq": 0.6667}


def test_confusions_are_counted_with_examples() -> None:
    errors = [
        {"text": "x1", "intent": "faq", "intent_prediction": {"name": "out_of_scope", "confidence": 0.6}},
        {"text": "x2", "intent": "faq", "intent_prediction": {"name": "out_of_scope", "confidence": 0.7}},
        {"text": "x3", "intent": "greet", "intent_prediction": {"name": None}},
    ]
    found = gate.confusions(errors, "intent", "intent_prediction")
    assert found[0] == {"true": "faq", "predicted": "out_of_scope", "count": 2, "examples": ["x1", "x2"]}
    assert found[1]["predicted"] == "(geen)"


def test_markdown_report_states_verdict_figures_and_confusions() -> None:
    summary = {
        "created": "t", "commit": "abc", "threshold": 0.9, "config": "config.yml",
        "split": {"kind": "train", "every": 5, "train_examples": 80, "test_examples": 20, "classes": 5},
        "seconds": {"train": 100.0, "total": 130.0}, "passed": False,
        "intent": {"macro_f1": 0.95, "rasa_macro_avg_f1": 0.95, "accuracy": 0.96, "classes": 4, "worst": [],
                   "confusions": []},
        "response_selector": {"macro_f1": 0.7778, "rasa_macro_avg_f1": 0.5833, "accuracy": 0.8, "classes": 3,
                              "per_retrieval_intent_macro_f1": {"faq": 0.6667},
                              "worst": gate.worst_classes(REPORT),
                              "confusions": [{"true": "faq/a", "predicted": "faq/b", "count": 1,
                                              "examples": ["mijn vraag"]}]},
    }
    text = gate.markdown(summary)
    assert "GEZAKT" in text and "0.778" in text and "0.950" in text
    assert "`faq/a` → `faq/b` (1×): “mijn vraag”" in text
    assert "Alle klassen F1 = 1.00." in text  # intents had no weak class


def test_markdown_report_names_the_dev_files_for_the_dev_split() -> None:
    summary = {
        "created": "t", "commit": "abc", "threshold": 0.9, "config": "config.yml", "passed": True,
        "split": {"kind": "dev", "model": "models/wegwijs.tar.gz", "test_examples": 3, "classes": 2,
                  "files": {"a.tsv": 2, "b.tsv": 1}},
        "seconds": {"train": 0.0, "total": 5.0},
        "intent": {"macro_f1": 0.95, "rasa_macro_avg_f1": 0.95, "accuracy": 0.96, "classes": 2, "worst": [],
                   "confusions": []},
        "response_selector": {"macro_f1": 0.91, "rasa_macro_avg_f1": 0.91, "accuracy": 0.9, "classes": 1,
                              "per_retrieval_intent_macro_f1": {}, "worst": [], "confusions": []},
    }
    text = gate.markdown(summary)
    assert "GESLAAGD" in text and "`a.tsv` 2, `b.tsv` 1" in text and "bench/dev/" in text


def test_dev_questions_become_rasa_test_examples(tmp_path: Path) -> None:
    (tmp_path / "x.tsv").write_text(
        "# comment\n"
        "wat is een tlv\tfaq/tlv\n"
        "hoe laat is het\tout_of_scope\n"
        "hallo\tgreet\n"
        "bel mij\tkeywords:0800|bellen\n",
        encoding="utf-8",
    )
    data, per_file = gate.dev_test_data(tmp_path)
    rows = [(m.get("text"), m.get("intent"), m.get("intent_response_key")) for m in data.training_examples]
    # A FAQ row carries its answer key; a bare out_of_scope row only its intent; keyword rows are skipped.
    assert rows == [("wat is een tlv", "faq", "faq/tlv"), ("hoe laat is het", "out_of_scope", None),
                    ("hallo", "greet", None)]
    assert per_file == {"x.tsv": 3}


def test_scores_fail_when_either_part_is_under_the_threshold() -> None:
    good = {"weighted avg": {}, "a": {"precision": 1, "recall": 1, "f1-score": 1.0, "support": 2}}
    result = {"intent_evaluation": {"report": good, "accuracy": 1.0, "errors": []},
              "response_selection_evaluation": {"report": REPORT, "accuracy": 0.8, "errors": []}}
    assert gate.scores(result, 0.9)["passed"] is False  # response macro-F1 0.78
    assert gate.scores(result, 0.7)["passed"] is True
    # No retrieval intents in the test set: only the intents decide.
    assert gate.scores({"intent_evaluation": {"report": good}}, 0.9)["passed"] is True
