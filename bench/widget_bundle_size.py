"""Report the size of the built widget bundle (goal: under 60 kB gzipped).

    .venv/bin/python bench/widget_bundle_size.py
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

BUNDLE = Path(__file__).resolve().parent.parent / "widget" / "dist" / "wegwijs-widget.js"
GOAL_GZIP_BYTES = 60 * 1024


def sizes(path: Path = BUNDLE) -> tuple[int, int]:
    raw = path.read_bytes()
    return len(raw), len(gzip.compress(raw, compresslevel=9))


def main() -> int:
    raw, gz = sizes()
    verdict = "OK" if gz < GOAL_GZIP_BYTES else "TOO BIG"
    print(f"{BUNDLE.name}: {raw / 1024:.1f} kB raw, {gz / 1024:.1f} kB gzipped "
          f"(goal < {GOAL_GZIP_BYTES / 1024:.0f} kB): {verdict}")
    return 0 if gz < GOAL_GZIP_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
