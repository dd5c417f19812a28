"""Phrase lists: a rule's `phrases`, one a line, compiled into one anchored, case-insensitive
regex, with the prefilter's literals taken from the phrases' words.

The notation (docs/rules.md, "Phrases"):

    related articles          words; any run of whitespace matches between them
    [you] may also like       [...] optional words (or part of a word: blog[s], e[-]mail)
    (most|top) read           (a|b) one of the alternatives, each a phrase itself
    # comments                # a number (digits, maybe grouped: 1,234 or 1.234)
    more from ...             ... a name: 1-40 letters, digits, spaces or .&'’-
    not published *120        *N any text of up to N characters; a space next to it is a word
                              boundary (`comment*20` also matches 'commenting', `comment *20` not)
    don't                     an apostrophe matches ' and ’; \\x writes a special character as itself

A phrase matches a whole line, after an optional bullet or arrow (BULLETS: `•`, `»`, `«`, `>`,
`<`, `*`, `►`, ...) and before optional closing punctuation (`.`, `:`, `!`, `?`, `…`) and arrow (`»`, `>`, `↓`)."""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.engine.fast.atoms import spelled_atoms

BULLETS = "<>«»‹›←→•*·▪■□●○◆►▶★☆✓✔➤➔"
LEAD = f"(?:[{BULLETS}]\\s*)?"
TAIL = r"\s*[.:!?…]*(?:\s*[>»›→↓])?"
NAME = r"[\p{L}\p{N} .&'’-]{1,40}"
SPECIAL = "[]()|#*\\"


@dataclass
class Part:
    """One unit of a phrase: a literal run, a number, a name, optional words or alternatives."""

    kind: str  # "lit", "num", "name", "any" (text: its limit), "opt", "alt"
    text: str = ""
    branches: list[list[Part]] | None = None  # (opt: one branch; alt: two or more)
    space_before: bool = False


class PhraseError(ValueError):
    """A phrase the notation cannot read."""


class _Reader:
    """Reads one phrase into parts; groups nest."""

    def __init__(self, phrase: str) -> None:
        self.s, self.i = phrase, 0

    def sequence(self, closers: str) -> list[Part]:
        parts: list[Part] = []
        space = False
        while self.i < len(self.s) and self.s[self.i] not in closers:
            c = self.s[self.i]
            if c.isspace():
                space, self.i = True, self.i + 1
                continue
            part = self.part(c)
            part.space_before = space and bool(parts)
            parts.append(part)
            space = False
        return parts

    def part(self, c: str) -> Part:
        if c in "[(":
            return self.group(c)
        if c == "#":
            self.i += 1
            return Part("num")
        if self.s.startswith("...", self.i):
            self.i += 3
            return Part("name")
        if c == "*":
            return self.any_text()
        if c in "])|":
            raise PhraseError(f"unexpected '{c}' at position {self.i + 1}")
        return Part("lit", self.literal())

    def literal(self) -> str:
        out = []
        while self.i < len(self.s) and not self.s[self.i].isspace() and self.s[self.i] not in SPECIAL[:-1]:
            if self.s.startswith("...", self.i):
                break
            if self.s[self.i] == "\\":
                self.i += 1
                if self.i == len(self.s):
                    raise PhraseError("a phrase ends in '\\'")
            out.append(self.s[self.i])
            self.i += 1
        return "".join(out)

    def any_text(self) -> Part:
        start = self.i = self.i + 1
        while self.i < len(self.s) and self.s[self.i].isdigit():
            self.i += 1
        if self.i == start or int(self.s[start:self.i]) == 0:
            raise PhraseError(f"'*' at position {start} needs a limit: *N is any text of up to N characters")
        return Part("any", self.s[start:self.i])

    def group(self, opener: str) -> Part:
        closer = "]" if opener == "[" else ")"
        start, self.i = self.i, self.i + 1
        branches = [self.sequence("|" + closer)]
        while self.i < len(self.s) and self.s[self.i] == "|" and opener == "(":
            self.i += 1
            branches.append(self.sequence("|)"))
        if self.i >= len(self.s) or self.s[self.i] != closer:
            raise PhraseError(f"'{opener}' at position {start + 1} is not closed by '{closer}'")
        self.i += 1
        if any(not b for b in branches) or (opener == "(" and len(branches) < 2):
            raise PhraseError(f"'{opener}' at position {start + 1}: empty words or a single alternative")
        return Part("opt" if opener == "[" else "alt", branches=branches)


def parse(phrase: str) -> list[Part]:
    """A phrase's parts, or a PhraseError saying what is wrong."""
    reader = _Reader(phrase.strip())
    parts = reader.sequence("")
    if not parts:
        raise PhraseError("empty phrase")
    return parts


