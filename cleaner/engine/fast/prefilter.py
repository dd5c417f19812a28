"""Literal prefilter: one Aho-Corasick pass over a document tells which lines each rule can
possibly touch, from the literal strings ("atoms", see atoms.py) that every match of the
rule's regex must contain; a rule's regex then runs only on those lines."""

from __future__ import annotations

from itertools import compress
from collections.abc import Sequence

import ahocorasick_rs

from cleaner.engine.fast import cache

# Non-ASCII characters that a case-insensitive regex matches to an ASCII letter (long s, the
# Kelvin sign, dotted I, ligatures) or to an accented letter that atoms spell out (the Angstrom
# sign, for å): a document containing one is scanned without the prefilter.
TRIGGERS = "\u017f\u212a\u0130\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06\u212b"
# A DFA takes about 9x longer to build than an NFA (6 ms for the shipped rules) but scans faster:
# a short run (one file from the shell) keeps NFAs; once the process has scanned DFA_AFTER bytes,
# each index builds a DFA on its next use.
DFA_AFTER = 1 << 20  # bytes
_scanned = [0]  # bytes scanned by all indexes of this process


def starts_every_branch(pattern: str) -> bool:
    """Whether every top-level branch of `pattern` starts with '^' (False when unsure)."""
    known = cache.get().anchored(pattern)
    if known is None:
        known = _learn(pattern)[1]
    return known


def atoms_for(pattern: str) -> frozenset[str] | None:
    """Literals one of which every match of `pattern` contains (lower-cased), or None."""
    known, atoms = cache.get().atoms(pattern)
    if not known:
        atoms = _learn(pattern)[0]
    return None if atoms is None else frozenset(atoms)


def _learn(pattern: str) -> tuple[list[str] | None, bool]:
    """Extract a pattern's atoms and anchoring (one parse gives both) and keep them in the cache."""
    from cleaner.engine.fast.atoms import extract  # (only for patterns new to the cache)

    atoms, anchored = extract(pattern)
    cache.get().put_atoms(pattern, atoms)
    cache.get().put_anchored(pattern, anchored)
    return atoms, anchored


def kept_texts(texts: Sequence[str], kept: Sequence[int]) -> Sequence[str]:
    """The texts of the kept lines (`texts` itself when all are kept: `kept` holds distinct indices)."""
    return texts if len(kept) == len(texts) else list(map(texts.__getitem__, kept))


def haystack(lines: Sequence[str]) -> bytes:
    """What the automaton scans: the lines, each after a line break, as lower-cased UTF-8."""
    return ("\n" + "\n".join(lines)).encode("utf-8", "surrogatepass").lower()


