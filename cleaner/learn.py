"""Learn a site's furniture: lines that recur on many pages of one site become rules scoped to it.

Pages are counted per site, each line once per page, after the rules in force have cleaned it
(what they leave is what a learned rule will see). A line's key has its whitespace collapsed
and, when it holds MIN_LETTERS letters, each run of digits made one (so 'Comments (12)' and
'Comments (3)' count together; a line of digits and signs only is learned as it is written).

A key is learned when it recurs on at least `min_pages` pages and on `min_share` of its site's
pages. Two guards keep the article: a line that reads as prose (PROSE_WORDS words ending like a
sentence) needs strong evidence (STRONG_PAGES pages and STRONG_SHARE of the site's), and so does
dropping a line between the article's first and last prose lines; a line seen on fewer pages is
dropped only around the article (drop_line's `outside_body`). A quote repeated in two follow-up
stories is prose on two pages; a site's share bar is on most of them.

Memory stays bounded: a site's counts are exact until it holds EXACT_KEYS distinct keys, then a
count-min sketch (SKETCH_DEPTH rows of SKETCH_WIDTH counters, conservative update) takes over;
the text of a key is kept only once it recurs (MAX_CANDIDATES per site), and the hashes of at
most MAX_SEEN pages per site (to skip exact repeats)."""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import NamedTuple

from cleaner.engine.kinds import PROSE_WORDS, is_sentence, word_count

MIN_PAGES = 3
MIN_SHARE = 0.05
STRONG_PAGES = 5
STRONG_SHARE = 0.2
MIN_LETTERS = 3
MAX_CHARS = 500  # longer lines are never learned
MAX_CANDIDATES = 2000  # keys per site whose text is kept once they recur
MAX_RULES = 500  # rules per site, those on the most pages first
EXACT_KEYS = 20_000
MAX_SEEN = 100_000  # page hashes kept per site to skip exact repeats
SKETCH_WIDTH = 1 << 16
SKETCH_DEPTH = 4
CONTEXT_CHARS = 120  # an example's neighbouring lines are clipped to this
_DIGITS = re.compile(r"\d+")
_NUMBER = "\0"  # a run of digits in a key (no line holding NUL is learned)
_UNSAFE = re.compile("[\0\x1c-\x1f]")  # whitespace to str.split but not to the regex module's \s


def line_key(line: str) -> str | None:
    """The key a line is counted by, or None when it is never learned (blank, too long, odd characters)."""
    words = line.split()
    if not words or len(line) > MAX_CHARS or _UNSAFE.search(line) or not _encodes(line):
        return None
    key = " ".join(words)
    if len(list(islice(filter(str.isalpha, key), MIN_LETTERS))) == MIN_LETTERS:  # (stops at the third letter)
        key = _DIGITS.sub(_NUMBER, key)
    return key


def _encodes(line: str) -> bool:
    """Not holding a lone surrogate (JSON allows them; a rule file, UTF-8, cannot)."""
    try:
        return line.isascii() or bool(line.encode("utf-8"))
    except UnicodeEncodeError:
        return False


def key_pattern(key: str) -> str:
    """The drop_line pattern of a key: the whole line, any whitespace between words, any number for a digit run."""
    words = (r"\d+".join(map(re.escape, word.split(_NUMBER))) for word in key.split(" "))
    return "^" + r"\s+".join(words) + "$"


def is_prose(line: str) -> bool:
    return word_count(line) >= PROSE_WORDS and is_sentence(line)


class Sketch:
    """Page counts of keys: exact while few, then a count-min sketch (an estimate never below the count)."""

    def __init__(self, exact_keys: int = EXACT_KEYS) -> None:
        self.exact: dict[int, int] | None = {}
        self.table: array[int] | None = None
        self.exact_keys = exact_keys

    def _cells(self, key: str) -> list[int]:
        h = hash(key) & ((1 << 64) - 1)
        return [row * SKETCH_WIDTH + ((h >> (16 * row)) & (SKETCH_WIDTH - 1)) for row in range(SKETCH_DEPTH)]

    def add(self, key: str) -> int:
        """Count one more page for `key`; its count (or estimate) after."""
        if self.exact is not None:
            count = self.exact[hash(key)] = self.exact.get(hash(key), 0) + 1
            if len(self.exact) > self.exact_keys:
                self._to_sketch()
            return count
        assert self.table is not None
        cells = self._cells(key)
        count = min(self.table[c] for c in cells) + 1
        for c in cells:  # conservative update: raise only the counters below the new estimate
            if self.table[c] < count:
                self.table[c] = count
        return count

    def count(self, key: str) -> int:
        if self.exact is not None:
            return self.exact.get(hash(key), 0)
        assert self.table is not None
        return min(self.table[c] for c in self._cells(key))

    def _to_sketch(self) -> None:
        """Fold the exact counts into the sketch (hashes stand for their keys: the cells come from them)."""
        assert self.exact is not None
        self.table = array("I", bytes(SKETCH_DEPTH * SKETCH_WIDTH * array("I").itemsize))
        for h, count in self.exact.items():
            h &= (1 << 64) - 1
            for row in range(SKETCH_DEPTH):
                cell = row * SKETCH_WIDTH + ((h >> (16 * row)) & (SKETCH_WIDTH - 1))
                self.table[cell] = max(self.table[cell], count)
        self.exact = None


