"""The document model: numbered lines with blank lines marking paragraph breaks."""

from __future__ import annotations

from dataclasses import dataclass

import regex

_LINE_BREAK = regex.compile(r"\r\n|\r|\n")


@dataclass(slots=True)
class Line:
    """One line of the input; `number` is its 1-based line number in the original."""

    number: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True, slots=True)
class Removal:
    """What a rule took out: a whole line, or a span inside a line."""

    rule_id: str
    category: str
    line: int
    text: str
    whole_line: bool = True


def split_lines(text: str) -> list[Line]:
    """Split on CRLF, CR or LF only (not on form feeds or Unicode separators)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return [Line(number, part) for number, part in enumerate(_LINE_BREAK.split(text), 1)]


def join_lines(lines: list[Line]) -> str:
    """Render lines with trailing whitespace stripped and one blank line between paragraphs."""
    out: list[str] = []
    pending_break = False
    for line in lines:
        if line.blank:
            pending_break = bool(out)
            continue
        if pending_break:
            out.append("")
            pending_break = False
        out.append(line.text.rstrip())
    return "\n".join(out) + "\n" if out else ""


def normalize(text: str) -> str:
    """The output convention applied to text without removing anything."""
    return join_lines(split_lines(text))


def word_count(text: str) -> int:
    return len(text.split())
