"""Atom extraction: read a rule's regex just far enough to find literal strings ("atoms")
one of which every match must contain, and whether every branch starts with '^'.

The atoms are a promise about the pattern, so extraction is conservative: any construct it
does not understand yields no atoms, and the rule simply runs on every line. Results are kept
in the start-up cache, so this module is imported only when a pattern is new to the cache."""

from __future__ import annotations

from dataclasses import dataclass

MIN_SCORE = 2  # see Req.score: a single letter would flag most lines (two, like 'AP', beat no prefilter)
PREFIX_SCORE = 3  # a line-start atom is preferred to a stronger one elsewhere only from this score
MAX_ATOMS = 128  # per requirement, from expanding alternatives
# Sharp s is common (German), so atoms get spelled-out variants instead.
SHARP_S = ("ß", "ẞ")


_WEIGHT = {c: 0 for c in " .,;:'\"-"} | {c: 1 for c in "()/"} | {"\n": 3}


class Unsupported(Exception):
    """A construct the extractor does not model; the rule runs without a prefilter."""


@dataclass(frozen=True)
class Req:
    """Every match contains one of `atoms`; `prefix`: they start where the sequence starts."""

    atoms: frozenset[str]
    prefix: bool

    @property
    def score(self) -> int:
        """Selectivity of the weakest atom: letters, digits, brackets and '/' count 1, spaces and
        common punctuation 0, a line start and rarer symbols ('*', '|', '»') 3."""
        return min(sum(_WEIGHT.get(c, 1 if c.isalnum() else 3) for c in a) for a in self.atoms)


@dataclass
class Item:
    kind: str  # "lit", "set" (a small class like [0-9]), "space" (\\s), "group", "anchor" (a leading ^) or "other"
    char: str = ""  # the literal, or the characters of the set
    branches: list[list[Item]] | None = None
    min: int = 1
    exact: bool = True  # exactly once (no quantifier)