class Candidate:
    """A key that recurs on a site: the line as first seen and up to two excerpts (see `excerpt`)."""

    __slots__ = ("line", "prose", "examples")

    def __init__(self, line: str) -> None:
        self.line, self.prose = line, is_prose(line)
        self.examples: list[tuple[str, str, bool]] = []


class SiteCounts:
    """What is kept of one site while pages are read."""

    def __init__(self, exact_keys: int = EXACT_KEYS) -> None:
        self.pages = 0
        self.duplicates = 0
        self.sketch = Sketch(exact_keys)
        self.candidates: dict[str, Candidate] = {}
        self.seen: set[int] = set()  # hashes of the pages' texts: an exact repeat counts once


class LearnedRule(NamedTuple):
    id: str
    site: str
    line: str
    pattern: str
    pages: int
    site_pages: int
    anywhere: bool  # False: dropped only before the article's first prose line or after its last
    examples: tuple[tuple[str, str], ...]


class SiteReport(NamedTuple):
    site: str
    pages: int
    duplicates: int
    rules: int
    anywhere: int  # of them, rules that may also drop lines inside the article body


class Learner:
    """Counts the lines of each site's pages; `rules()` gives the lines that recur."""

    def __init__(self, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE, *, exact_keys: int = EXACT_KEYS) -> None:
        if min_pages < 1:
            raise ValueError(f"min_pages must be at least 1, got {min_pages}")
        if not 0 <= min_share <= 1:
            raise ValueError(f"min_share must be in [0, 1], got {min_share}")
        self.min_pages, self.min_share, self.exact_keys = min_pages, min_share, exact_keys
        self.sites: dict[str, SiteCounts] = {}

    def add(self, site: str, text: str) -> None:
        """Count one page of `site` (its text as the rules in force leave it)."""
        counts = self.sites.get(site)
        if counts is None:
            counts = self.sites[site] = SiteCounts(self.exact_keys)
        digest = hash(text)
        if digest in counts.seen:
            counts.duplicates += 1
            return
        if len(counts.seen) < MAX_SEEN:
            counts.seen.add(digest)
        counts.pages += 1
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        keys = [line_key(line) for line in lines]
        entry = max(1, self.min_pages - 1)  # kept from the page before the last it needs: two examples
        done: set[str] = set()
        for index, key in enumerate(keys):
            if key is None or key in done:
                continue
            done.add(key)
            count = counts.sketch.add(key)
            candidate = counts.candidates.get(key)
            if candidate is None and count >= entry and len(counts.candidates) < MAX_CANDIDATES:
                candidate = counts.candidates[key] = Candidate(lines[index])
            if candidate is not None and len(candidate.examples) < 2:
                example = excerpt(lines, keys, index)
                if example not in candidate.examples:
                    candidate.examples.append(example)

    def threshold(self, pages: int) -> int:
        return max(self.min_pages, math.ceil(self.min_share * pages))

    def strong(self, count: int, pages: int) -> bool:
        return count >= max(self.min_pages, STRONG_PAGES) and count >= STRONG_SHARE * pages

    def rules(self) -> list[LearnedRule]:
        """The learned rules, site by site (in name order), lines on the most pages first."""
        taken: set[str] = set()
        return [rule for site in sorted(self.sites) for rule in self.site_rules(site, taken)]

    def site_rules(self, site: str, ids: set[str] | None = None) -> list[LearnedRule]:
        counts = self.sites[site]
        least, found = self.threshold(counts.pages), []
        for key, candidate in counts.candidates.items():
            count = min(counts.sketch.count(key), counts.pages)
            strong = self.strong(count, counts.pages)
            if count >= least and (strong or not candidate.prose):
                found.append((count, key, candidate, strong))
        found.sort(key=lambda item: (-item[0], item[1]))
        ids = set() if ids is None else ids
        return [LearnedRule(rule_id(site, key, ids), site, candidate.line, key_pattern(key), count, counts.pages,
                            strong, examples(candidate, strong))
                for count, key, candidate, strong in found[:MAX_RULES]]

    def report(self) -> list[SiteReport]:
        reports = []
        for site in sorted(self.sites):
            rules = self.site_rules(site)
            counts = self.sites[site]
            reports.append(SiteReport(site, counts.pages, counts.duplicates, len(rules), sum(r.anywhere for r in rules)))
        return reports


