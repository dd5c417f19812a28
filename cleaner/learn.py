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
most MAX_SEEN pages per site (to skip exact repeats).

A site's counts can be saved (`SiteCounts.state`), loaded and merged (`SiteCounts.merge`): saved
counts hold each key by a stable hash (the same in every process), so counts made apart add up (see
cleaner.integrations.datatrove, which learns over shards that way); one process counts by the key
itself until it merges (Sketch).

LearnedLines applies learned rules by their lines' keys (batch's second pass)."""

from __future__ import annotations

import base64
import hashlib
import math
import re
import sys
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, NamedTuple

import regex

from cleaner.engine.document import Doc, Removal, encodes
from cleaner.engine.fast import watchdog
from cleaner.engine.kinds import PROSE_WORDS, DropLine, is_sentence, word_count
from cleaner.engine.loader import Rule
from cleaner.engine.pipeline import Result, apply_cuts, run_step
from cleaner.engine.sites import site_name

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
_DIGITS = regex.compile(r"\d+")  # the regex module's \d, as in the patterns (re's lacks the newest digits)
_DIGIT, _NUMBERED = regex.compile(r"\d").search, _DIGITS.sub
_NUMBER = "\0"  # a run of digits in a key (no line holding NUL is learned)
_UNSAFE = re.compile("[\0\x1c-\x1f]")  # whitespace to str.split but not to the regex module's \s


def line_key(line: str) -> str | None:
    """The key a line is counted by, or None when it is never learned (blank, too long, odd characters).
    (A printable line without double spaces is its own key, but for its digits: the common case, tested
    first. A printable line holds no lone surrogate, NUL or other control character.)"""
    if not line or len(line) > MAX_CHARS:
        return None
    if line.isprintable() and "  " not in line:
        key = line
    else:
        words = line.split()
        if not words or _UNSAFE.search(line) or not encodes(line):
            return None
        key = " ".join(words)
    if _DIGIT(key) is None:
        return key
    if len(list(islice(filter(str.isalpha, key), MIN_LETTERS))) == MIN_LETTERS:  # (stops at the third letter)
        return _NUMBERED(_NUMBER, key)
    return key


def key_pattern(key: str) -> str:
    """The drop_line pattern of a key: the whole line, any whitespace between words, any number for a digit run."""
    words = (r"\d+".join(map(re.escape, word.split(_NUMBER))) for word in key.split(" "))
    return "^" + r"\s+".join(words) + "$"


def pattern_key(pattern: str) -> str | None:
    """The key whose key_pattern is `pattern` (a learned rule's), or None when it is no such pattern."""
    if not (pattern.startswith("^") and pattern.endswith("$")):
        return None
    tokens = _PATTERN_TOKENS.findall(pattern, 1, len(pattern) - 1)
    key = "".join(" " if t == r"\s+" else _NUMBER if t == r"\d+" else t[-1] for t in tokens)
    if key_pattern(key) != pattern or line_key(key.replace(_NUMBER, "0").strip()) != key:  # (a key line_key gives)
        return None
    return key


_PATTERN_TOKENS = re.compile(r"\\[sd]\+|\\.|.", re.S)  # a separator or a digit run, an escaped character, a character


def is_prose(line: str) -> bool:
    return word_count(line) >= PROSE_WORDS and is_sentence(line)


def key_hash(key: str) -> int:
    """A key's 64-bit hash, the same in every process (str's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def _cells(h: int) -> list[int]:
    return [row * SKETCH_WIDTH + ((h >> (16 * row)) & (SKETCH_WIDTH - 1)) for row in range(SKETCH_DEPTH)]


class Sketch:
    """Page counts of keys: exact while few, then a count-min sketch (an estimate never below the count).
    Exact counts are kept by the key itself until counts made elsewhere are merged in, and by key_hash
    from then on (`hashed`), as a state holds them: hashing is paid only where counts travel."""

    def __init__(self, exact_keys: int = EXACT_KEYS) -> None:
        self.exact: dict[Any, int] | None = {}
        self.hashed = False  # the exact counts' keys are key_hash's
        self.table: array[int] | None = None
        self.exact_keys = exact_keys

    def add(self, key: str, pages: int = 1) -> int:
        """Count `pages` more pages for `key`; its count (or estimate) after."""
        if self.exact is not None and not self.hashed:
            count = self.exact[key] = self.exact.get(key, 0) + pages
            if len(self.exact) > self.exact_keys:
                self._to_sketch()
            return count
        return self._add(key_hash(key), pages)

    def _add(self, h: int, pages: int) -> int:
        """add's, for the key hashed `h` (the exact counts are hashed)."""
        if self.exact is not None:
            count = self.exact[h] = self.exact.get(h, 0) + pages
            if len(self.exact) > self.exact_keys:
                self._to_sketch()
            return count
        assert self.table is not None
        cells = _cells(h)
        count = min(self.table[c] for c in cells) + pages
        for c in cells:  # conservative update: raise only the counters below the new estimate
            if self.table[c] < count:
                self.table[c] = count
        return count

    def count(self, key: str) -> int:
        if self.exact is not None and not self.hashed:
            return self.exact.get(key, 0)
        h = key_hash(key)
        if self.exact is not None:
            return self.exact.get(h, 0)
        assert self.table is not None
        return min(self.table[c] for c in _cells(h))

    def hashes(self) -> dict[int, int]:
        """The exact counts by key_hash (keys of one hash counted together, as counts made apart add up)."""
        assert self.exact is not None
        if self.hashed:
            return self.exact
        found: dict[int, int] = {}
        for key, count in self.exact.items():
            h = key_hash(key)
            found[h] = found.get(h, 0) + count
        return found

    def _to_sketch(self) -> None:
        """Fold the exact counts into the sketch."""
        exact = self.hashes()
        self.exact, self.hashed = None, True
        self.table = array("I", bytes(SKETCH_DEPTH * SKETCH_WIDTH * array("I").itemsize))
        for h, count in exact.items():
            for cell in _cells(h):
                self.table[cell] = max(self.table[cell], count)

    def merge(self, other: Sketch) -> None:
        """Add another sketch's counts: exact ones key by key, a table cell by cell (each estimate stays
        at or above the summed counts)."""
        if self.exact is not None and not self.hashed:
            self.exact, self.hashed = self.hashes(), True
        if other.exact is not None:
            for h, count in other.hashes().items():
                self._add(h, count)
            return
        assert other.table is not None
        if self.exact is not None:
            self._to_sketch()
        assert self.table is not None
        self.table = array("I", map(int.__add__, self.table, other.table))

    def state(self) -> dict[str, Any]:
        if self.exact is not None:
            return {"exact": [[h, c] for h, c in self.hashes().items()]}
        assert self.table is not None
        table = array("I", self.table)
        if sys.byteorder == "big":  # saved little-endian, as counted on any machine
            table.byteswap()
        return {"sketch": base64.b64encode(table.tobytes()).decode("ascii")}

    @classmethod
    def load(cls, state: dict[str, Any], exact_keys: int = EXACT_KEYS) -> Sketch:
        sketch = cls(exact_keys)
        sketch.hashed = True
        if "sketch" in state:
            sketch.exact, sketch.table = None, array("I", base64.b64decode(state["sketch"]))
            if len(sketch.table) != SKETCH_DEPTH * SKETCH_WIDTH:
                raise ValueError(f"a sketch of {len(sketch.table)} counters, expected {SKETCH_DEPTH * SKETCH_WIDTH}")
            if sys.byteorder == "big":
                sketch.table.byteswap()
        else:
            sketch.exact = {int(h): int(c) for h, c in state["exact"]}
        return sketch


class Recent:
    """Exact page counts of at most `max_keys` keys (by key_hash): past that, the key seen least recently goes."""

    def __init__(self, max_keys: int) -> None:
        self.keys: OrderedDict[int, int] = OrderedDict()
        self.max_keys = max_keys

    def add(self, key: str, pages: int = 1) -> int:
        h = key_hash(key)
        count = self.keys[h] = self.keys.pop(h, 0) + pages
        if len(self.keys) > self.max_keys:
            self.keys.popitem(last=False)
        return count

    def count(self, key: str) -> int:
        return self.keys.get(key_hash(key), 0)

    def state(self) -> dict[str, Any]:
        return {"recent": [[h, c] for h, c in self.keys.items()]}

    @classmethod
    def load(cls, state: dict[str, Any], max_keys: int) -> Recent:
        recent = cls(max_keys)
        for h, c in state["recent"][-max_keys:]:
            recent.keys[int(h)] = int(c)
        return recent


class Candidate:
    """A key that recurs on a site: the line as first seen and up to two excerpts (see `excerpt`)."""

    __slots__ = ("line", "prose", "examples", "shown")

    def __init__(self, line: str) -> None:
        self.line, self.prose = line, is_prose(line)
        self.examples: list[tuple[str, str, bool]] = []
        self.shown: tuple[bool, list[str]] | None = None  # the lines of the last excerpt made (they decide it)


class SiteCounts:
    """What is kept of one site while pages are read."""

    def __init__(self, exact_keys: int = EXACT_KEYS, max_keys: int | None = None) -> None:
        self.pages = 0
        self.duplicates = 0
        self.sketch: Sketch | Recent = Sketch(exact_keys) if max_keys is None else Recent(max_keys)
        self.candidates: dict[str, Candidate] = {}
        # hashes of the pages' texts, an exact repeat counting once: the first ones, or the last (with max_keys)
        self.seen: set[int] | OrderedDict[int, None] = set() if max_keys is None else OrderedDict()
        self.pruned = -1  # the page count at the last prune

    def remember(self, digest: int, most: int) -> None:
        """Keep a page's hash: up to `most` of them, then (with max_keys) the oldest goes."""
        if isinstance(self.seen, OrderedDict):
            self.seen[digest] = None
            if len(self.seen) > most:
                self.seen.popitem(last=False)
        elif len(self.seen) < most:
            self.seen.add(digest)

    def prune(self) -> None:
        """Make room among the candidates: those seen on one page only (or no longer counted) go; at most
        once a page."""
        if self.pruned != self.pages:
            self.pruned = self.pages
            self.candidates = {k: c for k, c in self.candidates.items() if self.sketch.count(k) > 1}

    def state(self) -> dict[str, Any]:
        """The counts as JSON data (the hashes of pages seen are not kept: a repeat is caught only within one count)."""
        candidates = [[key, c.line, [list(e) for e in c.examples]] for key, c in self.candidates.items()]
        return {"pages": self.pages, "duplicates": self.duplicates, **self.sketch.state(), "candidates": candidates}

    @classmethod
    def load(cls, state: dict[str, Any], exact_keys: int = EXACT_KEYS, max_keys: int | None = None) -> SiteCounts:
        """Counts saved by `state`; KeyError, TypeError or ValueError when they are not."""
        counts = cls(exact_keys, max_keys)
        counts.pages, counts.duplicates = int(state["pages"]), int(state["duplicates"])
        counts.sketch = Recent.load(state, max_keys) if max_keys is not None else Sketch.load(state, exact_keys)
        for key, line, examples in state["candidates"][:MAX_CANDIDATES]:
            candidate = counts.candidates[str(key)] = Candidate(str(line))
            candidate.examples = [(str(t), str(o), bool(i)) for t, o, i in examples[:2]]
        return counts

    def merge(self, other: SiteCounts) -> None:
        """Add the counts of the same site made elsewhere (another shard's); candidates are united, those
        on the most pages kept when they are too many."""
        assert isinstance(self.sketch, Sketch) and isinstance(other.sketch, Sketch)
        self.pages += other.pages
        self.duplicates += other.duplicates
        self.sketch.merge(other.sketch)
        for key, theirs in other.candidates.items():
            ours = self.candidates.setdefault(key, theirs)
            for example in theirs.examples if ours is not theirs else ():
                if len(ours.examples) < 2 and example not in ours.examples:
                    ours.examples.append(example)
        if len(self.candidates) > MAX_CANDIDATES:
            ranked = sorted(self.candidates, key=lambda k: (-self.sketch.count(k), k))
            self.candidates = {k: self.candidates[k] for k in ranked[:MAX_CANDIDATES]}


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

    def __init__(self, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE, *, exact_keys: int = EXACT_KEYS,
                 entry: int | None = None, max_keys: int | None = None, max_sites: int | None = None,
                 max_seen: int = MAX_SEEN) -> None:
        """`entry`: a key's text is kept from its entry-th page (default min_pages - 1: two examples; 1 when
        counts made apart are merged). `max_keys`: exact counts of that many keys per site, the least
        recently seen going first (instead of the sketch), and the hashes of the last `max_seen` pages;
        `max_sites`: the site seen least recently goes; `max_seen`: page hashes kept per site to skip exact repeats."""
        if min_pages < 1:
            raise ValueError(f"min_pages must be at least 1, got {min_pages}")
        if not 0 <= min_share <= 1:
            raise ValueError(f"min_share must be in [0, 1], got {min_share}")
        self.min_pages, self.min_share, self.exact_keys = min_pages, min_share, exact_keys
        self.entry = max(1, min_pages - 1) if entry is None else entry  # before the last page it needs: two examples
        self.max_keys, self.max_sites, self.max_seen = max_keys, max_sites, max_seen
        self.sites: dict[str, SiteCounts] = OrderedDict() if max_sites else {}

    def counts(self, site: str) -> SiteCounts:
        """The site's counts, made when new (the site seen least recently goes past max_sites)."""
        counts = self.sites.get(site)
        if counts is None:
            counts = self.sites[site] = SiteCounts(self.exact_keys, self.max_keys)
            if self.max_sites is not None and len(self.sites) > self.max_sites:
                self.sites.popitem(last=False)  # type: ignore[call-arg]
        elif self.max_sites is not None:
            self.sites.move_to_end(site)  # type: ignore[attr-defined]
        return counts

    def add(self, site: str, text: str, also: Iterable[str] = ()) -> None:
        """Count one page of `site` (its text as the rules in force leave it; `also`: lines of it already
        taken out by learned rules, counted as they were there)."""
        counts = self.counts(site)
        digest = hash(text)
        if digest in counts.seen:
            counts.duplicates += 1
            return
        counts.remember(digest, self.max_seen)
        counts.pages += 1
        lines = [line for line in map(str.strip, text.splitlines()) if line]
        keys = list(map(line_key, lines))
        done: set[str | None] = {None}
        add, candidates, entry = counts.sketch.add, counts.candidates, self.entry
        for index, key in enumerate(keys):
            if key in done:
                continue
            done.add(key)
            count = add(key)
            if count >= entry or key in candidates:  # (else not a candidate, nor yet to become one)
                self._count(counts, key, count, lines, keys, index)
        for line in also:
            key = line_key(line.strip())
            if key not in done:
                done.add(key)
                counts.sketch.add(key)  # type: ignore[arg-type]

    def _count(self, counts: SiteCounts, key: str, count: int, lines: list[str], keys: list[str | None],
               index: int) -> None:
        """A key counted on one more page (`count` now): its text and an excerpt kept once it is a candidate."""
        candidate = counts.candidates.get(key)
        if candidate is None and count >= self.entry:
            if len(counts.candidates) >= MAX_CANDIDATES and (self.entry < 2 or self.max_keys is not None):
                counts.prune()
            if len(counts.candidates) < MAX_CANDIDATES:
                candidate = counts.candidates[key] = Candidate(lines[index])
        if candidate is not None and len(candidate.examples) < 2:
            around = (index > 0, lines[max(0, index - 1):index + 2])
            if around == candidate.shown:  # the template's own neighbours: the same excerpt again
                return
            candidate.shown = around
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


def site_slug(site: str) -> str:
    """How a site's rule ids start (sites such as a-b.com and a.b.com start alike)."""
    return slug(site, 8)


def rule_id(site: str, key: str, taken: set[str]) -> str:
    """A readable kebab-case id: the site, then the line's first words (a number when they repeat)."""
    base = f"{site_slug(site)}-{slug(key.replace(_NUMBER, ' ')) or 'line'}"
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}-{number}"
    taken.add(name)
    return name


