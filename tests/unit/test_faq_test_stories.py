"""The generated FAQ test stories must match the FAQ catalogue (one story per answer)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from build_faq_test_stories import TARGET, render  # noqa: E402


def test_faq_test_stories_are_up_to_date():
    assert TARGET.read_text(encoding="utf-8") == render(), "run: .venv/bin/python scripts/build_faq_test_stories.py"
