"""Markdown report of one benchmark run (bench/results/latest.md, copied to bench/REPORT.md)."""
from __future__ import annotations

from typing import Any, Optional


def _pct(rate: dict[str, Any]) -> str:
    if not rate or rate.get("rate") is None:
        return "n/a"
    return f"{rate['rate']:.1%} ({rate['right']}/{rate['total']})"


def _mb(kb: Optional[int]) -> str:
    return f"{kb / 1024:.0f} MB" if kb else "n/a"


def markdown_report(result: dict[str, Any]) -> str:
    acc = result["accuracy"]
    assistant = result["assistant"]
    machine = result["machine"]
    lines = [
        "# Wegwijs benchmark",
        "",
        f"Measured {result['created']} on commit `{result['commit']}` with:",
        "",
        "```",
        f".venv/bin/python {result['command']}",
        "```",
        "",
        (f"Model `{assistant['model']}` ({assistant['model_mb']} MB, file date {assistant['model_modified']}); "
         if assistant.get("model") else "Model: the one the running server loaded; ")
        + f"assistant {'started by the benchmark' if assistant['started_by_bench'] else 'already running'} at "
        f"{assistant['url']}"
        + (f", ready in {assistant['startup_seconds']} s" if assistant.get("startup_seconds") else "") + ". "
        f"Machine: {machine['cpus']} CPUs shared with other work; load average "
        f"{machine['load_average_before'][0]} before, {machine['load_average_after'][0]} after.",
        "",
        "## Answer accuracy on the dev questions",
        "",
        "A question counts as right when the REST reply contains the expected answer (or keyword); "
        "`/model/parse` explains the misses. Answer texts known from: "
        + assistant.get("responses_from", "n/a") + "."
        + ("" if assistant["model_parse_api"] else " (/model/parse was not available: NLU columns empty.)"),
        "",
        "| measure | value |",
        "|---|---|",
        f"| overall | {_pct(acc['overall'])} |",
        f"| FAQ questions (faq/…) | {_pct(acc['faq'])} |",
        f"| out-of-scope recognised | {_pct(acc['out_of_scope_recognised'])} |",
        f"| in-scope questions sent away as out-of-scope | {_pct(acc['in_scope_sent_away'])} |",
        f"| NLU parse right (intent + answer key, no fallback) | {_pct(acc['nlu_parse_correct'])} |",
        f"| response selector's top answer right (ignoring intent and fallback) | "
        f"{_pct(acc.get('selector_top_answer_correct', {}))} |",
        f"| answered with a \"Bedoelt u…?\" clarification | {_pct(acc.get('clarified', {}))} |",
        f"| … of which the buttons offered the right answer | {_pct(acc.get('clarified_with_right_option', {}))} |",
    ]
    for name, rate in acc["per_file"].items():
        lines.append(f"| file `{name}` | {_pct(rate)} |")
    if acc.get("not_judged"):
        lines += ["", f"{acc['not_judged']} questions that expect a plain intent were not judged: without "
                      "/model/parse their reply does not show the intent."]
    lines += ["", "## Latency and throughput (REST webhook)", "",
              "| conversations | messages | p50 | p95 | max | throughput | failures |", "|---|---|---|---|---|---|---|"]
    for phase in result["load"]:
        if not phase.get("requests"):
            lines.append(f"| {phase['conversations']} | 0 | | | | | {phase['failures']} |")
            continue
        lines.append(f"| {phase['conversations']} | {phase['requests']} | {phase['p50_ms']:.0f} ms | "
                     f"{phase['p95_ms']:.0f} ms | {phase['max_ms']:.0f} ms | {phase['throughput_rps']:.1f} msg/s | "
                     f"{phase['failures']} |")
    memory = result["memory_kb"]
    lines += ["", "## Memory of the Rasa server (/proc/<pid>/status)", ""]
    if memory.get("rasa_end"):
        idle, end = memory.get("rasa_idle_after_start") or {}, memory["rasa_end"]
        lines += [f"- resident after start-up (VmRSS): {_mb(idle.get('VmRSS'))}",
                  f"- resident at the end (VmRSS): {_mb(end.get('VmRSS'))}",
                  f"- peak resident (VmHWM): {_mb(end.get('VmHWM'))}"]
    else:
        lines.append("- not measured: the Rasa server's PID was not visible (pass --rasa-pid).")
    training = result.get("training")
    lines += ["", "## Training time", ""]
    if training:
        lines.append(f"- full `rasa train`: {training['seconds']:.0f} s ({training['source']}, {training['written']})")
    else:
        lines.append("- not known: no models/.train_seconds yet; run `make bench TRAIN=1` to measure it.")
    misses = acc["misses"]
    lines += ["", f"## Misses ({len(misses)})", ""]
    if misses:
        lines += ["| file:line | question | expected | NLU (confidence) | answered with |", "|---|---|---|---|---|"]
        for miss in misses:
            question = miss["question"].replace("|", "/")
            answered = ", ".join(miss["answered_by"]) or ("(unknown text)" if miss["reply"] else "(no reply)")
            lines.append(f"| {miss['file']}:{miss['line']} | {question} | `{miss['expected']}` | "
                         f"`{miss['nlu']}` ({miss['nlu_confidence']:.2f}) | {answered} |")
    else:
        lines.append("None.")
    lines.append("")
    return "\n".join(lines)
