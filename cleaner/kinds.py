"""The closed set of rule kinds. Each kind is a factory whose keyword-only
parameters are its schema; it returns a step that filters a list of lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import regex

from cleaner.document import Line, word_count

# A removal before the engine stamps it with the rule's id: (line number, text, whole line?).
class Cut(NamedTuple):
    line: int
    text: str
    whole_line: bool = True


Step = Callable[[list[Line]], tuple[list[Line], list[Cut]]]

_SENTENCE_END = regex.compile(r"(?<!\.\.)[.!?][\"'”’)\]]*$")


def compile_pattern(option: str, pattern: str) -> regex.Pattern[str]:
    """Compile a rule's regex, turning a syntax error into a message with the position."""
    try:
        return regex.compile(pattern, regex.VERSION1)
    except regex.error as err:
        where = f" at position {err.pos}" if err.pos is not None else ""
        raise ValueError(f"bad regex in '{option}'{where}: {err.msg}") from None


def _positive(option: str, value: int | float | None) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"'{option}' must be greater than 0, got {value}")


def drop_line(*, pattern: str, max_words: int | None = None, next_line: str | None = None) -> Step:
    """Drops each line the pattern matches (searched in the stripped line), optionally
    only lines of at most `max_words` words, and the line right after when it matches `next_line`."""
    _positive("max_words", max_words)
    compiled = compile_pattern("pattern", pattern)
    follower = compile_pattern("next_line", next_line) if next_line else None

    def step(lines: list[Line]) -> tuple[list[Line], list[Cut]]:
        kept: list[Line] = []
        cuts: list[Cut] = []
        drop_next = False
        for line in lines:
            text = line.text.strip()
            if drop_next and text and follower is not None and follower.search(text):
                cuts.append(Cut(line.number, line.text))
                drop_next = False
                continue
            drop_next = False
            if text and compiled.search(text) and (max_words is None or word_count(text) <= max_words):
                cuts.append(Cut(line.number, line.text))
                drop_next = True
                continue
            kept.append(line)
        return kept, cuts

    return step


def strip_span(*, pattern: str) -> Step:
    """Removes matching spans from a line and keeps the rest; drops the line if nothing
    with a letter or digit is left."""
    compiled = compile_pattern("pattern", pattern)

    def step(lines: list[Line]) -> tuple[list[Line], list[Cut]]:
        kept: list[Line] = []
        cuts: list[Cut] = []
        for line in lines:
            spans = [m.group() for m in compiled.finditer(line.text) if m.group()]
            if not spans:
                kept.append(line)
                continue
            rest = compiled.sub("", line.text).rstrip()
            if not any(ch.isalnum() for ch in rest):
                cuts.append(Cut(line.number, line.text))
                continue
            cuts.extend(Cut(line.number, span, whole_line=False) for span in spans)
            kept.append(Line(line.number, rest))
        return kept, cuts

    return step


def cut_tail(*, marker: str, max_words: int = 300, max_share: float = 0.35) -> Step:
    """Cuts a trailing section from the first line matching `marker` to the end, but only
    when that section is at most `max_words` words and `max_share` of the document's words."""
    _positive("max_words", max_words)
    if not 0 < max_share <= 1:
        raise ValueError(f"'max_share' must be in (0, 1], got {max_share}")
    compiled = compile_pattern("marker", marker)

    def step(lines: list[Line]) -> tuple[list[Line], list[Cut]]:
        total = sum(word_count(line.text) for line in lines)
        tail_words = total
        for index, line in enumerate(lines):
            text = line.text.strip()
            if text and compiled.search(text) and tail_words <= max_words and tail_words <= max_share * total:
                tail = lines[index:]
                return lines[:index], [Cut(t.number, t.text) for t in tail if not t.blank]
            tail_words -= word_count(line.text)
        return lines, []

    return step


def drop_repeated(*, min_words: int = 6) -> Step:
    """Drops a line that repeats an earlier line of at least `min_words` words
    (ignoring case and spacing); the first copy stays."""
    _positive("min_words", min_words)

    def step(lines: list[Line]) -> tuple[list[Line], list[Cut]]:
        seen: set[str] = set()
        kept: list[Line] = []
        cuts: list[Cut] = []
        for line in lines:
            key = " ".join(line.text.split()).casefold()
            if len(key.split()) >= min_words:
                if key in seen:
                    cuts.append(Cut(line.number, line.text))
                    continue
                seen.add(key)
            kept.append(line)
        return kept, cuts

    return step


def drop_short_run(*, min_run: int = 4, max_words: int = 3) -> Step:
    """Drops runs of at least `min_run` adjacent short lines (at most `max_words` words,
    not ending like a sentence) inside one paragraph: leftover menus and widget labels."""
    _positive("min_run", min_run)
    _positive("max_words", max_words)

    def is_short(line: Line) -> bool:
        text = line.text.strip()
        return bool(text) and word_count(text) <= max_words and not _SENTENCE_END.search(text)

    def step(lines: list[Line]) -> tuple[list[Line], list[Cut]]:
        kept: list[Line] = []
        cuts: list[Cut] = []
        run: list[Line] = []
        for line in [*lines, Line(0, "")]:
            if is_short(line):
                run.append(line)
                continue
            if len(run) >= min_run:
                cuts.extend(Cut(r.number, r.text) for r in run)
            else:
                kept.extend(run)
            run = []
            if line.number:
                kept.append(line)
        return kept, cuts

    return step


KINDS: dict[str, Callable[..., Step]] = {
    kind.__name__: kind for kind in (drop_line, strip_span, cut_tail, drop_repeated, drop_short_run)
}
