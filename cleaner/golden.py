"""Golden files: `NAME.input.txt` (or `NAME.input.html`) beside `NAME.expected.txt`, compared after cleaning.

An input that is HTML (named `.input.html`, or starting like a page) is cleaned as `cleaner.clean_html`
cleans a page, with the URL in `NAME.url` if the case has one; any other input is cleaned as text."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from cleaner.engine.pipeline import Cleaner

INPUT_SUFFIXES = (".input.txt", ".input.html")
INPUT_SUFFIX = INPUT_SUFFIXES[0]
EXPECTED_SUFFIX = ".expected.txt"
URL_SUFFIX = ".url"


class GoldenFileError(Exception):
    """A golden file that cannot be read as its case needs (not UTF-8, unreadable): the message names it."""


@dataclass(frozen=True)
class Case:
    name: str
    input: Path

    @property
    def expected(self) -> Path:
        return self.input.with_name(self.name + EXPECTED_SUFFIX)

    @property
    def url_file(self) -> Path:
        return self.input.with_name(self.name + URL_SUFFIX)


@dataclass(frozen=True)
class Outcome:
    case: Case
    ok: bool
    diff: str  # empty when ok; otherwise a unified diff or the reason
    broken: bool = False  # a file of the case could not be read (diff says why), rather than a mismatch


def case_name(path: Path) -> str | None:
    """The case an input file belongs to, or None for a file that is no input."""
    suffix = next((s for s in INPUT_SUFFIXES if path.name.endswith(s)), None)
    return None if suffix is None else path.name[: -len(suffix)]


def find_cases(folder: Path) -> list[Case]:
    """One case per name (a name with two inputs is one case, which then fails to run, naming both)."""
    names = {name for p in folder.glob("*.input.*") if (name := case_name(p)) is not None and p.is_file()}
    return [Case(name, input_of(folder, name)) for name in sorted(names)]


def input_of(folder: Path, name: str) -> Path:
    """The input file of case `name` (the .html one if only it exists)."""
    html = folder / (name + INPUT_SUFFIXES[1])
    return html if html.is_file() and not (folder / (name + INPUT_SUFFIX)).is_file() else folder / (name + INPUT_SUFFIX)


def find_orphans(folder: Path) -> list[Case]:
    """Cases whose expected file has no input beside it (the input renamed or deleted)."""
    cases = [Case(name, input_of(folder, name))
             for p in sorted(folder.glob("*" + EXPECTED_SUFFIX)) if (name := p.name[: -len(EXPECTED_SUFFIX)])]
    return [case for case in cases if not case.input.is_file()]


def read_utf8(path: Path) -> str:
    """A golden file's text; GoldenFileError naming it when it is unreadable or not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise GoldenFileError(f"{path}: not valid UTF-8 (byte {err.start}); golden files are UTF-8") from None
    except OSError as err:
        raise GoldenFileError(f"{path}: cannot read: {err.strerror or err}") from None


def cleaned(cleaner: Cleaner, case: Case) -> str:
    """The case's input cleaned: as a page when it is HTML, else as text."""
    from cleaner.cli.console import looks_like_html

    inputs = [case.input.with_name(case.name + suffix) for suffix in INPUT_SUFFIXES]
    if all(path.is_file() for path in inputs):
        names = " and ".join(sorted(path.name for path in inputs))
        raise GoldenFileError(f"{case.input.parent / case.name}: two inputs, {names}; keep one")
    try:
        data = case.input.read_bytes()
    except OSError as err:
        raise GoldenFileError(f"{case.input}: cannot read: {err.strerror or err}") from None
    if case.input.name.endswith(INPUT_SUFFIXES[1]) or looks_like_html(data):
        from cleaner.html import clean_page

        url = read_utf8(case.url_file).strip() or None if case.url_file.is_file() else None
        return clean_page(cleaner, data, url).text
    return cleaner.clean(read_utf8(case.input)).text


def check_case(cleaner: Cleaner, case: Case) -> Outcome:
    if not case.input.is_file():
        return Outcome(case, False, f"expected file {case.expected} has no input {case.input.name}")
    try:
        got = cleaned(cleaner, case)
        if not case.expected.is_file():
            return Outcome(case, False, f"missing expected file {case.expected}")
        want = read_utf8(case.expected)
    except GoldenFileError as err:
        return Outcome(case, False, str(err), broken=True)
    if got == want:
        return Outcome(case, True, "")
    diff = difflib.unified_diff(
        want.splitlines(keepends=True), got.splitlines(keepends=True),
        fromfile=str(case.expected), tofile=f"cleaned {case.input}",
    )
    return Outcome(case, False, "".join(diff))


def update_case(cleaner: Cleaner, case: Case) -> bool:
    """Rewrite the expected file; True when it changed. GoldenFileError for an input that cannot be read
    or an expected file that cannot be written (one that is not UTF-8 is rewritten)."""
    got = cleaned(cleaner, case).encode("utf-8")
    if case.expected.is_file() and case.expected.read_bytes() == got:
        return False
    write_whole(case.expected, got)
    return True


def write_whole(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`: never half written."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise GoldenFileError(f"{path}: cannot write: {err.strerror or err}") from None
