"""Intent accuracy of a trained model on held-out parent messages for the partnership lookup (issue 4).

Usage: .venv/bin/python bench/partnership_intents.py [model.tar.gz]   (default models/wegwijs.tar.gz)
Loads the model in-process (no server) and prints each miss and the accuracy per intent.
"""
from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


async def main(model: str) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    cases = yaml.safe_load((ROOT / "bench/data/partnership_intents_holdout.yml").read_text(encoding="utf-8"))
    right, total = Counter(), Counter()
    for case in cases:
        parsed = await agent.parse_message(case["text"])
        got = parsed["intent"]["name"]
        total[case["intent"]] += 1
        if got == case["intent"]:
            right[case["intent"]] += 1
        else:
            print(f"  miss: {case['text']!r}: expected {case['intent']}, got {got} ({parsed['intent']['confidence']:.2f})")
    for intent in total:
        print(f"{intent:16s} {right[intent]}/{total[intent]}")
    print(f"all              {sum(right.values())}/{sum(total.values())}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "models/wegwijs.tar.gz")))
