"""Golden cases as pytest items: `pytest --cleaner-goldens DIR`, or `cleaner_goldens` in the pytest settings.

Each `NAME.input.txt` (or `NAME.input.html`, cleaned as a page with the URL in `NAME.url` if there is one)
of a golden folder is one item, `NAME.input.txt::NAME`, that cleans the input and fails with the unified
diff against `NAME.expected.txt`; an expected file without its input fails too, and a case with a file
that is not UTF-8 fails alone, naming the file.
`--cleaner-update` rewrites the expected files that differ (refused while CI is set). The rules come from
the settings file nearest to each folder, as for `cleaner golden check`, and the `--cleaner-rules`,
`--cleaner-select`, `--cleaner-ignore`, `--cleaner-config`, `--cleaner-isolated` and `--cleaner-no-builtin`
options, which mean what `cleaner`'s own options of those names do."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

INPUT_SUFFIXES = (".input.txt", ".input.html")  # (as cleaner.golden, imported only once goldens are collected)
EXPECTED_SUFFIX = ".expected.txt"
UPDATED = pytest.StashKey[list[str]]()
FOLDERS = pytest.StashKey[set[Path]]()
CLEANERS = pytest.StashKey[dict[Path, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cleaner", "golden files of cleaner (NAME.input.txt / NAME.expected.txt)")
    group.addoption("--cleaner-goldens", action="append", default=[], metavar="DIR",
                    help="Run each golden case in DIR as a test (repeatable); replaces the cleaner_goldens setting.")
    group.addoption("--cleaner-update", action="store_true",
                    help="Rewrite the expected files whose cleaned input differs (refused while CI is set).")
    group.addoption("--cleaner-rules", action="append", default=[], metavar="PATH",
                    help="Extra rule file or folder (repeatable).")
    group.addoption("--cleaner-select", action="append", default=[], metavar="IDS",
                    help="Run only these rule ids or categories (comma-separated, repeatable).")
    group.addoption("--cleaner-ignore", action="append", default=[], metavar="IDS",
                    help="Skip these rule ids or categories (comma-separated, repeatable).")
    group.addoption("--cleaner-config", metavar="FILE", help="Settings file for every golden folder.")
    group.addoption("--cleaner-isolated", action="store_true", help="Ignore any settings file.")
    group.addoption("--cleaner-no-builtin", action="store_true", help="Do not load the shipped rules.")
    parser.addini("cleaner_goldens", type="paths", default=[],
                  help="Folders of golden cases (NAME.input.txt / NAME.expected.txt) to run as tests.")


def pytest_configure(config: pytest.Config) -> None:
    """Check the golden folders and the update flag; add the folders to what pytest collects."""
    given = [config.invocation_params.dir / d for d in config.getoption("cleaner_goldens")]
    folders = given or list(config.getini("cleaner_goldens"))
    for folder in folders:
        if not folder.is_dir():
            raise pytest.UsageError(f"cleaner golden folder {folder}: no such folder")
        if not any(p.name.endswith(INPUT_SUFFIXES) for p in folder.glob("*.input.*")):
            raise pytest.UsageError(f"cleaner golden folder {folder}: no golden cases (*.input.txt or *.input.html)")
    if config.getoption("cleaner_update") and os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        raise pytest.UsageError("--cleaner-update: refusing to write golden files while the CI environment "
                                "variable is set")
    config.stash[FOLDERS] = {folder.resolve() for folder in folders}
    config.stash[CLEANERS] = {}
    config.stash[UPDATED] = []
    if folders and (config.getoption("cleaner_select") or config.getoption("cleaner_ignore")):
        check_names(config, folders[0])
    if given or config.args_source != pytest.Config.ArgsSource.ARGS:  # (paths named on the command line win)
        config.args.extend(str(folder) for folder in folders if not _covered(folder, config))


def _covered(folder: Path, config: pytest.Config) -> bool:
    """Whether pytest visits `folder` anyway: it is in or under one of the paths it collects."""
    base = config.invocation_params.dir
    roots = [(base / arg.split("::")[0]).resolve() for arg in config.args]
    return any(folder.resolve().is_relative_to(root) for root in roots)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> GoldenFile | None:
    if file_path.parent.resolve() not in parent.config.stash.get(FOLDERS, set()):
        return None
    name = file_path.name
    if name.endswith(INPUT_SUFFIXES):
        return GoldenFile.from_parent(parent, path=file_path)
    if name.endswith(EXPECTED_SUFFIX):  # an orphan: its input renamed or deleted
        stem = name[: -len(EXPECTED_SUFFIX)]
        if not any(file_path.with_name(stem + suffix).exists() for suffix in INPUT_SUFFIXES):
            return GoldenFile.from_parent(parent, path=file_path)
    return None


class GoldenFile(pytest.File):
    """One case's file: its input (or, for an orphan, its expected file)."""

    def collect(self) -> Iterator[GoldenItem]:
        from cleaner.golden import Case, case_name, input_of

        stem = case_name(self.path) or self.path.name[: -len(EXPECTED_SUFFIX)]
        yield GoldenItem.from_parent(self, name=stem, case=Case(stem, input_of(self.path.parent, stem)))


