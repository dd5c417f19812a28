"""The closed set of rule kinds. Each kind is a factory whose keyword-only parameters
are its schema; it returns a step that says which lines or spans of a document go.

A step has `prefilter`: the regex whose literals (atoms.py, prefilter.py) tell which lines the
step might touch (None: the step looks at every line), and `apply`, which returns the
cuts for the given candidate lines. A step may also carry `max_chars`, `upper_case` or
`needs_repeats` (a line length), which the prefilter checks for whole lines or documents
at once. Steps never change the document themselves; the engine applies their cuts, so a
step that times out changes nothing."""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import accumulate, compress
from typing import TYPE_CHECKING, NamedTuple, Protocol

from cleaner.engine.fast import cache, regexes, watchdog
from cleaner.engine.document import Doc
from cleaner.engine.elements import drop_element, drop_element_text
from cleaner.engine.structure import drop_byline, drop_caption, drop_comment_run, drop_link_block, drop_outside_main
from cleaner.engine.fast.prefilter import starts_every_branch

if TYPE_CHECKING:
    import regex

# Fixed helper patterns use `re`, which compiles far faster than `regex` at import.
_DATA = re.compile(r"\d|/|@|www\.")
_LINK = re.compile(r"/|@|www\.")
_RANK = re.compile(r"\d{1,2}\.?$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")  # kana, CJK ideographs, hangul
_BOX_LINES = 40  # the most lines of a teaser box looked at after its heading
_NUMBERED = re.compile(r"\d+[.)]\s")  # '2. Stanford GSB': a numbered section of the article
_SENTENCE_MARKS = ".!?。！？"
_CLOSERS = "\"'”’»)]"
# A reply's thanks ('Thank you this is helpful', 'Thanks so much'), under a post on a thread read as an
# article: no teaser headline (not 'Thanks to ...', which a headline may open with).
_THANKS = re.compile(r"(?i)(?:many )?thank(?:s| you)\b(?! to\b)")
# A sentence end: punctuation after a word of two or more characters ('U.S.' and 'J.' are not
# ends, 'Oct.' is), perhaps inside quotes or brackets, before a space or the end of the text.
_SENTENCE_END = re.compile(r"(?<=\w\w)[.!?]+[\"'”’»)\]]*(?=\s|$)")


class Cut(NamedTuple):
    """A removal: line `index` (0-based) loses `text`; `rest` is what is left of it, None if nothing."""

    index: int
    text: str
    rest: str | None = None


class Budget:
    """Wall-clock time left for one rule on one document; feeds the regex `timeout` (no limit
    with None: then the engine's per-document alarm keeps time, see watchdog.py)."""

    def __init__(self, seconds: float | None) -> None:
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def left(self) -> float | None:
        if self.deadline is None:
            return None
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("regex timed out")
        return remaining


class Step(Protocol):
    prefilter: str | None

    def apply(self, doc: Doc, candidates: Iterable[int], budget: Budget) -> list[Cut]: ...


PROSE_WORDS = 8  # a line of at least this many words ending like a sentence counts as prose
MAX_ROUNDS = 5  # strip_span passes over one line, so cleaning twice changes nothing more


class LazyPattern:
    """A regex compiled on first use: most rules never meet a candidate line in a document."""

    __slots__ = ("source", "_compiled", "_line_search")

    def __init__(self, source: str, compiled: regex.Pattern[str] | None = None) -> None:
        self.source, self._compiled = source, compiled
        self._line_search: Callable[..., regex.Match[str] | None] | None = None

    @property
    def compiled(self) -> regex.Pattern[str]:
        if self._compiled is None:  # (regex is imported then: a start-up whose input meets no rule never needs it)
            with watchdog.paused():  # (an alarm in the middle would leave the import or the cache half done)
                self._compiled = regexes.load(self.source)
        return self._compiled

    @property
    def line_search(self) -> Callable[..., regex.Match[str] | None]:
        """`search` for one line (no line breaks): `match` when every branch of the pattern starts
        with '^', which search would try at each later position only to fail there."""
        if self._line_search is None:
            compiled = self.compiled
            with watchdog.paused():
                import regex

                anchored = starts_every_branch(self.source) and not compiled.flags & (regex.MULTILINE | regex.WORD)
                self._line_search = compiled.match if anchored else compiled.search
        return self._line_search

    def search(self, text: str, **kw: object) -> regex.Match[str] | None:
        return self.compiled.search(text, **kw)

    def finditer(self, text: str, **kw: object):  # type: ignore[no-untyped-def]
        return self.compiled.finditer(text, **kw)

    def sub(self, repl: str, text: str, **kw: object) -> str:
        return self.compiled.sub(repl, text, **kw)


