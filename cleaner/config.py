"""Find and read project settings: `cleaner.toml`, or `[tool.cleaner]` in `pyproject.toml`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cleaner.loader import RuleError

KEYS = {"rules", "select", "ignore"}


@dataclass
class Settings:
    rules: list[Path] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    source: Path | None = None


def find_config(start: Path) -> Path | None:
    """Walk up from `start` to the repository root; the nearest config file wins."""
    for folder in [start, *start.parents]:
        if (folder / "cleaner.toml").is_file():
            return folder / "cleaner.toml"
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "tool" in _read(pyproject) and "cleaner" in _read(pyproject)["tool"]:
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def load_config(path: Path) -> Settings:
    """Read settings; paths in `rules` are relative to the config file."""
    data = _read(path)
    table = data.get("tool", {}).get("cleaner", {}) if path.name == "pyproject.toml" else data
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise RuleError(path, f"unknown setting(s) {unknown}; known: {sorted(KEYS)}")
    values = {key: table.get(key, []) for key in KEYS}
    for key, value in values.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RuleError(path, f"setting '{key}' must be a list of strings")
    return Settings(
        rules=[path.parent / p for p in values["rules"]],
        select=values["select"], ignore=values["ignore"], source=path,
    )


def _read(path: Path) -> dict:
    import tomllib  # only when a settings file is read

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as err:
        raise RuleError(path, f"cannot read config: {err}") from None
