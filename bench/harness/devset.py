"""Dev question files: `question<TAB>expected` lines in bench/dev/*.tsv.

The expected column is one of
- an intent: `greet`,
- a retrieval intent with its answer key: `faq/zorgplicht`, `out_of_scope/algemeen`,
- a bare retrieval intent: `out_of_scope` (any answer of that retrieval intent is right),
- keywords: `keywords:word1|word2` (the answer text must contain one of them).
Empty lines and lines starting with `#` are skipped.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class ExpectedKind(str, Enum):
    INTENT = "intent"
    RETRIEVAL = "retrieval"  # faq/<key>: one specific answer
    RETRIEVAL_ANY = "retrieval_any"  # out_of_scope: any answer of the retrieval intent
    KEYWORDS = "keywords"


# Retrieval intents of config.yml (one ResponseSelector each).
RETRIEVAL_INTENTS = frozenset({"faq", "chitchat", "out_of_scope"})


@dataclass(frozen=True)
class Expected:
    kind: ExpectedKind
    intent: str = ""  # intent name (for retrieval: faq, chitchat, out_of_scope)
    key: str = ""  # full retrieval intent, e.g. faq/zorgplicht
    keywords: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.kind is ExpectedKind.KEYWORDS:
            return "keywords:" + "|".join(self.keywords)
        return self.key or self.intent


@dataclass(frozen=True)
class DevQuestion:
    source: str  # file name, e.g. faq_part1.tsv
    line: int
    text: str
    expected: Expected


class DevFileError(ValueError):
    pass


def parse_expected(raw: str) -> Expected:
    value = raw.strip()
    if not value:
        raise DevFileError("empty expected column")
    if value.lower().startswith("keywords:"):
        words = tuple(w.strip() for w in value.split(":", 1)[1].split("|") if w.strip())
        if not words:
            raise DevFileError(f"no keywords in {raw!r}")
        return Expected(ExpectedKind.KEYWORDS, keywords=words)
    if "/" in value:
        intent, _, sub = value.partition("/")
        if not intent or not sub:
            raise DevFileError(f"malformed retrieval intent {raw!r}")
        return Expected(ExpectedKind.RETRIEVAL, intent=intent, key=value)
    if value in RETRIEVAL_INTENTS:
        return Expected(ExpectedKind.RETRIEVAL_ANY, intent=value)
    return Expected(ExpectedKind.INTENT, intent=value)


def parse_lines(lines: list[str], source: str) -> list[DevQuestion]:
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" not in line:
            raise DevFileError(f"{source}:{number}: no TAB between question and expected value")
        text, expected = line.rstrip("\n").rsplit("\t", 1)
        if not text.strip():
            raise DevFileError(f"{source}:{number}: empty question")
        try:
            questions.append(DevQuestion(source, number, text.strip(), parse_expected(expected)))
        except DevFileError as exc:
            raise DevFileError(f"{source}:{number}: {exc}") from None
    return questions


def load_dev_files(paths: list[Path]) -> list[DevQuestion]:
    questions: list[DevQuestion] = []
    for path in sorted(paths):
        questions += parse_lines(path.read_text(encoding="utf-8").splitlines(), path.name)
    return questions