class Parser:
    """A small reader of the regex syntax, just enough to see literals, groups and quantifiers."""

    def __init__(self, pattern: str) -> None:
        self.s, self.i = pattern, 0

    def parse(self) -> list[list[Item]]:
        branches = self.alternation()
        if self.i < len(self.s):
            raise Unsupported("unbalanced ')'")
        return branches

    def alternation(self) -> list[list[Item]]:
        branches: list[list[Item]] = [[]]
        while self.i < len(self.s) and self.s[self.i] != ")":
            if self.s[self.i] == "|":
                self.i += 1
                branches.append([])
                continue
            item = self.atom()
            if item is not None:
                self.quantifier(item)
                branches[-1].append(item)
        return branches

    def atom(self) -> Item | None:
        c = self.s[self.i]
        self.i += 1
        if c == "\\":
            return self.escape()
        if c == "[":
            start = self.i
            self.skip_class()
            chars = _small_class(self.s[start:self.i - 1])
            return Item("set", chars) if chars else Item("other")
        if c == "(":
            return self.group()
        if c == "^":
            return Item("anchor")
        if c in ".$":
            return Item("other")
        if c in "*+?{":
            raise Unsupported("quantifier without target")
        return Item("lit", c)

    def escape(self) -> Item:
        if self.i >= len(self.s):
            raise Unsupported("trailing backslash")
        c = self.s[self.i]
        self.i += 1
        if c.isdigit():
            raise Unsupported("backreference or octal escape")
        if c in "xuU" and not self.s.startswith("{", self.i):
            self.i += {"x": 2, "u": 4, "U": 8}[c]
            return Item("other")
        if c in "pPxuUNLgk":
            self.skip_braces()
            return Item("other")
        if c == "Q" or c == "E":
            raise Unsupported("\\Q...\\E")
        if c == "s":
            return Item("space")  # whitespace: nothing at the start of a (stripped) line
        if c.isalnum():
            return Item("other")  # a class (\\d, \\w...), an anchor (\\b, \\A...) or a control character

        return Item("lit", c)

    def skip_braces(self) -> None:
        if self.i < len(self.s) and self.s[self.i] in "{<":
            close = "}" if self.s[self.i] == "{" else ">"
            end = self.s.find(close, self.i)
            if end < 0:
                raise Unsupported("unclosed escape")
            self.i = end + 1
        elif self.i < len(self.s):
            self.i += 1

    def skip_class(self) -> None:
        depth, first = 1, True
        while self.i < len(self.s):
            c = self.s[self.i]
            self.i += 1
            if c == "\\":
                self.i += 1
            elif c == "]" and not first:
                depth -= 1
                if depth == 0:
                    return
            elif c == "[":
                depth += 1
            first = c == "^" and first
        raise Unsupported("unclosed character class")

    def group(self) -> Item | None:
        s = self.s
        lookaround = False
        if s.startswith("?", self.i):
            rest = s[self.i + 1:]
            if rest.startswith("#"):
                self.i = s.index(")", self.i) + 1
                return None
            if rest[:1] in ("(", "R", "&", "P>") or rest[:1].isdigit() or rest.startswith(("P>", "P=")):
                raise Unsupported("conditional or recursion")
            flags = self.inline_flags(rest)
            if flags is not None:
                return None
            if rest.startswith(("=", "!", "<=", "<!")):
                lookaround = True
            self.skip_group_prefix(rest)
        elif s.startswith("*", self.i):
            raise Unsupported("backtracking verb")
        branches = self.alternation()
        if self.i >= len(s):
            raise Unsupported("unclosed group")
        self.i += 1
        return Item("other") if lookaround else Item("group", branches=branches)

    def inline_flags(self, rest: str) -> str | None:
        """Consume a bare '(?flags)' and return the flags; scoped '(?i:' is left to the caller."""
        n = 0
        while n < len(rest) and (rest[n].isalpha() or rest[n] in "-^"):
            n += 1
        if "x" in rest[:n]:
            raise Unsupported("verbose mode")
        if n < len(rest) and rest[n] == ")" and n > 0:
            self.i += n + 2
            return rest[:n]
        return None

    def skip_group_prefix(self, rest: str) -> None:
        for prefix in ("<=", "<!", "=", "!", ":", "|", ">"):
            if rest.startswith(prefix):
                self.i += 1 + len(prefix)
                return
        if rest.startswith(("P<", "<", "'")):
            close = ">" if rest[0] != "'" else "'"
            self.i = self.s.index(close, self.i + 2) + 1
            return
        n = 0
        while n < len(rest) and (rest[n].isalpha() or rest[n] == "-"):
            n += 1
        if n < len(rest) and rest[n] == ":":
            if "x" in rest[:n]:
                raise Unsupported("verbose mode")
            self.i += n + 2
            return
        raise Unsupported(f"group syntax (?{rest[:3]}")

    def quantifier(self, item: Item) -> None:
        s = self.s
        if self.i >= len(s):
            return
        c = s[self.i]
        if c in "?*+":
            self.i += 1
            item.min, item.exact = (1 if c == "+" else 0), False
        elif c == "{":
            end = s.find("}", self.i)
            body = s[self.i + 1:end] if end > 0 else ""
            if not body or not all(ch.isdigit() or ch == "," for ch in body):
                if any(ch.isalpha() for ch in body):
                    raise Unsupported("fuzzy matching")
                return
            low = body.split(",")[0]
            self.i = end + 1
            item.min, item.exact = (int(low) if low else 0), body == "1"
        else:
            return
        if self.i < len(s) and s[self.i] in "?+":
            self.i += 1


MAX_CLASS = 10  # a class of up to this many characters is spelled out ([0-9]: ten atoms per atom)


