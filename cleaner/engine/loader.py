"""Find rule files, parse them and build compiled rules; every mistake becomes a RuleError."""

from __future__ import annotations

import functools
import os
import re
import stat
import typing
from pathlib import Path
from typing import NamedTuple


from cleaner.engine.fast import cache
from cleaner.engine.fast.prefilter import atoms_for, starts_every_branch
from cleaner.engine.categories import CATEGORIES
from cleaner.engine.kinds import KINDS, Step
from cleaner.engine.pagetype import PAGE_TYPES
from cleaner.engine.phrases import PhraseError, compile_phrases, phrase_lines
from cleaner.engine.sites import site_name

RULE_KEYS = {"id", "kind", "category", "description", "example", "lang", "sites", "page_types"}
EXAMPLE_KEYS = {"input", "output"}
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_RULE_FILE = 10_000_000  # bytes: the 5,000-rule files of the tests are under 1 MB


class RuleError(Exception):
    """A rule file that cannot be used: names the file, the rule and the problem."""

    def __init__(self, source: Path | str, message: str, rule_id: str | None = None) -> None:
        self.source, self.rule_id, self.message = str(source), rule_id, message
        where = f"{source}: rule '{rule_id}'" if rule_id else str(source)
        super().__init__(f"{where}: {message}")


class Example(NamedTuple):
    input: str
    output: str | None  # None: the input must come out unchanged


class Rule(NamedTuple):
    id: str
    kind: str
    category: str
    description: str
    options: dict[str, object]
    step: Step
    examples: tuple[Example, ...] = ()
    lang: tuple[str, ...] = ()  # empty: applies to every language
    source: str = ""
    sites: tuple[str, ...] = ()  # empty: applies to every site
    page_types: tuple[str, ...] = ()  # empty: applies to every page type


def builtin_rules_dir() -> Path:
    """The shipped rule packs: inside the installed package, or the checkout's rules/."""
    package = Path(__file__).resolve().parent.parent  # cleaner/
    packaged = package / "rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


def rule_files(path: Path) -> list[Path]:
    """A file as given, or every *.toml under a folder in path order."""
    if path.is_dir():
        return sorted(path.rglob("*.toml"), key=lambda p: p.relative_to(path).as_posix())
    if path.exists():  # (a FIFO or a device too: read_tables says what is wrong with it)
        return [path]
    raise RuleError(path, "no such rule file or folder")