def compile_pattern(option: str, pattern: str) -> LazyPattern:
    """Check a rule's regex (unless the cache knows it compiles) and return it, compiled lazily;
    a syntax error becomes a message with its position in the rule's pattern."""
    known = cache.get()
    if known.is_valid(pattern):
        return LazyPattern(pattern)
    size = regexes.expanded_size(pattern) if "{" in pattern or len(pattern) > regexes.MAX_SIZE else 0
    if size > regexes.MAX_SIZE:
        raise ValueError(f"pattern in '{option}' is too large to compile: {size:,} characters with its counted "
                         f"repeats written out (limit {regexes.MAX_SIZE:,})")
    import regex

    try:
        compiled = regexes.check(pattern)
    except regex.error as err:
        where = f" at position {max(err.pos - len(regexes.SIMPLE_CASE), 0)}" if err.pos is not None else ""
        raise ValueError(f"bad regex in '{option}'{where}: {err.msg}") from None
    known.mark_valid(pattern)
    return LazyPattern(pattern, compiled)


def word_count(text: str) -> int:
    """len(text.split()) for a line without surrounding whitespace, without building the words:
    when the only whitespace is single spaces (every other whitespace character is unprintable),
    the words are the spaces plus one."""
    if text.isprintable() and "  " not in text:
        return text.count(" ") + 1 if text else 0
    return len(text.split())


def _words(doc: Doc, index: int) -> int:
    """word_count of a line, counted once per document for all the rules that ask (a long line
    costs a pass each time; the memo is dropped when a line is edited)."""
    figures = doc.line_memo.get("prose")  # (every line's count, when _prose_totals has run)
    if figures is not None:
        return figures[0][index]  # type: ignore[index]
    counts = doc.line_memo.setdefault("words", {})
    count = counts.get(index)  # type: ignore[attr-defined]
    if count is None:
        count = counts[index] = word_count(doc.texts[index])  # type: ignore[index]
    return count


def is_sentence(text: str) -> bool:
    """Ends in sentence punctuation (not an ellipsis '..'), perhaps inside quotes or brackets."""
    body = text.rstrip(_CLOSERS)
    return bool(body) and body[-1] in _SENTENCE_MARKS and not body[:-1].endswith("..")


def _positive(option: str, value: int | float | None) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"'{option}' must be greater than 0, got {value}")


def sentence_ends(text: str) -> int:
    """How many sentences end in `text` (see _SENTENCE_END)."""
    return len(_SENTENCE_END.findall(text))


class DropLine:
    """Drops each line the pattern matches (searched in the stripped line), optionally only
    lines of at most `max_words` words or `max_chars` characters, or without lower-case
    letters (`upper_case`, a cheap test the prefilter can apply), or with at most
    `max_sentences` sentences ending before the match (more: prose with furniture glued on,
    which a strip_span rule trims), or outside the prose body (`outside_body`: before its first
    prose line or after its last), and the line right after when it matches `next_line`."""

    def __init__(self, pattern: str, max_words: int | None, max_chars: int | None, next_line: str | None,
                 upper_case: bool, max_sentences: int | None = None, outside_body: bool = False,
                 max_copies: int | None = None) -> None:
        self.pattern = compile_pattern("pattern", pattern)
        self.outside_body, self.max_copies = outside_body, max_copies
        self.max_chars, self.upper_case = max_chars, upper_case
        self.follower = compile_pattern("next_line", next_line) if next_line else None
        self.max_words, self.max_sentences = max_words, max_sentences
        self.prefilter = pattern

    def apply(self, doc: Doc, candidates: Iterable[int], budget: Budget) -> list[Cut]:
        cuts: list[Cut] = []
        texts, search, max_chars, max_words = doc.texts, self.pattern.line_search, self.max_chars, self.max_words
        max_sentences, upper_case, follower = self.max_sentences, self.upper_case, self.follower
        limited = budget.deadline is not None  # else the engine's alarm keeps time (see watchdog.py)
        outside_body = self.outside_body
        if outside_body and "body" in doc.memo:  # the body's bounds known: they cost less than a search
            candidates, outside_body = _outside_bounds(doc, candidates), False
        for index in candidates:
            text = texts[index]
            if not text or (max_chars is not None and len(text) > max_chars):
                continue
            if upper_case and not text.isupper():
                continue
            if max_words is not None and _words(doc, index) > max_words:
                continue
            found = search(text, timeout=budget.left()) if limited else search(text)
            if not found or (max_sentences is not None and sentence_ends(text[:found.start()]) > max_sentences):
                continue
            if outside_body and _inside_body(doc, index):
                continue
            if self.max_copies is not None and _copies(doc, text) > self.max_copies:
                continue
            cuts.append(Cut(index, doc.lines[index]))
            if follower is not None:
                cuts.extend(self._follower_cut(doc, index, budget))
        return cuts

    def _follower_cut(self, doc: Doc, index: int, budget: Budget) -> list[Cut]:
        position = bisect_left(doc.kept, index) + 1
        if position >= len(doc.kept):
            return []
        after = doc.kept[position]
        text = doc.texts[after]
        if text and self.follower.line_search(text, timeout=budget.left()):
            return [Cut(after, doc.lines[after])]
        return []


def _copies(doc: Doc, text: str) -> int:
    """How many lines of the document read `text` (counted once per document, on the first call)."""
    counts = doc.memo.get("copies")
    if counts is None:
        counts = doc.memo["copies"] = Counter(doc.texts[i] for i in doc.kept)
    return counts[text]