def _small_class(body: str) -> str | None:
    """The characters of a plain ASCII class body ('0-9', 'ab.'), else None (negated classes,
    escapes, set operations and large classes are not spelled out)."""
    if not body or body[0] == "^" or not body.isascii():
        return None
    if any(op in body for op in ("\\", "[", "&&", "--", "||", "~~")):
        return None
    chars: set[str] = set()
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            if body[i] > body[i + 2]:
                return None
            chars.update(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            chars.add(body[i])
            i += 1
    return "".join(sorted(chars)) if len(chars) <= MAX_CLASS else None


def _literal_strings(item: Item) -> list[str] | None:
    """The strings a group of plain literal branches can match ('(?:ap|afp)'), else None."""
    if item.kind != "group" or not item.exact or not item.branches or len(item.branches) > MAX_ATOMS:
        return None
    words = []
    for branch in item.branches:
        if not all(i.kind == "lit" and i.exact for i in branch):
            return None
        words.append("".join(i.char for i in branch))
    return words if all(words) else None


def _folds(c: str) -> bool:
    """A non-ASCII character with case variants, which byte-level lowercasing cannot fold."""
    return not c.isascii() and (c.lower() != c or c.upper() != c or c.casefold() != c)


def _case_partner(c: str) -> str | None:
    """The one other case of a Latin letter whose case-insensitive match is exactly that
    pair (é/É, ł/Ł; not ß, ı or the title-case digraphs), else None."""
    if not "\u00c0" <= c <= "\u024f":
        return None
    lower, upper = c.lower(), c.upper()
    if len(lower) != 1 or len(upper) != 1 or lower == upper or not "\u00c0" <= min(lower, upper):
        return None
    if max(lower, upper) > "\u024f" or lower.upper() != upper or upper.lower() != lower or lower.title() != upper:
        return None
    return None if c.casefold() != lower else (upper if c == lower else lower)


MAX_SPELLINGS = 16  # case spellings of one literal with accented letters ('não': não, nÃo)


def _spellings(word: str) -> list[str] | None:
    """The byte-lowercased forms a document can hold of `word` under case-insensitive matching:
    ASCII letters lower-cased, each accented letter in both cases; None if a letter folds in
    some other way or there would be too many."""
    forms = [""]
    for c in word.lower():
        if not _folds(c):
            forms = [f + c for f in forms]
            continue
        partner = _case_partner(c)
        if partner is None or len(forms) * 2 > MAX_SPELLINGS:
            return None
        forms = [f + v for f in forms for v in (c, partner)]
    return forms


def _run_reqs(run: list[str], prefix: bool) -> list[Req]:
    """Requirements from a set of literal strings one of which the text holds at this point.
    The document is lower-cased byte by byte, so accented letters are spelled in both cases,
    and strings are cut at letters that fold in other ways."""
    if not run or run == [""]:
        return []
    spelled = [_spellings(word) for word in run]
    if all(spelled) and sum(map(len, spelled)) <= MAX_ATOMS:  # type: ignore[arg-type]
        return [Req(frozenset(f for forms in spelled for f in forms), prefix)]  # type: ignore[union-attr]
    if len(run) > 1:
        return []
    pieces = [p for p in "".join("\0" if _folds(c) else c for c in run[0]).split("\0") if p]
    return [Req(frozenset([p.lower()]), prefix and run[0].startswith(p)) for p in pieces]


def _joined_reqs(before: list[str], prefix: bool, after: Req | None) -> list[Req]:
    """The literals of a run followed by the atoms that start the group right after it."""
    spelled = [_spellings(word) for word in before]
    if after is None or not after.prefix or not all(spelled):
        return []
    heads = [form for forms in spelled for form in forms]  # type: ignore[union-attr]
    if len(heads) * len(after.atoms) > MAX_ATOMS:
        return []
    return [Req(frozenset(head + atom.removeprefix("\n") for head in heads for atom in after.atoms), prefix)]


def _line_starts(seq: list[Item]) -> frozenset[str] | None:
    """What a line can start with when `seq` follows '^' and begins with optional items
    ('^(?:your )?(?:name|email):' starts with 'your', 'name' or 'email'); None if unknown.
    Lines are stripped, so optional whitespace right after '^' matches nothing."""
    starts: set[str] = set()
    for index, item in enumerate(seq):
        if item.kind == "space" and item.min == 0:  # (any optional item before it has its own start)
            continue
        if item.kind in ("lit", "set"):
            firsts = {c.lower() for c in item.char} if item.kind == "set" else {item.char.lower()}
            if item.kind == "lit" and item.min >= 1:  # a required literal: take the whole run of them
                run = item.char
                for after in seq[index + 1:]:
                    if not (after.kind == "lit" and after.exact) or not item.exact:
                        break
                    run += after.char
                firsts = {run.lower()}
            if any(_spellings(word) is None for word in firsts):
                return None
            firsts = {f for word in firsts for f in _spellings(word) or ()}
        elif item.kind == "group" and item.branches:
            req = branches_req(item.branches, at_start=True)
            if req is None or not req.prefix:
                return None
            firsts = set(req.atoms)
        else:
            return None
        starts |= firsts
        if item.min >= 1:
            return frozenset(starts) if index > 0 and len(starts) <= MAX_ATOMS else None
    return None


def sequence_req(seq: list[Item], anchored: bool = False, want_prefix: bool = False) -> Req | None:
    """The most selective requirement of a sequence; under a leading ^, atoms that start the
    sequence become line-start atoms ('\\n' + atom)."""
    options: list[Req] = []
    run, run_start = [""], 0
    for index, item in enumerate(seq + [Item("other")]):
        if item.kind in ("lit", "set") and item.min >= 1:
            words = [item.char] if item.kind == "lit" else list(item.char)
        else:
            words = _literal_strings(item)
        if words is not None and len(run) * len(words) <= MAX_ATOMS:
            run_start = index if run == [""] else run_start
            run = [r + w for r in run for w in words]
            if item.exact:
                continue
        options += _run_reqs(run, run_start == 0)
        before, before_start = run, run_start
        run = [""]
        if words is not None and item.min >= 1 and len(words) <= MAX_ATOMS:
            run, run_start = words, -1  # its last repeat touches what follows: 'o+bar' holds 'obar'
        if item.kind == "group" and item.min >= 1 and item.branches:
            req = branches_req(item.branches, at_start=index == 0)
            if req is not None:
                options.append(req)
            if before != [""]:  # literals right before the group: '\((?:photos?|images?)' holds '(photo'
                options += _joined_reqs(before, before_start == 0, branches_req(item.branches, at_start=True))
    if anchored:
        options = [Req(frozenset(a if a.startswith("\n") else "\n" + a for a in o.atoms), True) if o.prefix else o
                   for o in options]
        starts = _line_starts(seq)
        if starts:
            options.append(Req(frozenset("\n" + a.removeprefix("\n") for a in starts), True))
    prefixed = [o for o in options if o.prefix and o.score >= PREFIX_SCORE] if want_prefix else []
    return max(prefixed or options, key=lambda o: (o.score, o.prefix), default=None)


def branches_req(branches: list[list[Item]], at_start: bool = False) -> Req | None:
    """One requirement per branch, or None if any branch has none."""
    reqs = [branch_req(b, want_prefix=at_start) for b in branches]
    if at_start and not all(r is not None and r.prefix for r in reqs):
        reqs = [branch_req(b) for b in branches]
    if any(r is None for r in reqs):
        return None
    atoms = frozenset().union(*(r.atoms for r in reqs))  # type: ignore[union-attr]
    return Req(atoms, at_start and all(r.prefix for r in reqs))  # type: ignore[union-attr]


def branch_req(branch: list[Item], want_prefix: bool = False) -> Req | None:
    if branch and branch[0].kind == "anchor":
        return sequence_req(branch[1:], anchored=True)
    return sequence_req(branch, want_prefix=want_prefix)


def extract(pattern: str) -> tuple[list[str] | None, bool]:
    """The pattern's atoms (lower-cased; None: no usable atoms) and whether every top-level
    branch starts with '^' (False when unsure)."""
    branches = _parse(pattern)
    return _extract(branches), _anchored(branches)


def _parse(pattern: str) -> list[list[Item]] | None:
    try:
        return Parser(pattern).parse()
    except (Unsupported, ValueError, IndexError):
        return None


def _anchored(branches: list[list[Item]] | None) -> bool:
    return branches is not None and all(branch and branch[0].kind == "anchor" for branch in branches)


def _extract(branches: list[list[Item]] | None) -> list[str] | None:
    try:
        req = None if branches is None else branches_req(branches)
    except (Unsupported, ValueError, IndexError):
        return None
    if req is None or req.score < MIN_SCORE:
        return None
    return sorted({v for atom in req.atoms for v in _sharp_s_variants(atom)})


def _sharp_s_variants(atom: str) -> list[str]:
    variants = [atom]
    for _ in range(atom.count("ss")):
        variants += [v.replace("ss", s, 1) for v in variants for s in SHARP_S if "ss" in v]
    return sorted(set(variants))[:64] if len(variants) <= 64 else [atom.replace("ss", "s")]



def spelled_atoms(words: list[str]) -> list[str] | None:
    """Atoms for literal words one of which every match holds (a phrase list's, phrases.py),
    spelled as the document is scanned; None when they would not filter."""
    reqs = _run_reqs([w.lower() for w in words], False)
    if not reqs:
        return None
    req = max(reqs, key=lambda r: r.score)
    if req.score < MIN_SCORE:
        return None
    return sorted({v for atom in req.atoms for v in _sharp_s_variants(atom)})
