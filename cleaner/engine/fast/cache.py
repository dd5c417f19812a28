"""An on-disk cache that makes start-up cheap: parsed rule files (keyed by path, size and
modification time), regexes already known to compile and what the regex compiler made of
them (see regexes.py), each regex's prefilter atoms, whether each starts every branch
with '^', and the regex and atoms each phrase list compiles to.

Compiling a couple of hundred large regexes costs seconds; with the cache, patterns are
compiled lazily on first use instead. Set CLEANER_CACHE_DIR to move it, or to an empty
string to turn it off. A missing, stale or unreadable cache is simply rebuilt."""

from __future__ import annotations

import importlib.util
import marshal
import os
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def schema() -> str:
    """Names the cache file: other engine code (its source files' sizes and times), another
    install of regex or another Python (the file is in `marshal` format) starts a new cache.
    (regex is identified by its files, not its version, so that start-up need not import it.)"""
    engine = Path(__file__).resolve().parent.parent
    code = zlib.crc32(" ".join(_stamp(path) for path in sorted(engine.glob("**/*.py"))).encode())
    spec = importlib.util.find_spec("regex")
    installed = _stamp(Path(spec.origin)) if spec and spec.origin else "unknown"
    python = f"{sys.implementation.cache_tag}-marshal{marshal.version}"
    return f"cleaner-{code:08x}-regex-{installed}-{python}-9"


def _stamp(path: Path) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return "unknown"
    return f"{stat.st_size}.{stat.st_mtime_ns}"


def cache_dir() -> Path | None:
    configured = os.environ.get("CLEANER_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cleaner"


class Cache:
    """Loaded once per process; `save` writes it back atomically if anything was added."""

    def __init__(self) -> None:
        folder = cache_dir()
        self.path = folder / f"{schema()}.cache" if folder else None
        self.data: dict[str, Any] = self._read()
        self.dirty = False
        self.valid: set[str] = set(self.data["valid"])
        self.used: set[str] = set()  # patterns looked up or added by this process

    def _read(self) -> dict[str, Any]:
        """The saved cache, or an empty one if there is none or it is unreadable or malformed.
        (In `marshal`, the format of Python's own .pyc files: it loads several times faster than JSON.)"""
        data: dict[str, Any] = {"files": {}, "valid": [], "atoms": {}, "anchored": {}, "code": {}, "phrases": {}}
        try:
            loaded = marshal.loads(self.path.read_bytes()) if self.path is not None and self.path.is_file() else {}
        except (OSError, ValueError, EOFError, TypeError):
            return data
        if isinstance(loaded, dict) and all(isinstance(loaded.get(k, v), type(v)) for k, v in data.items()):
            data.update(loaded)
        return data

    def file_key(self, path: Path) -> str | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"

    def tables(self, path: Path) -> list[dict[str, Any]] | None:
        key = self.file_key(path)
        return self.data["files"].get(key) if key else None

    def put_tables(self, path: Path, tables: list[dict[str, Any]]) -> None:
        key = self.file_key(path)
        if key:
            stale = [k for k in self.data["files"] if _file_of(k) == _file_of(key)]
            for old in stale:
                del self.data["files"][old]
            self.data["files"][key] = tables
            self.dirty = True

    def is_valid(self, pattern: str) -> bool:
        """Whether `pattern` (a regex, or "css:" and a selector) is known to compile."""
        self.used.add(pattern)
        return pattern in self.valid

    def mark_valid(self, pattern: str) -> None:
        self.used.add(pattern)
        if pattern not in self.valid:
            self.valid.add(pattern)
            self.dirty = True

    def atoms(self, pattern: str) -> tuple[bool, list[str] | None]:
        """(known, atoms) for a pattern."""
        self.used.add(pattern)
        found = self.data["atoms"].get(pattern, False)
        return (False, None) if found is False else (True, found)

    def put_atoms(self, pattern: str, atoms: list[str] | None) -> None:
        self.data["atoms"][pattern] = atoms
        self.dirty = True

    def anchored(self, pattern: str) -> bool | None:
        """Whether every branch of a pattern starts with '^' (None: not known yet)."""
        self.used.add(pattern)
        return self.data["anchored"].get(pattern)

    def put_anchored(self, pattern: str, anchored: bool) -> None:
        self.data["anchored"][pattern] = anchored
        self.dirty = True

    def phrases(self, text: str) -> tuple[str, list[str] | None] | None:
        """A phrase list's regex and atoms (phrases.compile_phrases), if kept."""
        self.used.add(text)
        return self.data["phrases"].get(text)

    def put_phrases(self, text: str, compiled: tuple[str, list[str] | None]) -> None:
        self.data["phrases"][text] = compiled
        self.dirty = True

    def code(self, pattern: str) -> tuple[Any, ...] | None:
        """What the regex compiler made of a pattern (regexes.py), if kept."""
        self.used.add(pattern)
        return self.data["code"].get(pattern)

    def put_code(self, pattern: str, code: tuple[Any, ...]) -> None:
        self.data["code"][pattern] = code
        self.dirty = True

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        import tempfile

        self._prune()
        self.data["valid"] = sorted(self.valid)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.path.parent, delete=False) as tmp:
                marshal.dump(self.data, tmp)
            os.replace(tmp.name, self.path)
            self.dirty = False
        except (OSError, TypeError, ValueError):
            pass  # a read-only home, or a rule file holding TOML dates: run without a cache

    def _prune(self) -> None:
        """Forget rule files that no longer exist, and patterns that neither a remaining file
        holds nor this process used: without this, every temporary rule file ever loaded
        (tests, editing sessions) would stay in the cache and slow down every start-up."""
        files = self.data["files"]
        for key in [k for k in files if not os.path.exists(_file_of(k))]:
            del files[key]
        held = set(_strings(files))
        live = self.used | held | {"css:" + s for s in held}
        self.valid &= live
        for table in ("atoms", "anchored", "code", "phrases"):
            self.data[table] = {p: a for p, a in self.data[table].items() if p in live}


def _file_of(key: str) -> str:
    """The rule file's path in a `file_key` (path|size|mtime)."""
    return key.rsplit("|", 2)[0]


def _strings(value: Any) -> Iterator[str]:
    """Every string inside parsed TOML tables."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


_cache: Cache | None = None


def get() -> Cache:
    global _cache
    if _cache is None:
        _cache = Cache()
    return _cache