def drop_line(*, pattern: str, max_words: int | None = None, max_chars: int | None = None,
              next_line: str | None = None, upper_case: bool = False, max_sentences: int | None = None,
              outside_body: bool = False, max_copies: int | None = None) -> Step:
    """Drops lines matching `pattern` (and the next line when it matches `next_line`); with
    `outside_body`, only before the first prose line or after the last; with `max_copies`, only a line
    the document holds at most that many times."""
    _positive("max_words", max_words)
    _positive("max_chars", max_chars)
    _positive("max_copies", max_copies)
    if max_sentences is not None and max_sentences < 0:
        raise ValueError(f"'max_sentences' must be 0 or more, got {max_sentences}")
    return DropLine(pattern, max_words, max_chars, next_line, upper_case, max_sentences, outside_body, max_copies)


def _inside_body(doc: Doc, index: int) -> bool:
    """Whether line `index` lies between the document's first and last prose lines."""
    bounds = _body_bounds(doc)
    return bounds is not None and bounds[0] < index < bounds[1]


def _outside_bounds(doc: Doc, indices: Iterable[int]) -> Iterable[int]:
    """The lines of `indices` that do not lie between the document's first and last prose lines."""
    bounds = _body_bounds(doc)
    if bounds is None:
        return indices
    first, last = bounds
    return [i for i in indices if not first < i < last]


def _body_bounds(doc: Doc) -> tuple[int, int] | None:
    """Indices of the first and last kept prose lines (the article's body), None without any
    (kept in doc.memo until the next change)."""
    if "body" not in doc.memo:  # (looked for from each end: most documents reach prose in a few lines)
        figures = doc.line_memo.get("prose")  # (every line's flag, when _prose_totals has run)
        if figures is not None:
            flag, kept = figures[1].__getitem__, doc.kept  # type: ignore[index]
            first = next(compress(kept, map(flag, kept)), None)
            doc.memo["body"] = None if first is None else \
                (first, next(compress(reversed(kept), map(flag, reversed(kept)))))
        else:
            first = _first_prose(doc.texts, doc.kept)
            doc.memo["body"] = None if first is None else (first, _first_prose(doc.texts, reversed(doc.kept)))
    return doc.memo["body"]  # type: ignore[return-value]


def _is_prose(text: str) -> bool:
    """At least PROSE_WORDS words ending like a sentence: what _prose_totals counts."""
    return is_sentence(text) and word_count(text) >= PROSE_WORDS


_PROSE_ENDS = frozenset(_SENTENCE_MARKS + _CLOSERS)  # the last character of every sentence (is_sentence)


def _first_prose(texts: list[str], order: Iterable[int]) -> int | None:
    """The first line of `order` that is prose (the last character tested first: most lines fail it)."""
    return next((i for i in order if texts[i][-1:] in _PROSE_ENDS and _is_prose(texts[i])), None)


class StripSpan:
    """Removes matching spans from a line and keeps the rest; drops the line if nothing
    with a letter or digit is left."""

    def __init__(self, pattern: str) -> None:
        self.pattern = compile_pattern("pattern", pattern)
        self.prefilter = pattern

    def apply(self, doc: Doc, candidates: Iterable[int], budget: Budget) -> list[Cut]:
        cuts: list[Cut] = []
        finditer = self.pattern.compiled.finditer
        for index in candidates:
            line, content = doc.lines[index], doc.texts[index]
            spans: list[str] = []
            for _ in range(MAX_ROUNDS):  # a removal can bring a new match to the line's end
                matches = [m for m in finditer(content, timeout=budget.left()) if m.end() > m.start()]
                if not matches:
                    break
                spans += [m.group() for m in matches]
                content = _without(content, matches)  # (what `sub` with '' leaves, without a second search)
            if not spans:
                continue
            rest = (line[: len(line) - len(doc.texts[index])] + content).rstrip()  # (the indentation kept)
            if not any(ch.isalnum() for ch in rest):
                cuts.append(Cut(index, line))
            else:
                cuts.extend(Cut(index, span, rest) for span in spans)
        return cuts


def _without(text: str, matches: list[regex.Match[str]]) -> str:
    """`text` with the spans of `matches` (in order, not overlapping) taken out."""
    pieces, position = [], 0
    for match in matches:
        pieces.append(text[position:match.start()])
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


def strip_span(*, pattern: str) -> Step:
    """Removes spans matching `pattern` from lines, keeping the rest of each line."""
    return StripSpan(pattern)


def _marker_positions(doc: Doc, candidates: Iterable[int], pattern: LazyPattern, max_chars: int | None,
                      budget: Budget) -> list[int]:
    """Positions in `doc.kept` of the candidate lines that match a section's marker, in order."""
    limit = max_chars or float("inf")
    texts, kept, search = doc.texts, doc.kept, pattern.line_search
    return [bisect_left(kept, i) for i in candidates
            if 0 < len(texts[i]) <= limit and search(texts[i], timeout=budget.left())]