# --- the pack --------------------------------------------------------------------------------


def toml_string(text: str) -> str:
    """A TOML string: literal ('...') when it needs no escape, else basic with escapes."""
    if "'" not in text and not _CONTROL.search(text):
        return f"'{text}'"
    return '"' + text.translate(_ESCAPES) + '"'


_CONTROL = re.compile("[\x00-\x1f\x7f]")
_ESCAPES = {**{c: f"\\u{c:04x}" for c in [*range(32), 127]}, ord("\n"): "\\n", ord('"'): '\\"', ord("\\"): "\\\\"}


def rule_description(rule: LearnedRule) -> str:
    where = "anywhere" if rule.anywhere else "outside the article body"
    return (f"Drops {clip(rule.line)!r} ({where}): a line of {rule.site}'s template, on {rule.pages} of "
            f"the {rule.site_pages} pages learned from.")


def rule_table(rule: LearnedRule) -> dict[str, Any]:
    """The [[rule]] table that rule_toml's text reads back as (so a pack just written need not be parsed)."""
    table: dict[str, Any] = {"id": rule.id, "kind": "drop_line", "category": "site-template", "sites": [rule.site],
                             "description": rule_description(rule), "pattern": rule.pattern, "max_chars": MAX_CHARS}
    if not rule.anywhere:
        table["outside_body"] = True
    if rule.examples:
        table["example"] = [{"input": text, "output": output} for text, output in rule.examples]
    return table


