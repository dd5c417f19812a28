"""Compiling the rules' regexes, and keeping the compiler's output for the next run.

The regex module compiles in two steps: Python code parses and optimises a pattern into the
list of integers its matcher runs (about 3 ms a pattern here, most of a batch worker's or a
one-file run's start-up), then its C part builds the pattern object from that list (about
0.06 ms). The list, with the few other values the C part takes, is kept in the start-up
cache when a pattern is first checked, and later runs take only the second step.

The C entry point (`regex._regex.compile`) is not public API, and it trusts its input: code
that is cut short can crash the process or loop forever. So each kept entry carries the regex
version and code format it was made by and a CRC of its code, and is used only when all of
them match (else, and if the second step fails, the pattern is compiled the normal way); the
cache file is also named by the regex install (cache.schema)."""

from __future__ import annotations

import functools
import marshal
import re
import sys
import threading
import zlib
from array import array
from typing import TYPE_CHECKING, Any

from cleaner.engine.fast import cache

if TYPE_CHECKING:
    import regex

SIMPLE_CASE = "(?-f)"  # simple case folding: compiles about twice as fast as full folding
_capturing = threading.Lock()


def check(pattern: str) -> regex.Pattern[str]:
    """Compile a rule's pattern the normal way (raising regex.error if it is bad) and keep what
    the compiler made in the start-up cache."""
    import regex  # noqa: F401 - (loads regex._main, looked up below)

    made: list[tuple[Any, ...]] = []
    with _capturing:
        main = sys.modules.get("regex._main")
        real: Any = getattr(main, "_regex", None)
        if real is None:  # a regex laid out otherwise: compile only
            return _compile(pattern)

        class Recorder:  # stands in for the C module while regex compiles: notes what it is handed
            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

            def compile(self, *args: Any) -> Any:
                made.append(args)
                return real.compile(*args)

        main._regex = Recorder()  # type: ignore[union-attr]
        try:
            compiled = _compile(pattern, cache_pattern=False)  # (a cached pattern would not reach the C part)
        finally:
            main._regex = real  # type: ignore[union-attr]
    if len(made) == 1 and (kept := _storable(made[0])) is not None:
        cache.get().put_code(pattern, kept)
    return compiled


def load(pattern: str) -> regex.Pattern[str]:
    """A pattern already checked: from its kept code when the cache has it, else compiled."""
    kept = cache.get().code(pattern)
    if kept is not None and _intact(kept):
        try:
            return _from_code(kept)
        except Exception:  # noqa: BLE001 - an entry the C part refuses: compile the normal way
            pass
    return _compile(pattern)


def _compile(pattern: str, **options: Any) -> regex.Pattern[str]:
    """The normal way: regex's own compiler, with the flags every rule pattern gets."""
    import regex

    return regex.compile(SIMPLE_CASE + pattern, regex.VERSION1, **options)


@functools.cache
def _stamp() -> str:
    """The regex version and the code format of its C part."""
    import regex
    from regex import _regex

    return f"{regex.__version__}/{_regex.MAGIC}/{_regex.CODE_SIZE}"


def _intact(kept: object) -> bool:
    """Made by this regex, and the code as it was stored (a CRC over it)."""
    return (isinstance(kept, tuple) and len(kept) > 4 and kept[0] == _stamp() and isinstance(kept[4], bytes)
            and kept[1] == zlib.crc32(kept[4]))


def _storable(args: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The C part's arguments as the cache keeps them, after the stamp and CRC: plain ints for
    flags, the code as the bytes of 32-bit unsigned integers (marshal then loads it as one
    block). None if they do not fit."""
    code = args[2]
    if not (isinstance(code, list) and all(isinstance(n, int) and 0 <= n < 1 << 32 for n in code)):
        return None
    plain = tuple(int(a) if isinstance(a, int) else a for a in args)  # (flags are enum members)
    blob = array("I", code).tobytes()
    kept = (_stamp(), zlib.crc32(blob), *plain[:2], blob, *plain[3:])
    try:
        marshal.dumps(kept)
    except ValueError:
        return None
    return kept


def _from_code(kept: tuple[Any, ...]) -> regex.Pattern[str]:
    """(stamp, crc, the C part's arguments with the code as bytes) -> the pattern object."""
    from regex import _regex

    code = array("I")
    code.frombytes(kept[4])
    return _regex.compile(*kept[2:4], code.tolist(), *kept[5:])


MAX_SIZE = 100_000  # see expanded_size: regex takes about a second to compile a pattern this large
_QUANTIFIER = re.compile(r"\{(\d*)(?:,(\d*))?\}")
_ESCAPE = re.compile(r"\\(?:[xuUNpPgk]\{[^}]*\}|.)", re.S)
_GROUP_HEAD = re.compile(r"\((?:\?(?:[\w-]*:|P?<\w+>|'\w+'))?")  # '(', '(?:', '(?i:', '(?P<name>'...


def expanded_size(pattern: str) -> int:
    """About how many characters the pattern has with its counted repeats written out
    ('(?:a{100}){100}' has 10,000; a character class or an escape counts one): regex's
    compiler takes time in proportion to it (20 s for '(?:(?:a{1000}){1000}){1000}')."""
    sizes = [0]  # of each group open at this point, outermost first
    last, position = 0, 0  # the size of the item a quantifier would repeat
    while position < len(pattern):
        char = pattern[position]
        if char == "(":
            sizes.append(0)
            position, last = _GROUP_HEAD.match(pattern, position).end(), 0  # type: ignore[union-attr]
            continue
        if char == "{" and (counted := _QUANTIFIER.match(pattern, position)) and any(counted.groups()):
            times = max(int(n) for n in counted.groups(default="0") if n)
            sizes[-1] += last * (times - 1)
            position, last = counted.end(), last * times
            continue
        if char == ")" and len(sizes) > 1:
            last = sizes.pop()
            position += 1
        else:
            end = _ESCAPE.match(pattern, position).end() if char == "\\" else \
                _class_end(pattern, position) if char == "[" else position + 1  # type: ignore[union-attr]
            position, last = end, 1
        sizes[-1] += last
    return sum(sizes)


def _class_end(pattern: str, start: int) -> int:
    """Where the character class opening at `start` ends (sets nest in regex's VERSION1)."""
    position, depth = start + 1, 1
    position += pattern.startswith("^", position)
    position += pattern.startswith("]", position)  # a ']' first is a literal
    while position < len(pattern) and depth:
        char = pattern[position]
        position += 2 if char == "\\" else 1
        depth += (char == "[") - (char == "]")
    return position