def load_paths(paths: list[Path]) -> list[Rule]:
    """Load rules from files and folders in order, rejecting duplicate ids."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in paths:
        for file in rule_files(path):
            for rule in load_file(file):
                if rule.id in seen:
                    raise RuleError(file, f"duplicate id, first defined in {seen[rule.id]}", rule.id)
                seen[rule.id] = str(file)
                rules.append(rule)
    return rules


def load_file(path: Path) -> list[Rule]:
    known = cache.get()
    tables = known.tables(path)
    if tables is not None:
        return [build_rule(path, table, index) for index, table in enumerate(tables, 1)]
    tables = read_tables(path)
    rules = [build_rule(path, table, index) for index, table in enumerate(tables, 1)]
    known.put_tables(path, tables)
    return rules


def read_tables(path: Path) -> list[dict]:
    """The [[rule]] tables of a file, or a RuleError saying why there are none to read."""
    import tomllib  # only on a cache miss

    try:
        data = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as err:
        raise RuleError(path, f"invalid TOML: {err}") from None
    except RecursionError:
        raise RuleError(path, "invalid TOML: arrays or tables nested too deeply") from None
    except (OSError, UnicodeDecodeError) as err:
        raise RuleError(path, f"cannot read: {err}") from None
    extra = set(data) - {"rule"}
    if extra:
        raise RuleError(path, f"unknown top-level key(s) {sorted(extra)}; rules go in [[rule]] tables")
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        raise RuleError(path, "'rule' must be an array of tables: write [[rule]]")
    return tables


def read_text(path: Path) -> str:
    """A rule file's text: only a regular file (a FIFO would block, a device never end) of at
    most MAX_RULE_FILE bytes. (Opened without blocking, then checked: what was checked is what is read.)"""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RuleError(path, "not a regular file")
        if info.st_size > MAX_RULE_FILE:
            raise RuleError(path, f"rule file is {info.st_size:,} bytes (limit {MAX_RULE_FILE:,})")
        data = file.read(MAX_RULE_FILE + 1)
    if len(data) > MAX_RULE_FILE:  # (grew since)
        raise RuleError(path, f"rule file is over {MAX_RULE_FILE:,} bytes (the limit)")
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # (as Path.read_text reads it)


def build_rule(path: Path | str, table: object, index: int = 1) -> Rule:
    """Validate one [[rule]] table and compile its kind's step."""
    if not isinstance(table, dict):
        raise RuleError(path, f"rule #{index} is not a table")
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not _KEBAB.match(rule_id):
        raise RuleError(path, f"rule #{index}: 'id' must be a kebab-case string, got {rule_id!r}")
    fail = lambda message: RuleError(path, message, rule_id)  # noqa: E731
    for key in ("kind", "category", "description"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise fail(f"missing or empty '{key}'")
    kind = table["kind"]
    if kind not in KINDS:
        raise fail(f"unknown kind '{kind}'; known kinds: {', '.join(KINDS)}")
    if table["category"] not in CATEGORIES:
        raise fail(f"unknown category {table['category']!r}; the categories are {', '.join(CATEGORIES)}")
    options = {k: v for k, v in table.items() if k not in RULE_KEYS}
    try:
        step = make_step(kind, with_phrases(kind, options))
    except ValueError as err:
        raise fail(str(err)) from None
    except RecursionError:
        raise fail("a pattern or selector is nested too deeply to compile") from None
    return Rule(
        id=rule_id, kind=kind, category=table["category"], description=table["description"].strip(),
        options=options, step=step, examples=_examples(table.get("example", []), fail),
        lang=_langs(table.get("lang"), fail), source=str(path), sites=_sites(table.get("sites"), fail),
        page_types=_page_types(table.get("page_types"), fail),
    )


def make_step(kind: str, options: dict[str, object]) -> Step:
    """Call the kind's factory after checking option names and types against its signature."""
    factory = KINDS[kind]
    hints, required = _schema(kind)
    unknown = sorted(set(options) - set(hints))
    if unknown:
        raise ValueError(f"unknown option(s) {unknown} for kind '{kind}'; it takes {sorted(hints)}")
    missing = [name for name in required if name not in options]
    if missing:
        raise ValueError(f"missing option(s) {missing} for kind '{kind}'")
    for name, value in options.items():
        _check_type(name, value, hints[name])
    return factory(**options)


PHRASE_TARGET = {"drop_line": "pattern", "cut_tail": "marker", "cut_comments": "marker", "cut_thread": "marker",
                 "drop_headed_run": "heading"}


def with_phrases(kind: str, options: dict[str, object]) -> dict[str, object]:
    """The options with a `phrases` list compiled into the regex its kind takes (phrases.py),
    joined as one more branch to the rule's own `pattern` or `marker` when it has one. The rule
    keeps its phrases as a list of lines, as `rules show` prints them (`options` is updated)."""
    if "phrases" not in options:
        return options
    target = PHRASE_TARGET.get(kind)
    if target is None:
        raise ValueError(f"kind '{kind}' takes no 'phrases' (the kinds that do: {', '.join(PHRASE_TARGET)})")
    try:
        raw, options["phrases"] = options["phrases"], phrase_lines(options["phrases"])
        regex, atoms = _compiled_phrases(raw if isinstance(raw, str) else "\n".join(options["phrases"]))
    except PhraseError as err:
        raise ValueError(f"'phrases': {err}") from None
    own = options.get(target)
    if own is not None and not isinstance(own, str):
        raise ValueError(f"option '{target}' must be str, got {type(own).__name__} {own!r}")
    combined = regex if own is None else f"{own}|{regex}"
    _remember_atoms(combined, own, atoms)
    return {k: v for k, v in options.items() if k != "phrases"} | {target: combined}


def _compiled_phrases(text: str) -> tuple[str, list[str] | None]:
    """compile_phrases, through the start-up cache (keyed by the phrases as the rule file holds them)."""
    known = cache.get()
    found = known.phrases(text)
    if found is None:
        found = compile_phrases(text)
        known.put_phrases(text, found)
    return found


def _remember_atoms(combined: str, own: str | None, atoms: list[str] | None) -> None:
    """Hands the prefilter the phrases' literals (with those of the rule's own regex, if any)."""
    known = cache.get()
    if own is not None:
        own_atoms = atoms_for(own)
        atoms = None if own_atoms is None or atoms is None else sorted(own_atoms | set(atoms))
    anchored = own is None or starts_every_branch(own)
    if known.atoms(combined) != (True, atoms):  # (a lookup also keeps the entry from being pruned)
        known.put_atoms(combined, atoms)
    if known.anchored(combined) != anchored:
        known.put_anchored(combined, anchored)


@functools.cache
def _schema(kind: str) -> tuple[dict[str, tuple[type, ...]], list[str]]:
    """A kind's options (its factory's keyword-only parameters) with their types, and the required
    ones. Read off the function itself: importing `inspect` would add 10 ms to every start-up."""
    factory = KINDS[kind]
    code = factory.__code__
    names = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    defaults = factory.__kwdefaults__ or {}
    return ({name: _annotation_types(factory.__annotations__[name]) for name in names},
            [name for name in names if name not in defaults])


_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "None": type(None)}


