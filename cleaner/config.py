"""Find and read project settings: `cleaner.toml`, or `[tool.cleaner]` in `pyproject.toml`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cleaner.engine import Cleaner
from cleaner.loader import RuleError

KEYS = {"rules", "select", "ignore"}


class Settings(NamedTuple):
    rules: Sequence[Path] = ()
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
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


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def build_cleaner(rule_paths: Sequence[Path] = (), select: Sequence[str] = (), ignore: Sequence[str] = (),
                  config_path: Path | None = None, isolated: bool = False, no_builtin: bool = False,
                  timeout: float | None = None, max_removed: float | None = None, on_excess: str | None = None,
                  lang: str | None = None, **_: Any) -> Cleaner:
    """Merge the settings file (unless `isolated`) with the command line's options and load the rules once;
    a --lang the rules and the detector do not know stops here."""
    limits: dict[str, Any] = {"timeout": timeout, "max_removed": max_removed, "on_excess": on_excess}
    settings = Settings()
    if not isolated:
        found = config_path or find_config(Path.cwd())
        if found:
            settings = load_config(found)
    cleaner = Cleaner(
        [*settings.rules, *rule_paths],
        select=_split(select) or settings.select,
        ignore=[*settings.ignore, *_split(ignore)],
        builtin=not no_builtin,
        **{k: v for k, v in limits.items() if v is not None},
    )
    if lang is not None:
        try:
            cleaner.language(lang)
        except ValueError as err:
            raise RuleError("--lang", str(err)) from None
    return cleaner


def _read(path: Path) -> dict:
    import tomllib  # only when a settings file is read

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as err:
        raise RuleError(path, f"cannot read config: {err}") from None
