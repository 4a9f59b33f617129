"""Benchmark harness: dev file parsing, scoring of one answer, summary metrics and the report."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.harness import assistant
from bench.harness.devset import DevFileError, ExpectedKind, load_dev_files, parse_expected, parse_lines
from bench.harness.report import markdown_report
from bench.harness.scoring import (
    ResponseCatalogue,
    latency_stats,
    normalise,
    score,
    summarise,
)

ROOT = Path(__file__).resolve().parents[2]

CATALOGUE = ResponseCatalogue(
    {
        "utter_faq/zorgplicht": ["De school moet een goede plek zoeken. Vraag de school om een gesprek."],
        "utter_faq/tlv_bezwaar": ["U kunt binnen 6 weken bezwaar maken. Schrijf een brief."],
        "utter_out_of_scope/algemeen": ["Daar kan ik u niet mee helpen."],
        "utter_out_of_scope/onzin": ["Dat begrijp ik niet goed."],
        "utter_greet": ["Hallo! Wat wilt u weten?"],
    }
)


def parse_result(intent: str, confidence: float = 0.9, key: str = "") -> dict:
    result = {"intent": {"name": intent, "confidence": confidence}, "response_selector": {}}
    if key:
        result["response_selector"][intent] = {"response": {"intent_response_key": key, "confidence": 0.8}}
    return result


def question(expected: str, text: str = "vraag"):
    return parse_lines([f"{text}\t{expected}"], "test.tsv")[0]


# --- dev files --------------------------------------------------------------------------

def test_expected_column_kinds() -> None:
    assert parse_expected("greet").kind is ExpectedKind.INTENT
    faq = parse_expected("faq/zorgplicht")
    assert (faq.kind, faq.intent, faq.key) == (ExpectedKind.RETRIEVAL, "faq", "faq/zorgplicht")
    assert parse_expected("out_of_scope").kind is ExpectedKind.RETRIEVAL_ANY
    keywords = parse_expected("keywords:PO 28-01| Katwijk ")
    assert keywords.kind is ExpectedKind.KEYWORDS and keywords.keywords == ("PO 28-01", "Katwijk")


@pytest.mark.parametrize("bad", ["", "faq/", "/x", "keywords:", "keywords:|"])
def test_malformed_expected_values_are_refused(bad: str) -> None:
    with pytest.raises(DevFileError):
        parse_expected(bad)


def test_lines_skip_comments_and_blanks_and_report_line_numbers() -> None:
    lines = ["# header", "", "wat is een tlv\tfaq/tlv", "geen tab hier"]
    with pytest.raises(DevFileError, match="test.tsv:4"):
        parse_lines(lines, "test.tsv")
    parsed = parse_lines(lines[:3], "test.tsv")
    assert [(q.line, q.text, q.expected.label) for q in parsed] == [(3, "wat is een tlv", "faq/tlv")]


def test_project_dev_files_parse() -> None:
    files = sorted((ROOT / "bench" / "dev").glob("*.tsv"))
    if not files:
        pytest.skip("no dev files yet")
    questions = load_dev_files(files)
    assert len(questions) >= len(files)
    assert all(q.text and q.expected.label for q in questions)


# --- scoring one question ---------------------------------------------------------------

def test_faq_is_right_only_when_the_reply_holds_the_expected_answer() -> None:
    q = question("faq/zorgplicht")
    right = score(q, parse_result("faq", key="faq/zorgplicht"),
                  [{"text": "De school moet een goede  plek zoeken. Vraag de school om een gesprek."}], CATALOGUE)
    assert right.correct and right.nlu_correct and right.answered_by == ("utter_faq/zorgplicht",)

    # The parse is right but the parent got a clarification question: a miss.
    clarified = score(q, parse_result("faq", key="faq/zorgplicht"), [{"text": "Bedoelt u een van deze vragen?"}],
                      CATALOGUE)
    assert clarified.nlu_correct and not clarified.correct
    assert "(onbekende tekst)" in clarified.reason

    wrong = score(q, parse_result("faq", key="faq/tlv_bezwaar"),
                  [{"text": "U kunt binnen 6 weken bezwaar maken. Schrijf een brief."}], CATALOGUE)
    assert not wrong.correct and not wrong.nlu_correct and "utter_faq/tlv_bezwaar" in wrong.reason


def fallback_parse(best_intent: str, key: str, key_confidence: float) -> dict:
    """What /model/parse returns when the FallbackClassifier or the FAQ ambiguity check fired."""
    return {
        "intent": {"name": "nlu_fallback", "confidence": 1.0},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 1.0}, {"name": best_intent, "confidence": 0.7}],
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            best_intent: {"response": {"intent_response_key": key, "confidence": key_confidence}},
        },
    }


def test_clarification_is_a_miss_but_records_what_the_model_would_have_answered() -> None:
    q = question("faq/zorgplicht")
    replies = [{"text": "Bedoelt u een van deze vragen?",
                "buttons": [{"title": "Wat is de zorgplicht van de school?", "payload": "Wat is de zorgplicht van de school?"},
                            {"title": "Iets anders", "payload": "/something_else"}]}]
    options = {"faq/zorgplicht": "Wat is de zorgplicht van de school?", "faq/tlv_bezwaar": "Bezwaar tegen een TLV?"}
    outcome = score(q, fallback_parse("faq", "faq/zorgplicht", 0.25), replies, CATALOGUE, option_questions=options)
    assert not outcome.correct and outcome.clarified
    assert outcome.nlu_correct is False  # the parent did not get the answer from the NLU
    assert outcome.selector_correct is True and outcome.offered_right_option is True
    assert "nlu_fallback → faq/zorgplicht (0.25)" in outcome.reason

    other = score(question("faq/tlv_bezwaar"), fallback_parse("faq", "faq/zorgplicht", 0.25), replies, CATALOGUE,
                  option_questions=options)
    assert other.selector_correct is False and other.offered_right_option is False

    summary = summarise([outcome, other]).as_dict()
    assert summary["clarified"]["right"] == 2
    assert summary["clarified_with_right_option"] == {"right": 1, "total": 2, "rate": 0.5}
    assert summary["selector_top_answer_correct"] == {"right": 1, "total": 2, "rate": 0.5}


def test_answer_split_into_paragraph_messages_or_with_an_extra_line_is_recognised() -> None:
    # Rasa sends "a\n\nb" as two messages; an action may add a follow-up line.
    assert CATALOGUE.names_in(["U kunt binnen 6 weken bezwaar maken.", "Schrijf een brief."]) == {"utter_faq/tlv_bezwaar"}
    assert CATALOGUE.names_in(["U kunt binnen 6 weken bezwaar maken. Schrijf een brief.\n\nHeeft dit u geholpen?"]) == {
        "utter_faq/tlv_bezwaar"}
    assert CATALOGUE.names_in(["U kunt binnen 6 weken bezwaar maken."]) == set()
    assert CATALOGUE.names_in([]) == set()


def test_short_texts_match_only_a_whole_message() -> None:
    catalogue = ResponseCatalogue({"message:partnership/button_yes": ["Ja"], **{
        "utter_faq/jaar": ["Een schooljaar duurt ongeveer 40 weken in Nederland."]}})
    assert catalogue.names_in(["Een schooljaar duurt ongeveer 40 weken in Nederland."]) == {"utter_faq/jaar"}
    assert catalogue.names_in(["ja"]) == {"message:partnership/button_yes"}


def test_fixed_action_messages_are_recognised_but_templates_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "core.yml").write_text(
        'clarify_options: "Bedoelt u een van deze vragen?"\ngreeting: "Hallo {name}"\nnested:\n  a: "x"\n',
        encoding="utf-8")
    catalogue = CATALOGUE.with_action_messages(tmp_path)
    assert catalogue.names_in(["Bedoelt u een van deze vragen?"]) == {"message:core/clarify_options"}
    assert "message:core/greeting" not in catalogue.names
    assert catalogue.names_in(["Dat begrijp ik niet goed."]) == {"utter_out_of_scope/onzin"}
    assert "message:core/clarify_options" not in CATALOGUE.names  # the original is unchanged


def test_bare_out_of_scope_accepts_any_out_of_scope_answer() -> None:
    q = question("out_of_scope")
    outcome = score(q, parse_result("out_of_scope", key="out_of_scope/onzin"),
                    [{"text": "Dat begrijp ik niet goed."}], CATALOGUE)
    assert outcome.correct
    missed = score(q, parse_result("faq", key="faq/zorgplicht"),
                   [{"text": "De school moet een goede plek zoeken. Vraag de school om een gesprek."}], CATALOGUE)
    assert not missed.correct


def test_plain_intent_is_judged_by_the_parse_and_needs_a_reply() -> None:
    q = question("greet")
    assert score(q, parse_result("greet"), [{"text": "Hallo! Wat wilt u weten?"}], CATALOGUE).correct
    assert not score(q, parse_result("goodbye"), [{"text": "Tot ziens"}], CATALOGUE).correct
    assert not score(q, parse_result("greet"), [], CATALOGUE).correct


def test_without_model_parse_plain_intents_are_not_judged_and_nlu_rates_stay_empty() -> None:
    greet = score(question("greet"), {}, [{"text": "Hallo! Wat wilt u weten?"}], CATALOGUE)
    faq = score(question("faq/zorgplicht"), {},
                [{"text": "De school moet een goede plek zoeken. Vraag de school om een gesprek."}], CATALOGUE)
    assert greet.correct is None and greet.nlu_correct is None and greet.clarified is None
    assert faq.correct is True and faq.nlu_correct is None and faq.selector_correct is None
    summary = summarise([greet, faq]).as_dict()
    assert summary["overall"] == {"right": 1, "total": 1, "rate": 1.0}
    assert summary["not_judged"] == 1
    assert summary["nlu_parse_correct"]["rate"] is None and summary["clarified"]["rate"] is None


def test_keywords_match_without_case_and_accents() -> None:
    q = question("keywords:coördinator|PO 28-01")
    assert score(q, {}, [{"text": "Bel de COORDINATOR van de school."}], CATALOGUE).correct
    assert score(q, {}, [{"text": "Dat is po 28-01."}], CATALOGUE).correct
    assert not score(q, {}, [{"text": "Dat weet ik niet."}], CATALOGUE).correct
    assert normalise("  Zorg\tCoördinator ") == "zorg coordinator"


# --- summary ----------------------------------------------------------------------------

def test_summary_counts_files_faq_out_of_scope_and_misses() -> None:
    zorg = "De school moet een goede plek zoeken. Vraag de school om een gesprek."
    outcomes = [
        score(parse_lines(["a\tfaq/zorgplicht"], "f1.tsv")[0], parse_result("faq", key="faq/zorgplicht"),
              [{"text": zorg}], CATALOGUE),
        score(parse_lines(["b\tfaq/tlv_bezwaar"], "f1.tsv")[0], parse_result("out_of_scope", key="out_of_scope/algemeen"),
              [{"text": "Daar kan ik u niet mee helpen."}], CATALOGUE),
        score(parse_lines(["c\tout_of_scope"], "f2.tsv")[0], parse_result("out_of_scope", key="out_of_scope/algemeen"),
              [{"text": "Daar kan ik u niet mee helpen."}], CATALOGUE),
        score(parse_lines(["d\tout_of_scope/onzin"], "f2.tsv")[0], parse_result("out_of_scope", key="out_of_scope/algemeen"),
              [{"text": "Daar kan ik u niet mee helpen."}], CATALOGUE),
    ]
    summary = summarise(outcomes).as_dict()
    assert summary["overall"] == {"right": 2, "total": 4, "rate": 0.5}
    assert summary["faq"]["right"] == 1 and summary["faq"]["total"] == 2
    assert summary["per_file"]["f2.tsv"]["right"] == 1
    # Recognition: any out-of-scope answer counts, even when the sub-key was wrong.
    assert summary["out_of_scope_recognised"] == {"right": 2, "total": 2, "rate": 1.0}
    assert summary["in_scope_sent_away"] == {"right": 1, "total": 2, "rate": 0.5}
    assert [m["question"] for m in summary["misses"]] == ["b", "d"]


def test_latency_percentiles_and_throughput() -> None:
    stats = latency_stats([float(ms) for ms in range(1, 101)], wall_seconds=4.0)
    assert stats["requests"] == 100
    assert 50 <= stats["p50_ms"] <= 51
    assert 95 <= stats["p95_ms"] <= 96
    assert stats["max_ms"] == 100.0
    assert stats["throughput_rps"] == 25.0
    assert latency_stats([], 1.0) == {"requests": 0}


def test_report_shows_figures_and_every_miss() -> None:
    outcomes = [score(question("faq/zorgplicht", "mijn kind | school"), parse_result("faq", key="faq/tlv_bezwaar"),
                      [], CATALOGUE)]
    result = {
        "created": "2026-01-01T00:00:00+00:00", "command": "bench/run_bench.py --start", "commit": "abc",
        "assistant": {"url": "http://x", "started_by_bench": True, "model": "m.tar.gz", "model_mb": 1.0,
                      "model_modified": "t", "startup_seconds": 12.0, "rasa_pid": 1, "model_parse_api": True,
                      "responses_from": "running model"},
        "machine": {"cpus": 2, "load_average_before": [1.0, 1, 1], "load_average_after": [2.0, 1, 1]},
        "accuracy": summarise(outcomes).as_dict(),
        "load": [dict(latency_stats([100.0, 200.0], 1.0), conversations=1, failures=0)],
        "memory_kb": {"rasa_idle_after_start": {"VmRSS": 1024 * 500}, "rasa_end": {"VmRSS": 1024 * 600,
                                                                                   "VmHWM": 1024 * 700}},
        "training": {"seconds": 150.0, "source": "test", "written": "t"},
    }
    text = markdown_report(result)
    assert "0.0% (0/1)" in text
    assert "700 MB" in text and "150 s" in text
    assert "mijn kind / school" in text  # a "|" in a question must not break the table
    assert "`faq/zorgplicht`" in text and "`faq/tlv_bezwaar`" in text


# --- process helpers --------------------------------------------------------------------

def test_memory_of_this_process_is_read_from_proc() -> None:
    mem = assistant.memory_kb(os.getpid())
    assert mem["VmRSS"] > 1000 and mem["VmHWM"] >= mem["VmRSS"]


def test_pid_listening_on_a_port_is_found() -> None:
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert assistant.pid_listening_on(server.getsockname()[1]) == os.getpid()
    assert assistant.pid_listening_on(assistant.free_port()) is None