def _prose_totals(doc: Doc) -> tuple[list[int], list[int]]:
    """Running totals of words and prose sentences over the kept lines: the text between kept
    positions a and b holds words[b] - words[a] words. (Kept in doc.memo until the next change,
    the figures of each line until a line is edited: several rules may ask, and a drop only
    changes which lines add up.)"""
    totals = doc.memo.get("prose_totals")
    if totals is None:
        figures = doc.line_memo.get("prose")
        if figures is None:
            counts = _word_counts(doc.texts)
            prose = [count >= PROSE_WORDS and is_sentence(text) for count, text in zip(counts, doc.texts)]
            figures = doc.line_memo["prose"] = (counts, prose)
        counts, prose = figures  # type: ignore[misc]
        totals = doc.memo["prose_totals"] = ([0, *accumulate(map(counts.__getitem__, doc.kept))],
                                             [0, *accumulate(map(prose.__getitem__, doc.kept))])
    return totals  # type: ignore[return-value]


def _word_counts(texts: list[str]) -> list[int]:
    """word_count of each line (a Doc's lines carry no whitespace at their ends): when no line holds
    whitespace but single spaces, which one test over all of them at once tells, the spaces plus one."""
    joined = "".join(texts)  # (a double space or unprintable character in it is one in a line)
    if joined.isprintable() and "  " not in joined:
        return [text.count(" ") + 1 if text else 0 for text in texts]
    return list(map(word_count, texts))


def _closing_prose(doc: Doc) -> int:
    """Where the run of prose lines (and blank lines) that ends the document starts, as a
    position in doc.kept: the article's last paragraphs after an inline 'Related' box."""
    prose = doc.line_memo["prose"][1]  # type: ignore[index]  (filled by _prose_totals)
    kept, texts = doc.kept, doc.texts
    position = len(kept)
    while position > 0 and (prose[kept[position - 1]] or not texts[kept[position - 1]]):
        position -= 1
    while position < len(kept) and not texts[kept[position]]:
        position += 1  # (the blank lines before it go with the cut)
    return position


class CutTail:
    """Cuts a trailing section from a marker line (of at most `max_chars` characters) to the
    end, only when that section is short (`max_words`, `max_share` of the document) and holds
    few prose sentences. Prose lines that close the document stay (the marker was an inline
    box inside the article), unless `keep_closing_prose` is off: for sections that are prose
    themselves, such as a donation appeal."""

    def __init__(self, marker: str, max_words: int, max_share: float, max_sentences: int,
                 max_chars: int | None, keep_closing_prose: bool) -> None:
        self.pattern = compile_pattern("marker", marker)
        self.keep_closing_prose = keep_closing_prose
        self.prefilter, self.max_chars = marker, max_chars
        self.max_words, self.max_share, self.max_sentences = max_words, max_share, max_sentences

    def apply(self, doc: Doc, candidates: Iterable[int], budget: Budget) -> list[Cut]:
        kept = doc.kept
        markers = [m for m in _marker_positions(doc, candidates, self.pattern, self.max_chars, budget)
                   if not _heads_fields(doc, m)]
        if not markers:
            return []
        words, sentences = _prose_totals(doc)
        end = len(kept)
        while (start := self._first_cut(markers, words, sentences, end)) is not None:
            end = start  # a cut shrinks the document: an earlier marker may now qualify too
        stop = _closing_prose(doc) if self.keep_closing_prose else len(kept)
        return [Cut(i, doc.lines[i]) for i in kept[end:stop] if doc.lines[i]]

    def _first_cut(self, markers: list[int], words: list[int], sentences: list[int], end: int) -> int | None:
        """Position of the first marker whose tail (up to `end`) is short, holds few prose
        sentences and is a small enough share of the text before `end`."""
        for position in markers:
            if position >= end:
                return None
            tail = words[end] - words[position]
            if tail <= self.max_words and sentences[end] - sentences[position] <= self.max_sentences \
                    and tail <= self.max_share * words[end]:
                return position
        return None


# A row of a table of fields ('- Memory: 16 GB RAM', 'OS *: Windows 10'): a label of up to three words, a
# colon and a value. FIELD_ROWS of them among the FIELD_ROWS + 1 lines right under a tail's marker, two with a
# figure in their value and none a question or an exclamation, make the marker the heading of data
# ('Recommended:' over a game's system requirements), not of a list of links: the tail stays. (Teasers take
# the shape too, 'Revolut: Where is the profit?', but read as headlines, seldom with figures.)
_FIELD_ROW = re.compile(r"[-*•·]?\s*[^\W\d][\w®*()/.'-]*(?:\s+[\w®*()/.'&-]+){0,2}\s*:\s+(\S.*)")
FIELD_ROWS = 3


def _heads_fields(doc: Doc, position: int) -> bool:
    """Whether the lines after kept position `position` (blank ones skipped) are a table of data fields
    (see _FIELD_ROW)."""
    following = (doc.texts[i] for i in doc.kept[position + 1:position + 3 * FIELD_ROWS] if doc.texts[i])
    rows = [text for _, text in zip(range(FIELD_ROWS + 1), following)]
    values = [found.group(1) for found in map(_FIELD_ROW.match, rows) if found]
    return len(values) >= FIELD_ROWS and not any(text.rstrip(_CLOSERS)[-1:] in "?!" for text in rows) \
        and sum(any(c.isdigit() for c in value) for value in values) >= 2