def regex_of(parts: list[Part]) -> str:
    """The regex of a sequence: whitespace between parts becomes \\s+, inside optional groups."""
    out, leading = [], True  # leading: only optional parts so far
    for n, part in enumerate(parts):
        body = regex_of(list(part.branches[0])) if part.kind == "opt" and part.branches else _part_regex(part)
        loose = part.kind == "any" or n > 0 and parts[n - 1].kind == "any"  # (.{0,N} takes the spaces)
        gap = (r"\b" if loose else r"\s+") if part.space_before else ""
        spaced_next = n + 1 < len(parts) and parts[n + 1].space_before
        leading = leading and part.kind == "opt"
        if leading and spaced_next:
            out.append(f"(?:{body}\\s+)?")
            parts[n + 1] = _unspaced(parts[n + 1])
        elif part.kind == "opt":
            out.append(f"(?:{gap}{body})?")
        else:
            out.append(gap + body)
    return "".join(out)


def _unspaced(part: Part) -> Part:
    return Part(part.kind, part.text, part.branches, False)


def _part_regex(part: Part) -> str:
    if part.kind == "lit":
        return "".join("['’]" if c in "'’" else _escape(c) for c in part.text)
    if part.kind == "num":
        return r"\d+(?:[.,]\d+)*"
    if part.kind == "name":
        return NAME
    if part.kind == "any":
        return f".{{0,{part.text}}}"
    return "(?:" + "|".join(regex_of(list(branch)) for branch in part.branches or []) + ")"


def _escape(c: str) -> str:
    return c if c.isalnum() or c == "_" or not c.isascii() else "\\" + c


def phrase_lines(raw: object) -> list[str]:
    """The phrases of a `phrases` value: a string of lines or a list of strings."""
    if isinstance(raw, str):
        raw = raw.splitlines()
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise PhraseError("'phrases' must be a string of lines or a list of strings")
    lines = [" ".join(p.split()) for p in raw if p.strip()]
    if not lines:
        raise PhraseError("'phrases' is empty")
    return lines


def compile_phrases(raw: object) -> tuple[str, list[str] | None]:
    """The anchored regex matching any phrase, and the prefilter atoms (None: no usable atoms)."""
    regexes, atoms = [], set()
    for number, phrase in enumerate(phrase_lines(raw), 1):
        try:
            parts = parse(phrase)
        except PhraseError as err:
            raise PhraseError(f"phrase {number} {phrase!r}: {err}") from None
        regexes.append(regex_of(parts))
        found = max(required_atoms(parts), line_start_atoms(parts), key=_selectivity)  # (a tie: the first)
        atoms = None if found is None or atoms is None else atoms | set(found)
    if atoms is not None:
        atoms |= {"\n" + c for c in BULLETS}  # (a line that opens with a bullet may hold any phrase)
    return f"^(?i:{LEAD}(?:{'|'.join(regexes)}){TAIL})$", None if atoms is None else sorted(atoms)


def line_start_atoms(parts: list[Part]) -> list[str] | None:
    """The literals a phrase can start with, after a line break: a line break makes a short word
    a strong literal ('\\nmore' finds far fewer lines than 'more'); None if a phrase can start
    with a number, a name or any text."""
    if not parts:
        return None
    first, rest = parts[0], parts[1:]
    if first.kind == "lit":
        word = first.text.replace("’", "'").split("'")[0]
        return spelled_atoms(["\n" + word]) if word else None
    starts = [list(b) + rest for b in first.branches or []] if first.kind == "alt" else \
        [list(first.branches[0]) + rest, rest] if first.kind == "opt" and first.branches else None
    found = [line_start_atoms(start) for start in starts or [[]]]
    return None if starts is None or None in found else sorted({a for f in found for a in f or ()})


def required_atoms(parts: list[Part]) -> list[str] | None:
    """Literals one of which every match of the sequence holds: the best of its required words
    and required alternatives (the one whose shortest literal is longest), spelled as the
    prefilter sees a document (atoms.spelled_atoms)."""
    best: list[str] | None = None
    for part in parts:
        if part.kind == "lit":
            found = [w for w in (part.text.replace("’", "'").split("'")) if w]
            candidate = spelled_atoms([max(found, key=len)]) if found else None
        elif part.kind == "alt":
            branches = [required_atoms(list(b)) for b in part.branches or []]
            candidate = None if None in branches else sorted({a for b in branches for a in b or ()})
        else:
            continue
        if candidate and (best is None or _strength(candidate) > _strength(best)):
            best = candidate
    return best


def _selectivity(atoms: list[str] | None) -> int:
    """How few lines a set of atoms finds, roughly: its shortest atom's length, a line start
    counting as two characters ('\\nmore' beats 'also', 'article' beats '\\nthe')."""
    return -1 if not atoms else min(len(a) + a.startswith("\n") for a in atoms)


def _strength(atoms: list[str]) -> tuple[int, int]:
    return min(map(len, atoms)), -len(atoms)
