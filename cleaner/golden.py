"""Golden files: `NAME.input.txt` beside `NAME.expected.txt`, compared after cleaning."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from cleaner.engine.pipeline import Cleaner

INPUT_SUFFIX = ".input.txt"
EXPECTED_SUFFIX = ".expected.txt"


@dataclass(frozen=True)
class Case:
    name: str
    input: Path

    @property
    def expected(self) -> Path:
        return self.input.with_name(self.name + EXPECTED_SUFFIX)


@dataclass(frozen=True)
class Outcome:
    case: Case
    ok: bool
    diff: str  # empty when ok; otherwise a unified diff or the reason


def find_cases(folder: Path) -> list[Case]:
    return [Case(p.name[: -len(INPUT_SUFFIX)], p) for p in sorted(folder.glob("*" + INPUT_SUFFIX))]


def find_orphans(folder: Path) -> list[Case]:
    """Cases whose expected file has no input beside it (the input renamed or deleted)."""
    cases = [Case(p.name[: -len(EXPECTED_SUFFIX)], p.with_name(p.name[: -len(EXPECTED_SUFFIX)] + INPUT_SUFFIX))
             for p in sorted(folder.glob("*" + EXPECTED_SUFFIX))]
    return [case for case in cases if not case.input.is_file()]


def check_case(cleaner: Cleaner, case: Case) -> Outcome:
    if not case.input.is_file():
        return Outcome(case, False, f"expected file {case.expected} has no input {case.input.name}")
    got = cleaner.clean(case.input.read_text(encoding="utf-8")).text
    if not case.expected.is_file():
        return Outcome(case, False, f"missing expected file {case.expected}")
    want = case.expected.read_text(encoding="utf-8")
    if got == want:
        return Outcome(case, True, "")
    diff = difflib.unified_diff(
        want.splitlines(keepends=True), got.splitlines(keepends=True),
        fromfile=str(case.expected), tofile=f"cleaned {case.input}",
    )
    return Outcome(case, False, "".join(diff))


def update_case(cleaner: Cleaner, case: Case) -> bool:
    """Rewrite the expected file; True when it changed."""
    got = cleaner.clean(case.input.read_text(encoding="utf-8")).text
    if case.expected.is_file() and case.expected.read_text(encoding="utf-8") == got:
        return False
    case.expected.write_text(got, encoding="utf-8")
    return True