def cut_tail(*, marker: str, max_words: int = 300, max_share: float = 0.35, max_sentences: int = 2,
             max_chars: int | None = None, keep_closing_prose: bool = True) -> Step:
    """Cuts a short trailing block (related links, teasers) that starts at a `marker` line."""
    _positive("max_words", max_words)
    _positive("max_chars", max_chars)
    if not 0 < max_share <= 1:
        raise ValueError(f"'max_share' must be in (0, 1], got {max_share}")
    if max_sentences < 0:
        raise ValueError(f"'max_sentences' must be 0 or more, got {max_sentences}")
    return CutTail(marker, max_words, max_share, max_sentences, max_chars, keep_closing_prose)


class CutComments:
    """Cuts a reader-comment section from its heading ('12 Comments', '3 thoughts on “Title”')
    to the end. Unlike `cut_tail` the section may be longer than the article (threads often
    are), so the guard is on what comes before: an article body of `min_words_before` words
    holding `min_sentences_before` prose sentences. A heading above the article (a share bar's
    'Comments' link) therefore never cuts; and when prose comes between two headings, the first
    was a comment link inside the article, so the cut starts at the later one."""

    self_guarded = True  # the engine leaves its cuts out of the over-removal share

    def __init__(self, marker: str, min_words_before: int, min_sentences_before: int, max_chars: int | None) -> None:
        self.pattern = compile_pattern("marker", marker)
        self.prefilter, self.max_chars = marker, max_chars  # (a heading is never longer than max_chars)
        self.min_words_before, self.min_sentences_before = min_words_before, min_sentences_before

    def apply(self, doc: Doc, candidates: Iterable[int], budget: Budget) -> list[Cut]:
        markers = _marker_positions(doc, candidates, self.pattern, self.max_chars, budget)
        if not markers:
            return []
        words, sentences = _prose_totals(doc)
        start = None  # the cut's first position in doc.kept
        for position in markers:
            if start is None:
                if words[position] >= self.min_words_before and sentences[position] >= self.min_sentences_before:
                    start = position
            elif sentences[position] > sentences[start]:  # prose between two headings: the first
                start = position  # was a comment link inside the article
        return [] if start is None else [Cut(i, doc.lines[i]) for i in doc.kept[start:] if doc.lines[i]]


def cut_comments(*, marker: str, min_words_before: int = 50, min_sentences_before: int = 1,
                 max_chars: int | None = None) -> Step:
    """Cuts a reader-comment section from its `marker` heading to the end, after a real article body."""
    _positive("min_words_before", min_words_before)
    _positive("max_chars", max_chars)
    if min_sentences_before < 0:
        raise ValueError(f"'min_sentences_before' must be 0 or more, got {min_sentences_before}")
    return CutComments(marker, min_words_before, min_sentences_before, max_chars)


class CutThread:
    """Cuts a reader-comment thread recognised by its shape rather than a heading: lines only
    threads have (`marker`: reply buttons, 'NAME says:', 'Comment by NAME') recurring every few
    lines, with comment metadata (`meta`: date-and-time stamps, vote counts) among them. A run
    of `min_markers` markers, each within `max_gap` lines of the last, and `min_meta` metadata
    lines in that stretch is a thread; the cut goes from its first comment to the end, once an
    article body of `min_words_before` words and `min_sentences_before` prose sentences comes
    before it (so a page that is only a thread, or a 'Reply' link above the text, never cuts)."""

    self_guarded = True  # the engine leaves its cuts out of the over-removal share

    def __init__(self, marker: str, meta: str, min_markers: int, min_meta: int, max_gap: int,
                 min_words_before: int, min_sentences_before: int, max_chars: int) -> None:
        self.pattern, self.meta = compile_pattern("marker", marker), compile_pattern("meta", meta)
        self.prefilter, self.max_chars = marker, max_chars
        self.min_markers, self.min_meta, self.max_gap = min_markers, min_meta, max_gap
        self.min_words_before, self.min_sentences_before = min_words_before, min_sentences_before

    def apply(self, doc: Doc, candidates: Iterable[int], budget: Budget) -> list[Cut]:
        candidates = candidates if isinstance(candidates, list) else list(candidates)
        if len(candidates) < self.min_markers:  # too few lines could be markers: no search needed
            return []
        markers = _marker_positions(doc, candidates, self.pattern, self.max_chars, budget)
        if len(markers) < self.min_markers:
            return []
        words, sentences = _prose_totals(doc)
        for run in self._runs(markers):
            start = self._thread_start(doc, run, budget)
            if start is not None and words[start] >= self.min_words_before \
                    and sentences[start] >= self.min_sentences_before:
                return [Cut(i, doc.lines[i]) for i in doc.kept[start:] if doc.lines[i]]
        return []

    def _runs(self, markers: list[int]) -> list[list[int]]:
        """Runs of markers each within max_gap kept lines of the one before, long enough."""
        runs: list[list[int]] = [[markers[0]]]
        for position in markers[1:]:
            if position - runs[-1][-1] <= self.max_gap:
                runs[-1].append(position)
            else:
                runs.append([position])
        return [run for run in runs if len(run) >= self.min_markers]

    def _thread_start(self, doc: Doc, run: list[int], budget: Budget) -> int | None:
        """Where the thread begins in doc.kept, or None when the run holds too few metadata lines
        to be a thread. A comment's stamp comes before its reply button: the thread starts at the
        first stamp less than one comment's length (the run's shortest gap) above the first marker,
        and at a bare author name right above that stamp."""
        kept, texts = doc.kept, doc.texts
        comment = min([b - a for a, b in zip(run, run[1:])] + [self.max_gap])
        meta = [p for p in range(max(run[0] - comment + 1, 0), run[-1] + 1)
                if 0 < len(texts[kept[p]]) <= self.max_chars
                and self.meta.line_search(texts[kept[p]], timeout=budget.left())]
        if len(meta) < self.min_meta:
            return None
        if meta and meta[0] < run[0]:
            return meta[0] - 1 if meta[0] > 0 and _is_name(texts[kept[meta[0] - 1]]) else meta[0]
        return run[0]


