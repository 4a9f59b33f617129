"""In-process lookup speed of the partnership registry (goal: p99 under 5 ms per lookup).

Times `Registry.resolve` over every PC4, every municipality and place name, typos (fuzzy path) and bad input,
and `extract` over labelled parent sentences. Loading the registry is timed separately (once per process).

Usage: .venv/bin/python bench/lookup_bench.py [--rounds N]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wegwijs.extract import extract  # noqa: E402
from wegwijs.registry import get_registry  # noqa: E402

GOAL_P99_MS = 5.0
WALL = False


def typo(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name + "x"
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1:]  # drop one letter: always a miss, so the fuzzy path runs


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def run(label: str, function, inputs: list[str], rounds: int) -> float:
    # Wall time includes waiting for the CPU (2 cores shared by many processes on the dev machine);
    # thread CPU time is the work of the lookup itself. Both are reported; the goal is judged on CPU time
    # unless --wall is given.
    wall, cpu = [], []
    for _ in range(rounds):
        for text in inputs:
            start_wall, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
            function(text)
            cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
            wall.append((time.perf_counter_ns() - start_wall) / 1e6)
    print(f"{label:26s} n={len(wall):6d}  wall median {statistics.median(wall):.3f} p99 {percentile(wall, 0.99):.3f}"
          f" | cpu median {statistics.median(cpu):.3f} p99 {percentile(cpu, 0.99):.3f} max {max(cpu):.3f} ms")
    return percentile(wall if WALL else cpu, 0.99)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--wall", action="store_true", help="judge the goal on wall-clock time")
    args = parser.parse_args()
    global WALL
    WALL = args.wall
    rng = random.Random(4)

    start = time.perf_counter()
    registry = get_registry()
    print(f"registry load: {(time.perf_counter() - start) * 1000:.0f} ms (once per process)")

    pc4s = list(registry.pc4_codes)
    names = sorted({loc.name for loc in registry.locations})
    typos = [typo(name, rng) for name in rng.sample(names, 400)]
    bad = ["0000", "99999", "Antwerpen", "qwerty", "'; DROP TABLE x; --", "<b>hallo</b>", "x" * 200]
    sentences = [c["text"] for c in yaml.safe_load((ROOT / "bench/data/partnership_sentences.yml").read_text())]

    worst = max(
        run("resolve(pc4 / postcode)", registry.resolve, pc4s + [p + " AB" for p in pc4s], args.rounds),
        run("resolve(name, exact)", registry.resolve, names, args.rounds),
        run("resolve(name with typo)", registry.resolve, typos, args.rounds),
        run("resolve(bad input)", registry.resolve, bad, args.rounds * 50),
        run("extract(parent sentence)", extract, sentences, args.rounds * 20),
    )
    verdict = "OK" if worst < GOAL_P99_MS else "TOO SLOW"
    print(f"worst p99 ({'wall' if WALL else 'cpu'}) {worst:.3f} ms, goal < {GOAL_P99_MS} ms: {verdict}")
    return 0 if worst < GOAL_P99_MS else 1


if __name__ == "__main__":
    sys.exit(main())
