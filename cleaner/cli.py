"""The `cleaner` command. Exit status: 0 success, 1 golden mismatch, 2 usage, config or input error."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cleaner.engine import Cleaner, Result
from cleaner.loader import RuleError

EXIT_MISMATCH = 1
EXIT_ERROR = 2


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def rule_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that cleans: where rules come from and which run."""
    options = [
        click.option("--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path),
                     help="Extra rule file or folder (repeatable)."),
        click.option("--select", multiple=True, help="Run only these rule ids or categories (comma-separated, repeatable)."),
        click.option("--ignore", multiple=True, help="Skip these rule ids or categories (comma-separated, repeatable)."),
        click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="Settings file (default: nearest cleaner.toml or pyproject.toml [tool.cleaner])."),
        click.option("--isolated", is_flag=True, help="Ignore any settings file."),
        click.option("--no-builtin", is_flag=True, help="Do not load the shipped rules."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_cleaner(rule_paths: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...],
                  config_path: Path | None, isolated: bool, no_builtin: bool, **_: Any) -> Cleaner:
    """Merge the settings file with the command line and load the rules once."""
    from cleaner.config import Settings, find_config, load_config

    settings = Settings()
    if not isolated:
        found = config_path or find_config(Path.cwd())
        if found:
            settings = load_config(found)
    return Cleaner(
        [*settings.rules, *rule_paths],
        select=_split(select) or settings.select,
        ignore=[*settings.ignore, *_split(ignore)],
        builtin=not no_builtin,
    )


def fail(message: str) -> None:
    click.echo(f"cleaner: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def read_text(path: Path | None) -> str:
    """Read a file (or stdin for None) as UTF-8, replacing undecodable bytes with a warning."""
    name = "<stdin>" if path is None else str(path)
    try:
        data = sys.stdin.buffer.read() if path is None else path.read_bytes()
    except OSError as err:
        raise click.FileError(name, err.strerror) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        click.echo(f"cleaner: warning: {name}: invalid UTF-8 at byte {err.start}; replaced", err=True)
        return data.decode("utf-8", errors="replace")


def to_json(result: Result) -> str:
    return json.dumps({
        "text": result.text,
        "removals": [
            {"rule": r.rule_id, "category": r.category, "line": r.line, "text": r.text, "whole_line": r.whole_line}
            for r in result.removals
        ],
        "counts": result.counts,
    }, ensure_ascii=False, indent=2) + "\n"


def render(result: Result, fmt: str) -> str:
    return to_json(result) if fmt == "json" else result.text


format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                             show_default=True, help="Cleaned text, or JSON with the removals and per-rule counts.")


class CleanerGroup(click.Group):
    """Turns rule and config errors raised anywhere into one line on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RuleError as err:
            fail(str(err))


@click.group(cls=CleanerGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@rule_options
@format_option
@click.version_option(package_name="cleaner")
@click.pass_context
def main(ctx: click.Context, fmt: str, **options: Any) -> None:
    """Strip page furniture from scraped article text.

    With no command, read text on stdin and write the cleaned text to stdout:

        cleaner --ignore rating < scraped.txt > clean.txt
    """
    ctx.obj = options
    if ctx.invoked_subcommand is None:
        result = build_cleaner(**options).clean(read_text(None))
        click.echo(render(result, fmt), nl=False)


def _options(ctx: click.Context, local: dict[str, Any]) -> dict[str, Any]:
    """Group-level options first, then the subcommand's own."""
    merged = dict(ctx.obj or {})
    for key, value in local.items():
        if isinstance(value, tuple):
            merged[key] = (*merged.get(key, ()), *value)
        elif value:
            merged[key] = value
    return merged


@main.command("clean")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write each cleaned file here under its own name (needed for several files).")
@rule_options
@format_option
@click.pass_context
def clean_cmd(ctx: click.Context, files: tuple[Path, ...], output_dir: Path | None, fmt: str, **local: Any) -> None:
    """Clean FILES; print to stdout (one file) or write into -o DIR."""
    if output_dir is None and len(files) > 1:
        raise click.UsageError("several files need -o DIR")
    cleaner = build_cleaner(**_options(ctx, local))
    failed = 0
    for path in files:
        try:
            result = cleaner.clean(read_text(path))
        except click.FileError as err:
            click.echo(f"cleaner: error: {err.format_message()}", err=True)
            failed += 1
            continue
        if output_dir is None:
            click.echo(render(result, fmt), nl=False)
            continue
        output_dir.mkdir(parents=True, exist_ok=True)
        suffix = ".json" if fmt == "json" else ""
        (output_dir / (path.name + suffix)).write_text(render(result, fmt), encoding="utf-8")
    if failed:
        fail(f"{failed} of {len(files)} file(s) could not be read")