def _is_name(text: str) -> bool:
    """A bare author name, initial or handle: one to three words, without digits or a '?', '!' or ':'."""
    return 0 < word_count(text) <= 3 and not text.endswith(("?", "!", ":")) and not any(map(str.isdigit, text))


def cut_thread(*, marker: str, meta: str, min_markers: int = 2, min_meta: int = 1, max_gap: int = 12,
               min_words_before: int = 50, min_sentences_before: int = 1, max_chars: int = 120) -> Step:
    """Cuts a reader-comment thread, recognised by recurring reply/author lines and stamps, to the end."""
    for option, value in (("min_markers", min_markers), ("max_gap", max_gap), ("max_chars", max_chars),
                          ("min_words_before", min_words_before)):
        _positive(option, value)
    for option, value in (("min_meta", min_meta), ("min_sentences_before", min_sentences_before)):
        if value < 0:
            raise ValueError(f"'{option}' must be 0 or more, got {value}")
    return CutThread(marker, meta, min_markers, min_meta, max_gap, min_words_before, min_sentences_before,
                     max_chars)


class DropRepeated:
    """Drops a line that repeats, word for word, one of the `within` kept lines just before it."""

    prefilter = None
    def __init__(self, min_words: int, within: int) -> None:
        self.min_words, self.within = min_words, within
        # The prefilter skips documents where no line of this length occurs twice (a line of
        # min_words words has at least one character per word and a space between words).
        self.needs_repeats = 2 * min_words - 1

    def apply(self, doc: Doc, candidates: Iterable[int], budget: Budget) -> list[Cut]:
        cuts: list[Cut] = []
        recent: list[str] = []
        for index in candidates:
            text = doc.texts[index]
            if not text:
                continue
            if text in recent and word_count(text) >= self.min_words:
                cuts.append(Cut(index, doc.lines[index]))
                continue
            recent.append(text)
            if len(recent) > self.within:
                del recent[0]
        return cuts


def drop_repeated(*, min_words: int = 6, within: int = 2) -> Step:
    """Drops a line of at least `min_words` words repeating one of the `within` lines before it."""
    _positive("min_words", min_words)
    _positive("within", within)
    return DropRepeated(min_words, within)


INTRO_WORDS = 6  # words of a line ending in ':' that introduces a list of labels (see DropShortRun._announced)


class DropShortRun:
    """Drops a run of adjacent short lines that do not read as sentences, at the very start
    or end of the document (or anywhere, with `edges_only = false`). With `outside_body`, only
    before the first prose line and after the last (where `edges_only` means: touching either
    end of those stretches), and at the document's edges when there is no prose."""

    prefilter = None

    def __init__(self, min_run: int, max_words: int, max_chars: int, edges_only: bool, outside_body: bool,
                 headlines: int | None = None) -> None:
        # Not `max_chars`: the prefilter would then hand over only the short lines, and a run
        # must see the long lines that end it.
        self.min_run, self.max_words, self.label_chars, self.edges_only = min_run, max_words, max_chars, edges_only
        self.outside_body, self.headlines = outside_body, headlines

    def _short(self, text: str) -> bool:
        """A label: few words, no sentence ending, and no digits, links or glossary entries (_FIELD:
        those are data); with `headlines`, of at least that many words, starting with a capital and without a
        bracket or a source after a sentence (not a list item, a table's entry, a wrapped line of prose
        or an entry's summary: _ATTRIBUTED) nor a reply's thanks (_THANKS)."""
        words = word_count(text)
        if not 0 < len(text) <= self.label_chars or words > self.max_words or is_sentence(text) or _DATA.search(text):
            return False
        if self.headlines is None:
            return not _FIELD.match(text)
        return (words >= self.headlines and text.lstrip("‘“'\"")[:1].isupper() and not text.endswith(":")
                and "(" not in text and not _ATTRIBUTED.search(text) and not _THANKS.match(text))

    def apply(self, doc: Doc, candidates: Iterable[int], budget: Budget) -> list[Cut]:
        order = candidates if isinstance(candidates, list) else list(candidates)
        if not self._may_hold_run(doc, order):
            return []
        spans = _outside_body(doc, order) if self.outside_body else None
        if spans is not None and self.headlines is not None:
            spans = spans[1:]  # teasers come after the article; before it, its own headline may stand
        runs = self._runs(doc, order, self.edges_only or self.outside_body) if spans is None else \
            [run for span in spans for run in self._runs(doc, span, self.edges_only)]
        runs = [run for run in runs if not self._announced(_list_intro(doc, min(run)))]
        runs = [part for run in runs for part in _split_fields(doc, run)]
        doomed = {i for run in runs if len(run) >= self.min_run for i in run}
        return [Cut(i, doc.lines[i]) for i in sorted(doomed)]

    def _announced(self, previous: str) -> bool:
        """Whether the line before a run announces it as the text's own list: for headlines any line
        ending in ':' ('They are:'), for labels a sentence of INTRO_WORDS or more ('We help brands in these
        areas:'; a 'Share this:' or 'Menu:' before a widget's labels is no sentence)."""
        return previous.endswith(":") and (self.headlines is not None or word_count(previous) >= INTRO_WORDS)

    def _may_hold_run(self, doc: Doc, order: list[int]) -> bool:
        """Whether `min_run` adjacent lines of `order` are all of 1 to `label_chars` characters: a
        cheap count of lengths that most documents fail, before any words are counted."""
        texts, limit, run = doc.texts, self.label_chars, 0
        for index in order:
            if 0 < len(texts[index]) <= limit:
                run += 1
                if run == self.min_run:
                    return True
            else:
                run = 0
        return False

    def _runs(self, doc: Doc, order: list[int], edges_only: bool) -> list[list[int]]:
        """Maximal runs of adjacent short lines (a blank line ends a run); with `edges_only`,
        only the runs that could touch the first or last line are looked for."""
        spans = [order, reversed(order)] if edges_only else [order]
        runs: list[list[int]] = []
        for span in spans:
            run: list[int] = []
            for index in span:
                if not doc.texts[index] and not run:
                    continue
                if doc.texts[index] and self._short(doc.texts[index]) and not _PREFORMATTED.match(doc.lines[index]):
                    run.append(index)
                    continue
                if run:
                    runs.append(run)
                    run = []
                if edges_only:
                    break
            if run:
                runs.append(run)
        return runs


