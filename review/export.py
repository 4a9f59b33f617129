"""From review to training data: intent corrections as Rasa NLU YAML, a conversation as a test story.

Stored texts are redacted, so they contain placeholders such as "[naam]". Square brackets
are entity syntax in Rasa training data, and a model should learn from text that looks
like what parents type; the export therefore puts a fixed, clearly fictional value in
place of each placeholder.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection

from review.schema import corrections, events
from review.summary import message_intent
from wegwijs.privacy import ADDRESS, BSN, EMAIL, IBAN, NAME, PHONE

FICTIONAL_VALUES = {
    NAME: "Sam", EMAIL: "ouder@example.org", PHONE: "0600000000", BSN: "123456782",
    IBAN: "NL00BANK0123456789", ADDRESS: "Dorpsstraat 1",
}
_SKIP_ACTIONS = {"action_listen", "action_session_start"}


def training_text(text: str) -> str:
    for placeholder, value in FICTIONAL_VALUES.items():
        text = text.replace(placeholder, value)
    # Anything else in square brackets would be read as an entity annotation.
    return re.sub(r"[\[\]]", "", text).strip()


class _LiteralDumper(yaml.SafeDumper):
    pass


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _literal)


def project_examples(project_dir: Path) -> dict[str, str]:
    """Example text (case-folded) -> intent, from the project's NLU training data."""
    known: dict[str, str] = {}
    for path in sorted((project_dir / "data").rglob("*.yml")):
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        for item in content.get("nlu") or [] if isinstance(content, dict) else []:
            if isinstance(item, dict) and item.get("intent") and isinstance(item.get("examples"), str):
                for line in item["examples"].splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        known[line[2:].strip().casefold()] = str(item["intent"])
    return known


def project_intents(project_dir: Path) -> list[str]:
    """Intents a correction may choose: the domain's, plus retrieval intents ('faq/...') from data/."""
    names: set[str] = set()
    domain = yaml.safe_load((project_dir / "domain.yml").read_text(encoding="utf-8")) or {}
    for intent in domain.get("intents") or []:
        names.add(next(iter(intent)) if isinstance(intent, dict) else str(intent))
    names |= set(project_examples(project_dir).values())
    return sorted(names)


def nlu_yaml(conn: Connection, project_dir: Path) -> tuple[str, int]:
    """NLU YAML of all corrections; examples already in the training data are left out."""
    known = project_examples(project_dir)
    by_intent: dict[str, list[str]] = {}
    skipped: list[str] = []
    seen: set[str] = set()
    rows = conn.execute(sa.select(corrections.c.text, corrections.c.corrected_intent).order_by(corrections.c.id)).all()
    for text, intent in rows:
        example = training_text(text)
        key = example.casefold()
        if not example or key in seen:
            continue
        seen.add(key)
        if key in known:
            skipped.append(f"{example!r} (staat al bij {known[key]})")
            continue
        by_intent.setdefault(intent, []).append(example)
    document = {
        "version": "3.1",
        "nlu": [{"intent": intent, "examples": "".join(f"- {e}\n" for e in examples)}
                for intent, examples in sorted(by_intent.items())],
    }
    header = ("# Intent corrections from the Wegwijs review app (python -m review / 'Exporteer NLU').\n"
              "# Personal data was removed before storage; names, numbers and addresses are fictional stand-ins.\n")
    if skipped:
        header += "".join(f"# overgeslagen, al in de trainingsdata: {s}\n" for s in skipped)
    count = sum(len(v) for v in by_intent.values())
    return header + yaml.dump(document, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False), count


def story_steps(rows: Iterable[tuple[int, str]], fixed: dict[int, str]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for event_id, raw in rows:
        data = json.loads(raw) if raw else {}
        kind = data.get("event")
        if kind == "user":
            intent, _ = message_intent(data)
            intent = fixed.get(event_id, intent)
            text = training_text(data.get("text") or "")
            if intent and text:
                steps.append({"user": text, "intent": intent})
        elif kind == "action" and data.get("name") and data["name"] not in _SKIP_ACTIONS:
            steps.append({"action": data["name"]})
        elif kind == "slot" and data.get("name"):
            steps.append({"slot_was_set": [{data["name"]: data.get("value")}]})
    return steps


def test_story_yaml(conn: Connection, sender_id: str) -> str:
    rows = conn.execute(sa.select(events.c.id, events.c.data).where(events.c.sender_id == sender_id).order_by(events.c.id)).all()
    fixed = dict(conn.execute(
        sa.select(corrections.c.event_id, corrections.c.corrected_intent).where(corrections.c.sender_id == sender_id)
    ).all())
    document = {"version": "3.1", "stories": [{"story": f"review {sender_id[:60]}", "steps": story_steps(rows, fixed)}]}
    header = "# Test story exported from the Wegwijs review app; check it, then add it to tests/stories/.\n"
    return header + yaml.dump(document, Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False)