class LiteralIndex:
    """One automaton over the atoms of many steps; maps a document's lines to the steps that
    may touch them. A step may also carry `max_chars` (longer lines cannot be its candidates),
    `upper_case` (only lines without lower-case letters, str.isupper, can be) and
    `needs_repeats` (it has nothing to do unless a line of at least that many characters
    occurs twice)."""

    def __init__(self, steps: Sequence[object]) -> None:
        self.atoms_of = [atoms_for(p) if (p := getattr(s, "prefilter", None)) else None for s in steps]
        shapes = [(getattr(s, "max_chars", None), bool(getattr(s, "upper_case", False))) for s in steps]
        shaped = [(i, limit, upper) for i, (limit, upper) in enumerate(shapes) if limit is not None or upper]
        # Steps with atoms are shaped only when the automaton found them; those without, always.
        self.shaped_found = {i: (limit, upper) for i, limit, upper in shaped if self.atoms_of[i] is not None}
        self.shaped_always = [(i, limit, upper) for i, limit, upper in shaped if self.atoms_of[i] is None]
        self.unfiltered = [i for i, a in enumerate(self.atoms_of) if a is None and shapes[i] == (None, False)]
        self.on_repeats = [(i, least) for i, s in enumerate(steps) if (least := getattr(s, "needs_repeats", 0))]
        owners: dict[str, list[int]] = {}
        for step, atoms in enumerate(self.atoms_of):
            for atom in atoms or ():
                owners.setdefault(atom, []).append(step)
        owners.update({t: [-1] for t in TRIGGERS})
        self.keys = list(owners)
        self.owners = [owners[k] for k in self.keys]
        self.automaton = self._build(ahocorasick_rs.Implementation.ContiguousNFA)
        self.dfa = False

    def _build(self, implementation: ahocorasick_rs.Implementation) -> ahocorasick_rs.BytesAhoCorasick:
        return ahocorasick_rs.BytesAhoCorasick([k.encode() for k in self.keys], implementation=implementation)

    def candidates(self, texts: Sequence[str], kept: Sequence[int], whole: bool = True,
                   data: bytes | None = None) -> dict[int, set[int] | None]:
        """The steps that may touch this document: step -> the line indices it may touch (None:
        every line). Steps left out have no candidate line, so a thousand idle rules cost nothing.
        `texts`: the lines without surrounding whitespace (Doc.texts); `kept`: the indices to look
        at; `whole`: `kept` is the whole document, not just some lines of it to check again;
        `data`: the haystack of the kept lines, when the caller has built it already."""
        stripped = kept_texts(texts, kept)
        found = self._atom_hits(haystack(stripped) if data is None else data, kept)
        for step, least in self.on_repeats if whole else ():
            long = [text for text in stripped if len(text) >= least]  # (blank lines never count)
            if len(set(map(len, long))) == len(long) or len(set(long)) == len(long):  # no such line occurs
                # twice (when no two have the same length, the lines need not be hashed)
                found.pop(step, None)
        sizes: list[int] | None = None  # line lengths, found when first needed
        found_shaped = [(step, *self.shaped_found[step]) for step in self.shaped_found.keys() & found.keys()]
        for step, limit, wants_upper in found_shaped + self.shaped_always:
            hits = found.get(step)
            if hits is None and wants_upper:  # no atoms (or a character that defeats them): every line of
                hits = set(compress(kept, map(str.isupper, stripped)))  # the shape (few are upper case)
            elif hits is None:
                sizes = list(map(len, stripped)) if sizes is None else sizes
                hits = set(compress(kept, sizes if limit is None else [0 < n <= limit for n in sizes]))
                limit = None
            elif wants_upper:
                hits = {i for i in hits if texts[i].isupper()}
            if limit is not None and hits:
                hits = {i for i in hits if len(texts[i]) <= limit}
            if hits:
                found[step] = hits
            else:
                found.pop(step, None)
        return found

    def _atom_hits(self, data: bytes, kept: Sequence[int]) -> dict[int, set[int] | None]:
        found: dict[int, set[int] | None] = dict.fromkeys(self.unfiltered)
        _scanned[0] += len(data)
        if not self.dfa and _scanned[0] > DFA_AFTER:
            self.automaton, self.dfa = self._build(ahocorasick_rs.Implementation.DFA), True
        # Line breaks in data[:position]: line k starts after the kth, and an atom holds a line break
        # only as its first byte, so a match lies on the line of the break before its end (matches
        # come in order of their end).
        breaks = position = 0
        owners_of, count, hits_of = self.owners, data.count, found.get
        for key, _, end in self.automaton.find_matches_as_indexes(data, overlapping=True):
            owners = owners_of[key]
            if owners[0] == -1:  # a character that defeats byte-level folding: no prefilter
                return dict.fromkeys(range(len(self.atoms_of)))
            breaks += count(b"\n", position, end)
            position = end
            line = kept[breaks - 1]
            for step in owners:
                hits = hits_of(step)
                if hits is None:  # (never a step without atoms: those have no owners here)
                    found[step] = {line}
                else:
                    hits.add(line)
        return found


class JoinedIndex:
    """Several indexes answering as one: each part maps its steps to positions in the joined
    list. (A language's plan joins the index of the rules all languages share, built once and
    kept warm in the CPU's caches, with a small index of the language's own rules.)"""

    def __init__(self, parts: Sequence[tuple[LiteralIndex, Sequence[int]]]) -> None:
        self.parts = parts
        # One part numbered as the joined list (a language without rules of its own): its answer as is.
        self.alone = parts[0][0] if len(parts) == 1 and list(parts[0][1]) == list(range(len(parts[0][1]))) else None

    def candidates(self, texts: Sequence[str], kept: Sequence[int], whole: bool = True) -> dict[int, set[int] | None]:
        """LiteralIndex.candidates of every part, numbered as in the joined list."""
        if self.alone is not None:
            return self.alone.candidates(texts, kept, whole)
        found: dict[int, set[int] | None] = {}
        data = haystack(kept_texts(texts, kept)) if len(self.parts) > 1 else None
        for index, positions in self.parts:
            for step, lines in index.candidates(texts, kept, whole, data).items():
                found[positions[step]] = lines
        return found