def rule_toml(rule: LearnedRule) -> str:
    description = rule_description(rule)
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


# --- applying the learned rules --------------------------------------------------------------


class LearnedLines:
    """Learned rules (drop_line rules of key patterns, scoped to sites) applied as a Cleaner of them applies
    them, at less cost: each line's key is looked up among its site's rules instead of every rule's prefilter
    and pattern being run. The same lines are candidates: a stripped line matches key_pattern(key) exactly
    when line_key gives it that key (whitespace runs are str.split's less the characters line_key refuses,
    digit runs the regex module's \\d+), and a line longer than MAX_CHARS is beyond every rule's max_chars.
    Each rule then runs its own step over its lines, in rule order (its pattern and guards decide)."""

    def __init__(self, rules: list[Rule], sites: dict[str, dict[str, list[int]]], timeout: float | None) -> None:
        self.rules, self.sites, self.timeout = rules, sites, timeout

    @classmethod
    def of(cls, rules: list[Rule], timeout: float | None) -> LearnedLines | None:
        """The rules by site and key; None when one is not a learned rule (another kind or pattern, no site,
        a language or page type, no max_chars or one over MAX_CHARS)."""
        sites: dict[str, dict[str, list[int]]] = {}
        for position, rule in enumerate(rules):
            step = rule.step
            key = pattern_key(step.pattern.source) if isinstance(step, DropLine) else None
            if key is None or rule.lang or rule.page_types or not rule.sites \
                    or not 0 < (step.max_chars or 0) <= MAX_CHARS:
                return None
            for site in rule.sites:
                sites.setdefault(site, {}).setdefault(key, []).append(position)
        return cls(rules, sites, timeout)

    def clean(self, text: str, *, site: str) -> Result:
        """What Cleaner.from_rules(rules, max_removed=None).clean(text, site=site) gives (no page type
        detected: no rule is scoped to one)."""
        keys = self.sites.get(site_name(site))
        doc = Doc(text)
        hits: dict[int, list[int]] = {}
        for index, line in enumerate(doc.texts) if keys else ():
            for position in keys.get(line_key(line), ()) if line else ():  # type: ignore[union-attr]
                hits.setdefault(position, []).append(index)
        seconds = None if self.timeout is None else self.timeout * max(1.0, len(text) / 1_000_000)
        removals, warnings = self._run(doc, hits, seconds)
        removals.sort(key=lambda r: r.line)
        return Result(doc.render(), removals, warnings, source=text)

    def _run(self, doc: Doc, hits: dict[int, list[int]], seconds: float | None) -> tuple[list[Removal], list[str]]:
        """Each rule with lines over them, in rule order, as Cleaner._run does (a runaway pattern: a warning)."""
        removals: list[Removal] = []
        warnings: list[str] = []
        with watchdog.document(seconds) as armed:
            for position in sorted(hits):
                rule, lines = self.rules[position], [i for i in hits[position] if i not in doc.dropped]
                if not lines:
                    continue
                cuts = run_step(rule, doc, lines, seconds, armed, warnings)
                apply_cuts(doc, cuts)
                removals += [Removal(rule.id, rule.category, c.index + 1, c.text, c.rest is None) for c in cuts]
        return removals, warnings