@main.command("explain")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@rule_options
@click.pass_context
def explain_cmd(ctx: click.Context, file: Path, **local: Any) -> None:
    """Show every removed line or span of FILE ('-' for stdin) and the rule that removed it."""
    cleaner = build_cleaner(**_options(ctx, local))
    result = cleaner.clean(read_text(None if str(file) == "-" else file))
    for r in result.removals:
        where = click.style(f"{file}:{r.line}:", dim=True)
        rule = click.style(r.rule_id, fg="cyan", bold=True)
        what = "" if r.whole_line else click.style("(span) ", fg="yellow")
        click.echo(f"{where} {rule} [{r.category}] {what}{click.style(r.text.strip(), fg='red')}")
    kept = len(result.text.splitlines())
    click.echo(f"{len(result.removals)} removal(s) by {len(result.counts)} rule(s); {kept} line(s) kept")


@main.group("rules")
def rules_group() -> None:
    """List the rules in force, or run their own examples."""


@rules_group.command("list")
@rule_options
@click.pass_context
def rules_list(ctx: click.Context, **local: Any) -> None:
    """One rule per line: id, category, kind, description."""
    for rule in build_cleaner(**_options(ctx.find_root(), local)).rules:
        click.echo(f"{rule.id}\t{rule.category}\t{rule.kind}\t{rule.description}")


@rules_group.command("test")
@rule_options
@click.pass_context
def rules_test(ctx: click.Context, **local: Any) -> None:
    """Run every rule's examples; exit 1 if any fails."""
    from cleaner.selftest import check_rule

    rules = build_cleaner(**_options(ctx.find_root(), local)).rules
    failures = [f for rule in rules for f in check_rule(rule)]
    for f in failures:
        label = f"example #{f.number}" if f.number else "examples"
        click.echo(f"FAIL {f.rule_id} {label}: {f.message}")
    examples = sum(len(r.examples) for r in rules)
    click.echo(f"{len(rules)} rules, {examples} examples: {len(failures)} failure(s)")
    sys.exit(EXIT_MISMATCH if failures else 0)


@main.group("golden")
def golden_group() -> None:
    """Compare cleaned inputs with locked expected files (NAME.input.txt / NAME.expected.txt)."""


@golden_group.command("check")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@rule_options
@click.pass_context
def golden_check(ctx: click.Context, folder: Path, **local: Any) -> None:
    """Clean each input in FOLDER and diff it with its expected file; exit 1 on any mismatch."""
    from cleaner.golden import check_case, find_cases

    cleaner = build_cleaner(**_options(ctx.find_root(), local))
    outcomes = [check_case(cleaner, case) for case in find_cases(folder)]
    for outcome in outcomes:
        if not outcome.ok:
            click.echo(f"FAIL {outcome.case.name}\n{outcome.diff}")
    failed = sum(not o.ok for o in outcomes)
    click.echo(f"{len(outcomes) - failed} passed, {failed} failed")
    if not outcomes:
        fail(f"no golden cases (*.input.txt) in {folder}")
    sys.exit(EXIT_MISMATCH if failed else 0)


@golden_group.command("update")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@rule_options
@click.pass_context
def golden_update(ctx: click.Context, folder: Path, **local: Any) -> None:
    """Rewrite the expected files in FOLDER from the current output (refused when CI is set)."""
    from cleaner.golden import find_cases, update_case

    if os.environ.get("CI"):
        fail("refusing to write golden files while the CI environment variable is set")
    cleaner = build_cleaner(**_options(ctx.find_root(), local))
    cases = find_cases(folder)
    changed = [case.name for case in cases if update_case(cleaner, case)]
    for name in changed:
        click.echo(f"updated {name}")
    click.echo(f"{len(changed)} updated, {len(cases) - len(changed)} unchanged")
