"""Find and read project settings: `cleaner.toml`, or `[tool.cleaner]` in `pyproject.toml`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cleaner.engine.pipeline import Cleaner
from cleaner.engine.loader import RuleError

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


def settings_table(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """pyproject.toml: its [tool.cleaner] table. cleaner.toml: its top level, or a [tool.cleaner]
    table (the same block as in pyproject.toml), not both."""
    tool = data.get("tool", {})
    table = tool.get("cleaner", {}) if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise RuleError(path, "'tool.cleaner' must be a table")
    if path.name == "pyproject.toml":
        return table
    top = {key: value for key, value in data.items() if key != "tool"}
    if top and table:
        raise RuleError(path, "settings both at the top level and under [tool.cleaner]; keep one")
    return top or table


def load_config(path: Path) -> Settings:
    """Read settings; paths in `rules` are relative to the config file and must exist."""
    table = settings_table(path, _read(path))
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise RuleError(path, f"unknown setting(s) {unknown}; known: {sorted(KEYS)}")
    values = {key: table.get(key, []) for key in KEYS}
    for key, value in values.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RuleError(path, f"setting '{key}' must be a list of strings")
    rules = [path.parent / p for p in values["rules"]]
    for rule_path in rules:
        if not rule_path.exists():
            raise RuleError(path, f"setting 'rules': no such rule file or folder: {rule_path}")
    return Settings(rules=rules, select=values["select"], ignore=values["ignore"], source=path)


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def settings_file(start: Path | None = None, config_path: Path | None = None, isolated: bool = False) -> Path | None:
    """The settings in force for an input in folder `start` (None: the working directory): --config's
    file, else the nearest one upwards from `start`; none when `isolated`."""
    if isolated:
        return None
    return config_path or find_config((start or Path.cwd()).absolute())


def build_cleaner(rule_paths: Sequence[Path] = (), select: Sequence[str] = (), ignore: Sequence[str] = (),
                  config_path: Path | None = None, isolated: bool = False, no_builtin: bool = False,
                  timeout: float | None = None, max_removed: float | None = None, on_excess: str | None = None,
                  lang: str | None = None, start: Path | None = None, **_: Any) -> Cleaner:
    """Merge the settings in force for folder `start` with the command line's options and load the
    rules once; a --lang the rules and the detector do not know stops here."""
    limits: dict[str, Any] = {"timeout": timeout, "max_removed": max_removed, "on_excess": on_excess}
    found = settings_file(start, config_path, isolated)
    settings = load_config(found) if found else Settings()
    try:
        cleaner = Cleaner(
            [*settings.rules, *rule_paths],
            select=_split(select) or settings.select,
            ignore=[*settings.ignore, *_split(ignore)],
            builtin=not no_builtin,
            **{k: v for k, v in limits.items() if v is not None},
        )
    except RuleError as err:
        raise _blame_settings(_as_option(err), settings, not no_builtin) from None
    if lang is not None:
        try:
            cleaner.language(lang)
        except ValueError as err:
            raise RuleError("--lang", str(err)) from None
    return cleaner


_OPTIONS = {"Cleaner(select=...)": "--select", "Cleaner(ignore=...)": "--ignore"}


def _as_option(err: RuleError) -> RuleError:
    """The library's `Cleaner(select=...)` in an error, as the command line's option: `--select`."""
    return RuleError(_OPTIONS[err.source], err.message) if err.source in _OPTIONS else err


def _blame_settings(err: RuleError, settings: Settings, builtin: bool) -> RuleError:
    """An unknown rule id or category: when the settings file's own select/ignore hold it, say so."""
    if err.source not in ("--select", "--ignore") or settings.source is None:
        return err
    try:
        Cleaner(settings.rules, select=settings.select, ignore=settings.ignore, builtin=builtin)
    except RuleError as own:
        if own.source in _OPTIONS:
            return RuleError(settings.source, f"setting '{_OPTIONS[own.source][2:]}': {own.message}")
    return err


def cleaners_for(files: Sequence[Path], options: dict[str, Any]) -> list[Cleaner]:
    """A Cleaner for each input file, with the settings nearest to it (as ruff finds its own): one
    Cleaner per settings file in force, all built (and any error found) before anything is cleaned."""
    built: dict[Path | None, Cleaner] = {}
    cleaners = []
    for path in files:
        folder = path.absolute().parent
        found = settings_file(folder, options.get("config_path"), options.get("isolated", False))
        if found not in built:
            built[found] = build_cleaner(**options, start=folder)
        cleaners.append(built[found])
    return cleaners


def _read(path: Path) -> dict:
    import tomllib  # only when a settings file is read

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as err:
        raise RuleError(path, f"cannot read config: {err}") from None