class GoldenMismatch(Exception):
    """A case whose cleaned input is not its expected file: the diff, or why there is none."""


class GoldenUnreadable(Exception):
    """A case with a file that cannot be read (not UTF-8): the file and why; --cleaner-update leaves it."""


class GoldenItem(pytest.Item):
    def __init__(self, *, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from cleaner.golden import GoldenFileError, check_case, update_case

        cleaner = folder_cleaner(self.config, self.path.parent)
        outcome = check_case(cleaner, self.case)
        if outcome.ok:
            return
        if outcome.broken:
            raise GoldenUnreadable(f"cannot run this golden case: {outcome.diff}")
        if self.config.getoption("cleaner_update") and self.case.input.is_file():
            try:
                update_case(cleaner, self.case)
            except GoldenFileError as err:
                raise GoldenUnreadable(f"cannot update this golden case: {err}") from None
            self.config.stash[UPDATED].append(self.case.name)
            return
        if not self.case.input.is_file():
            raise GoldenMismatch(f"{outcome.diff}: delete the expected file or rename it with its input")
        if not self.case.expected.is_file():
            raise GoldenMismatch(f"{outcome.diff} (pytest --cleaner-update writes it)")
        raise GoldenMismatch(f"the cleaned input differs from {self.case.expected.name} (- expected, + cleaned; "
                             f"pytest --cleaner-update rewrites it)\n{outcome.diff.rstrip()}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from cleaner.engine.loader import RuleError

        if isinstance(excinfo.value, (GoldenMismatch, GoldenUnreadable, RuleError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"golden {self.name}"


def check_names(config: pytest.Config, folder: Path) -> None:
    """A --cleaner-select or --cleaner-ignore naming no rule or category is a usage error, not a failure of every case."""
    from cleaner.engine.loader import RuleError

    try:
        folder_cleaner(config, folder)
    except RuleError as err:
        if err.source in ("--select", "--ignore"):
            raise pytest.UsageError(f"--cleaner-{err.source[2:]}: {err.message}") from None


def folder_cleaner(config: pytest.Config, folder: Path) -> Any:
    """The Cleaner for a golden folder (built once): the settings nearest to it and the --cleaner-* options."""
    cleaners = config.stash[CLEANERS]
    if folder not in cleaners:
        from cleaner.config import build_cleaner

        base = config.invocation_params.dir
        config_path = config.getoption("cleaner_config")
        cleaners[folder] = build_cleaner(
            rule_paths=[base / p for p in config.getoption("cleaner_rules")],
            select=config.getoption("cleaner_select"), ignore=config.getoption("cleaner_ignore"),
            config_path=base / config_path if config_path else None,
            isolated=config.getoption("cleaner_isolated"), no_builtin=config.getoption("cleaner_no_builtin"),
            start=folder)
    return cleaners[folder]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    updated = config.stash.get(UPDATED, [])
    if updated:
        terminalreporter.write_sep("-", f"cleaner: {len(updated)} golden file(s) updated")
        for name in updated:
            terminalreporter.write_line(f"updated {name}")