def _annotation_types(annotation: object) -> tuple[type, ...]:
    """'int | None' -> (int, NoneType); far cheaper than typing.get_type_hints at start-up."""
    if isinstance(annotation, str):
        return tuple(_TYPES[part.strip()] for part in annotation.split("|"))
    return tuple(typing.get_args(annotation)) or (annotation,)  # type: ignore[return-value]


def _check_type(name: str, value: object, hint: tuple[type, ...]) -> None:
    allowed = tuple(t for t in hint if t is not type(None))
    ok = isinstance(value, allowed) and not (isinstance(value, bool) and bool not in allowed)
    if float in allowed and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        wanted = " or ".join(t.__name__ for t in allowed)
        raise ValueError(f"option '{name}' must be {wanted}, got {type(value).__name__} {value!r}")


def _examples(raw: object, fail: typing.Callable[[str], RuleError]) -> tuple[Example, ...]:
    if not isinstance(raw, list):
        raise fail("'example' must be an array of tables: write [[rule.example]]")
    examples = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not isinstance(item.get("input"), str):
            raise fail(f"example #{number} needs a string 'input'")
        extra = set(item) - EXAMPLE_KEYS
        if extra:
            raise fail(f"example #{number} has unknown key(s) {sorted(extra)}")
        output = item.get("output")
        if output is not None and not isinstance(output, str):
            raise fail(f"example #{number}: 'output' must be a string")
        examples.append(Example(item["input"], output))
    return tuple(examples)


def _langs(raw: object, fail: typing.Callable[[str], RuleError]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) and re.match(r"^[a-z]{2}$", x) for x in raw):
        raise fail(f"'lang' must be a two-letter language code or a list of them, got {raw!r}")
    return tuple(raw)


def _sites(raw: object, fail: typing.Callable[[str], RuleError]) -> tuple[str, ...]:
    """`sites = ["example.com", ...]`: site names as site_name writes them (no 'www.', scheme or path)."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
        raise fail(f"'sites' must be a non-empty list of site names such as 'example.com', got {raw!r}")
    for value in raw:
        try:
            name = site_name(value)
        except ValueError as err:
            raise fail(f"'sites': {err}") from None
        if name != value:
            raise fail(f"'sites': write {name!r}, not {value!r} (a host, lower-case, without 'www.')")
    return tuple(raw)


def _page_types(raw: object, fail: typing.Callable[[str], RuleError]) -> tuple[str, ...]:
    """`page_types = ["article", ...]`: the page types a rule runs on (cleaner.engine.pagetype)."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) and x in PAGE_TYPES for x in raw):
        raise fail(f"'page_types' must be a non-empty list of page types ({', '.join(PAGE_TYPES)}), got {raw!r}")
    return tuple(raw)
