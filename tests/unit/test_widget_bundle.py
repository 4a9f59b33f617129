"""The committed widget bundle (widget/dist) is small enough and built from the current source."""
from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest

WIDGET = Path(__file__).resolve().parents[2] / "widget"
BUNDLE = WIDGET / "dist" / "wegwijs-widget.js"


def test_bundle_is_under_60_kb_gzipped() -> None:
    size = len(gzip.compress(BUNDLE.read_bytes(), compresslevel=9))
    print(f"widget bundle: {size / 1024:.1f} kB gzipped")
    assert size < 60 * 1024


def test_bundle_matches_the_source(tmp_path: Path) -> None:
    if not (WIDGET / "node_modules" / ".bin" / "esbuild").exists() or shutil.which("node") is None:
        pytest.skip("widget/node_modules missing: run `make widget-build` once to check the bundle against src/")
    out = tmp_path / "wegwijs-widget.js"
    subprocess.run(["node", "build.mjs", str(out)], cwd=WIDGET, check=True, capture_output=True, timeout=120)
    assert out.read_bytes() == BUNDLE.read_bytes(), "widget/dist is stale: run `make widget-build` and commit it"