def _split_fields(doc: Doc, run: list[int]) -> list[list[int]]:
    """A run that holds a table of fields, a label ending in ':' and its value three times in a row ('Fit:',
    'Regular', 'Length:', 'Long', 'Sleeve:', 'Short'), cut before each of its labels: a product's details,
    not a menu. A share widget ('Share this:', 'Facebook', 'Like this:', 'Loading...') is no such table."""
    order = sorted(run)
    labels = [doc.texts[i].endswith(":") for i in order]
    if not any(labels[k:k + 6] == [True, False] * 3 for k in range(len(labels) - 5)):
        return [run]
    parts: list[list[int]] = [[]]
    for index, label in zip(order, labels):
        if parts[-1] and label:
            parts.append([])
        parts[-1].append(index)
    return parts


# An abbreviation and what it stands for, on one line ('W: Wins', '- PCT:Winning Percentage', 'OPP PPG:
# Opponent Points Per Game'): a glossary's entry, not a menu's label. Not any 'label: value' ('Module: Class',
# 'expr: show', '"brand": "visa"': a documentation site's menu, toggles, code).
_FIELD = re.compile(r"(?:[-*•·] )?[A-Z][A-Z\d&/.+-]{0,7}(?: [A-Z][A-Z\d&/.+-]{0,7})? ?: ?[A-Z][a-z]")


# A sentence and its source after a dash ('... in the classroom. – KMVT'): an entry's summary in a list of
# press mentions, or a quote and its speaker; no headline (a sentence ending stands at a title's end only).
_ATTRIBUTED = re.compile(r"[.!?][\"'”’]?\s+[–—-]\s+\S")


# A line indented by four spaces or a tab: preformatted text (code, a table laid out in spaces), not a
# menu's label; it ends a run.
_PREFORMATTED = re.compile(r"(?: {4}|\t)")


_BULLET = re.compile(r"[-*•·] ")


def _list_intro(doc: Doc, index: int) -> str:
    """The text of the last non-blank line before `index`; when that line is a bulleted item, as the
    line at `index` is, the line before that list's items (what introduces the list); '' when an
    earlier rule dropped it (a prompt such as 'Subscribe to our channel for more news:')."""
    bullet = _BULLET.match(doc.texts[index])
    for i in range(index - 1, -1, -1):
        text = doc.texts[i]
        if text and not (bullet and text.startswith(bullet.group())):
            return "" if i in doc.dropped else text
    return ""


def _outside_body(doc: Doc, order: list[int]) -> list[list[int]] | None:
    """The lines of `order` before the first prose line and after the last; None when there
    is no prose line (no body to be outside of)."""
    bounds = _body_bounds(doc)
    if bounds is None:
        return None
    return [order[:bisect_left(order, bounds[0])], order[bisect_left(order, bounds[1] + 1):]]  # (order is sorted)


def drop_short_run(*, min_run: int = 4, max_words: int = 3, max_chars: int = 40, edges_only: bool = True,
                   outside_body: bool = False, headlines: int | None = None) -> Step:
    """Drops runs of `min_run`+ adjacent short non-sentence lines: leftover menus and widget labels
    (or, with `headlines = N`, teaser headlines of N to `max_words` words)."""
    for option, value in (("min_run", min_run), ("max_words", max_words), ("max_chars", max_chars),
                          ("headlines", headlines)):
        _positive(option, value)
    return DropShortRun(min_run, max_words, max_chars, edges_only, outside_body, headlines)


