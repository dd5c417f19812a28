"""The document model: the input's lines, which of them are still kept, and the rendered output."""

from __future__ import annotations

import re
from itertools import filterfalse
from typing import NamedTuple

_BLANK_LINES = re.compile("\n\n\n+")  # two or more blank lines in a row


class Kept(NamedTuple):
    """What a guard kept of a rule's match, or put back (HTML: an article's lead, a content wrapper)."""

    rule_id: str
    why: str
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule_id, "why": self.why, "text": self.text}


class Removal(NamedTuple):  # (records are NamedTuples: a dataclass costs ~1.5 ms of start-up each)
    """What a rule took out: a whole line, or a span inside a line (line numbers are 1-based)."""

    rule_id: str
    category: str
    line: int
    text: str
    whole_line: bool = True
    element: str = ""  # HTML: the element a drop_element rule removed, as tag.class#id (explain shows it)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape used by `--format json`, batch records and the HTTP service."""
        return {"rule": self.rule_id, "category": self.category, "line": self.line, "text": self.text,
                "whole_line": self.whole_line}


class Doc:
    """Lines of one document (trailing whitespace already stripped) and which are still kept.
    `texts` holds each line without its indentation too: what rules match against."""

    __slots__ = ("lines", "texts", "original", "dropped", "memo", "line_memo", "_kept")

    def __init__(self, text: str) -> None:
        self.lines: list[str] = split_lines(text)
        self.texts = list(map(str.lstrip, self.lines))
        self.original = tuple(self.lines)  # lines as read, before any span was cut from them
        self.dropped: set[int] = set()
        self.memo: dict[str, object] = {}  # figures steps derive from the kept lines; cleared on change
        self.line_memo: dict[str, object] = {}  # figures of each line (by index): dropping lines keeps them
        self._kept: list[int] | None = list(range(len(self.lines)))

    @property
    def kept(self) -> list[int]:
        """Indices of the lines still in the document, in order (rebuilt only after drops)."""
        if self._kept is None:
            self._kept = list(filterfalse(self.dropped.__contains__, range(len(self.lines))))
        return self._kept

    def drop(self, indices: set[int]) -> None:
        self.dropped |= indices
        self._kept = None
        self.memo.clear()

    def edit(self, index: int, line: str) -> None:
        """Replace what is left of a line after a span was cut from it."""
        self.lines[index], self.texts[index] = line, line.lstrip()
        self.memo.clear()
        self.line_memo.clear()

    def render(self) -> str:
        """Kept lines with exactly one blank line between paragraphs and a final newline."""
        text = "\n".join(map(self.lines.__getitem__, self.kept)).strip("\n")  # (blank lines are empty)
        if "\n\n\n" in text:  # (a search for the three characters costs far less than the regex's)
            text = _BLANK_LINES.sub("\n\n", text)
        text = text.lstrip("\ufeff")  # a mark left in front by a dropped first line
        return text + "\n" if text and not text.isspace() else ""  # (strip() would copy the text)


def encodes(text: str) -> bool:
    """Valid Unicode: no lone surrogate (JSON allows them; UTF-8, a rule file and strict readers do not)."""
    try:
        return text.isascii() or bool(text.encode("utf-8"))
    except UnicodeEncodeError:
        return False


def split_lines(text: str) -> list[str]:
    """A document's lines as Doc reads them: byte-order marks in front dropped, any line break, trailing whitespace stripped."""
    text = text.lstrip("\ufeff")  # byte-order marks, however many were glued on
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = list(map(str.rstrip, text.split("\n")))
    if "\ufeff" in text:  # stray byte-order marks: a line of nothing else is blank
        lines = [line if line.strip("\ufeff") else "" for line in lines]
    return lines


def normalize(text: str) -> str:
    """The output convention applied to text without removing anything."""
    return Doc(text).render()


_LINE_BREAK = re.compile("\r\n|\r|\n")  # as Doc splits lines


def locate(source: str, removals: list[Removal]) -> list[tuple[int, int] | None]:
    """Character offsets (start, end) into `source`, the text as given, of each removal: the whole
    line for a dropped line, the span inside its line for a cut span; None when a removal has no line
    in `source` (an HTML element) or its span cannot be found there."""
    lead = len(source) - len(source.lstrip("\ufeff"))
    breaks = [(m.start(), m.end()) for m in _LINE_BREAK.finditer(source, lead)]
    starts = [lead, *(end for _, end in breaks)]
    ends = [*(start for start, _ in breaks), len(source)]
    searched: dict[int, int] = {}  # per line: where the next span is looked for
    offsets: list[tuple[int, int] | None] = []
    for r in removals:
        if not 0 < r.line <= len(starts):
            offsets.append(None)
            continue
        start, line = starts[r.line - 1], source[starts[r.line - 1]:ends[r.line - 1]].rstrip()
        if r.whole_line:
            offsets.append((start, start + len(line)))
            continue
        at = line.find(r.text, searched.get(r.line, 0))
        at = line.find(r.text) if at < 0 else at
        searched[r.line] = at + len(r.text) if at >= 0 else searched.get(r.line, 0)
        offsets.append(None if at < 0 else (start + at, start + at + len(r.text)))
    return offsets