def excerpt(lines: list[str], keys: list[str | None], index: int) -> tuple[str, str, bool]:
    """The line with its neighbours (clipped), the same without the lines of its key, and whether it
    stood between two prose lines (before they were clipped)."""
    key = keys[index]
    around = range(max(0, index - 1), min(len(lines), index + 2))
    shown = [(lines[i] if keys[i] == key else clip(lines[i]), keys[i] == key) for i in around]
    inside = 0 < index < len(lines) - 1 and is_prose(lines[index - 1]) and is_prose(lines[index + 1])
    return "\n".join(text for text, _ in shown), "\n".join(text for text, ours in shown if not ours), inside


def examples(candidate: Candidate, anywhere: bool) -> tuple[tuple[str, str], ...]:
    """Two examples: excerpts of two pages, or (when every page showed the same excerpt, as the
    template's own neighbours do) the excerpt and the line alone. A rule that drops its line only
    outside the article body shows an excerpt where the line stood between two prose lines
    without the one after."""
    found = []
    for text, output, inside in candidate.examples:
        if inside and not anywhere:
            text, output = text.rsplit("\n", 1)[0], output.rsplit("\n", 1)[0]
        if (text, output) not in found:
            found.append((text, output))
    if len(found) == 1 and found[0][0] != candidate.line:
        found.append((candidate.line, ""))
    return tuple(found)


def clip(line: str) -> str:
    if len(line) <= CONTEXT_CHARS:
        return line
    return line[:CONTEXT_CHARS].rsplit(" ", 1)[0] + " ..."


def slug(text: str, words: int = 6) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:words])


def rule_id(site: str, key: str, taken: set[str]) -> str:
    """A readable kebab-case id: the site, then the line's first words (a number when they repeat)."""
    base = f"{slug(site, 8)}-{slug(key.replace(_NUMBER, ' ')) or 'line'}"
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}-{number}"
    taken.add(name)
    return name


# --- the pack --------------------------------------------------------------------------------


def toml_string(text: str) -> str:
    """A TOML string: literal ('...') when it needs no escape, else basic with escapes."""
    if "'" not in text and not any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return f"'{text}'"
    escaped = []
    for ch in text:
        if ch in '"\\':
            escaped.append("\\" + ch)
        elif ch == "\n":
            escaped.append("\\n")
        elif ord(ch) < 32 or ord(ch) == 127:
            escaped.append(f"\\u{ord(ch):04x}")
        else:
            escaped.append(ch)
    return '"' + "".join(escaped) + '"'


def rule_toml(rule: LearnedRule) -> str:
    where = "anywhere" if rule.anywhere else "outside the article body"
    description = (f"Drops {clip(rule.line)!r} ({where}): a line of {rule.site}'s template, on {rule.pages} of "
                   f"the {rule.site_pages} pages learned from.")
    lines = ["[[rule]]", f"id = {toml_string(rule.id)}", 'kind = "drop_line"', 'category = "site-template"',
             f"sites = [{toml_string(rule.site)}]", f"description = {toml_string(description)}",
             f"pattern = {toml_string(rule.pattern)}", f"max_chars = {MAX_CHARS}"]
    if not rule.anywhere:
        lines.append("outside_body = true")
    for text, output in rule.examples:
        lines += ["", "[[rule.example]]", f"input = {toml_string(text)}", f"output = {toml_string(output)}"]
    return "\n".join(lines) + "\n"


def pack_toml(rules: Iterable[LearnedRule], header: str) -> str:
    """A rule file: a comment saying where it came from, then one [[rule]] per learned line."""
    head = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return head + "".join(f"\n{rule_toml(rule)}" for rule in rules)


def render_report(reports: Iterable[SiteReport]) -> Iterator[str]:
    """One line per site: pages read, exact repeats skipped, rules learned (how many may drop inside the body)."""
    yield f"{'site':<40} {'pages':>7} {'repeats':>7} {'rules':>6} {'anywhere':>8}"
    for r in reports:
        yield f"{r.site:<40} {r.pages:>7} {r.duplicates:>7} {r.rules:>6} {r.anywhere:>8}"