class DropHeadedRun:
    """Drops a teaser box: a heading line the pattern matches ('Most Popular', 'More from X')
    followed by a run of at least `min_run` headlines (`min_words` to `max_words` words, starting
    with a capital or a digit, no link or bracket, not ending in '.' or ':'; numbers, '?' and '!'
    allowed: titles hold them; not '2. Name', a numbered section), wherever it stands; the heading
    goes with them, and so do rank numbers, kickers ('Video', 'RANDY ANDY') and, in a box that has
    one under its first title, deks (a sentence with another title after it). The last title before a
    prose line stays: it is the heading of that prose, a section of the article."""

    def __init__(self, heading: str, min_run: int, min_words: int, max_words: int, max_chars: int) -> None:
        self.pattern = compile_pattern("heading", heading)  # (named as the line kinds' pattern)
        self.prefilter, self.max_chars = heading, max_chars  # (a heading is never longer than max_chars)
        self.min_run, self.min_words, self.max_words = min_run, min_words, max_words

    def _headline(self, text: str) -> bool:
        """A teaser title: see the class's docstring."""
        words = word_count(text)
        if words < self.min_words and _CJK.search(text):  # (no spaces between words: about 4 characters a word)
            words = len(text) // 4
        first = text.lstrip("‘“'\"「『【")[:1]
        return (0 < len(text) <= 160 and self.min_words <= words <= self.max_words
                and (first.isupper() or first.isdigit() or bool(_CJK.match(first))) and not _NUMBERED.match(text)
                and text.rstrip(_CLOSERS)[-1:] not in ".。:" and not _LINK.search(text) and "(" not in text)

    def apply(self, doc: Doc, candidates: Iterable[int], budget: Budget) -> list[Cut]:
        cuts: list[Cut] = []
        texts, kept, taken = doc.texts, doc.kept, -1
        for index in candidates:
            text = texts[index]
            if index <= taken or not text or len(text) > self.max_chars or text[:1].islower() or \
                    not self.pattern.line_search(text, timeout=budget.left()):
                continue  # ('most popular' in lower case is a badge on an entry, not a box's heading)
            run, titles = self._run_after(doc, bisect_left(kept, index) + 1)
            if titles >= self.min_run:
                cuts += [Cut(i, doc.lines[i]) for i in (index, *run)]
                taken = run[-1]
        return cuts

    def _run_after(self, doc: Doc, position: int) -> tuple[list[int], int]:
        """The lines of the box right after kept position `position` (blank lines skipped), and how
        many headlines they hold: headlines, with rank numbers, labels and deks among them."""
        lines = [i for i in doc.kept[position:position + 4 * _BOX_LINES] if doc.texts[i]]
        run: list[int] = []
        titles, deks, after_title = 0, False, False
        for n, index in enumerate(lines):
            text = doc.texts[index]
            if _PREFORMATTED.match(doc.lines[index]):
                break
            if self._headline(text):
                titles, after_title = titles + 1, True
                run.append(index)
                continue
            if after_title and (titles == 1 or deks) and self._is_dek(doc, text, lines[n + 1:n + 2]):
                deks = True  # (a box with deks has one under its first title)
            elif not (_RANK.match(text) or _is_label(text)):
                if _is_prose(text):  # the last title heads this prose: a section of the article
                    while run and not self._headline(doc.texts[run[-1]]):
                        run.pop()
                    return (run[:-1], titles - 1) if run else (run, titles)
                break
            after_title = False
            run.append(index)
        return run, titles

    def _is_dek(self, doc: Doc, text: str, following: list[int]) -> bool:
        """A teaser's summary: a sentence of at most 40 words with another headline right after it."""
        return bool(following) and word_count(text) <= 40 and self._headline(doc.texts[following[0]])


def _is_label(text: str) -> bool:
    """A teaser's kicker or type: one word, or up to four in capitals ('Video', 'RANDY ANDY')."""
    words = word_count(text)
    return len(text) <= 30 and not is_sentence(text) and (words == 1 or (words <= 4 and text.isupper()))


def drop_headed_run(*, heading: str, min_run: int = 3, min_words: int = 3, max_words: int = 16,
                    max_chars: int = 60) -> Step:
    """Drops a teaser box: a `heading` line (of at most `max_chars` characters) and the `min_run`+
    headlines of `min_words` to `max_words` words right after it."""
    for option, value in (("min_run", min_run), ("min_words", min_words), ("max_words", max_words),
                          ("max_chars", max_chars)):
        _positive(option, value)
    return DropHeadedRun(heading, min_run, min_words, max_words, max_chars)


KINDS: dict[str, Callable[..., Step]] = {
    kind.__name__: kind
    for kind in (drop_line, strip_span, cut_tail, cut_comments, cut_thread, drop_repeated, drop_short_run,
                 drop_headed_run, drop_element, drop_element_text, drop_caption, drop_link_block, drop_comment_run,
                 drop_byline, drop_outside_main)
}
