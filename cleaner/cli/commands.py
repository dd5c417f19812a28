"""The `cleaner` command's arguments, options and subcommands (click).

Plain `cleaner < in > out` never comes here: `cleaner.cli.main` runs it without click.
Reading, writing, error lines and exit statuses are in `cleaner.cli.console`, shared by both."""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import click

from cleaner import __version__
from cleaner.config import build_cleaner, cleaners_for
from cleaner.cli.console import (EXIT_ERROR, EXIT_MISMATCH, InputError, clean_source, clean_stdin, error, fail, render, reported,
                             write_file, write_out)
from cleaner.engine.pipeline import Cleaner
from cleaner.engine.pagetype import PAGE_TYPES
from cleaner.engine.sites import site_name, url_site
from cleaner.engine.loader import Rule, builtin_rules_dir, load_paths


def rule_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that cleans: where rules come from and which run."""
    options = [
        click.option("--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path),
                     help="Extra rule file or folder (repeatable)."),
        click.option("--select", multiple=True,
                     help="Run only these rule ids or categories (comma-separated, repeatable)."),
        click.option("--ignore", multiple=True,
                     help="Skip these rule ids or categories (comma-separated, repeatable)."),
        click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="Settings file for every input (default: the nearest cleaner.toml or pyproject.toml "
                          "[tool.cleaner], from each input file's folder up; for stdin, the working directory's)."),
        click.option("--isolated", is_flag=True, help="Ignore any settings file."),
        click.option("--no-builtin", is_flag=True, help="Do not load the shipped rules."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def limit_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The regex time limit and the over-removal guard; unset, the library's defaults apply."""
    defaults = inspect.signature(Cleaner).parameters
    options = [
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
                     help="Seconds each rule's regexes may take on a document, per MB of text (at least 1 MB); "
                          f"a rule over it is skipped with a warning.  [default: {defaults['timeout'].default}]"),
        click.option("--max-removed", type=click.FloatRange(0, 1, min_open=True), metavar="SHARE",
                     help="Largest share of a document's characters the rules may remove (1: no guard).  "
                          f"[default: {defaults['max_removed'].default}]"),
        click.option("--on-excess", type=click.Choice(["keep", "clean", "fail"]),
                     help="Over --max-removed: keep the original, clean anyway (both warn), or fail with "
                          f"status 3.  [default: {defaults['on_excess'].default}]"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


color_option = click.option("--color", type=click.Choice(["auto", "always", "never"]),
                            help="[default: auto] Colour on a terminal unless NO_COLOR is set; always; never.")


def use_color(choice: str | None) -> bool | None:
    """click.echo's `color` for --color: None lets click colour only a terminal; NO_COLOR (set and not
    empty, as no-color.org says) turns auto off; the option itself wins over it."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return None


format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default=None,
                             help="[default: text] Cleaned text, or JSON with the removals and per-rule counts.")


def _lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """'auto' is no language given; any other value is checked once the rules are loaded (build_cleaner)."""
    return None if value is None or value.lower() == "auto" else value


def _site(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A host or URL, as rules' `sites` name it (www.Example.com gives example.com)."""
    if value is None:
        return None
    try:
        return site_name(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


lang_option = click.option("--lang", metavar="CODE", callback=_lang,
                           help="Language of the text: de, en, es, fr, it, nl, pl, pt or one a rule names, in any case, "
                                "with a region (de-DE) or by English name (german). Default: auto (detected).")


def _encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A codec Python knows, by its canonical name."""
    import codecs

    if value is None:
        return None
    try:
        name = codecs.lookup(value).name
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r}") from None
    try:
        b"a".decode(name)  # hex, rot13, zlib: codecs of bytes to bytes or str to str; undefined: none
    except UnicodeDecodeError:  # a text encoding that cannot read b"a" alone (utf-16)
        pass
    except (LookupError, UnicodeError):
        raise click.BadParameter(f"{value!r} is not a text encoding") from None
    return name


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--input (html, text or auto-detected), --url, --strict and -q, for the commands that read a document."""
    func = limit_options(func)
    func = click.option("-q", "--quiet", is_flag=True, help="No warnings on stderr (errors are still "
                        "reported).")(func)
    func = click.option("--encoding", metavar="NAME", callback=_encoding, help="The input's encoding (latin-1, "
                        "cp1252, ...). Default: UTF-8, or as detected when the text is not UTF-8, with a warning.")(func)
    func = click.option("--strict", is_flag=True, help="Refuse input that is not valid UTF-8 (status 2) "
                        "instead of replacing the bad bytes with a warning.")(func)
    func = click.option("--site", callback=_site, help="The site the document comes from, for rules scoped to "
                        "sites (default: the host of --url).")(func)
    func = click.option("--page-type", type=click.Choice(PAGE_TYPES, case_sensitive=False),
                        help="The kind of page, for rules scoped to page types. Default: HTML, as the page "
                        "declares it or its URL shows (else article); text, article.")(func)
    func = click.option("--url", help="The page's address: helps HTML extraction, and names the site for rules "
                        "scoped to sites.")(func)
    return click.option("--input", "input_kind", type=click.Choice(["auto", "html", "text"]),
                        help="Treat the input as HTML or as text. Default: auto (HTML if it starts like a page).")(func)


class CleanerGroup(click.Group):
    """Turns rule, config and input errors raised anywhere into one line on stderr and their exit status."""

    lazy = {"serve": "cleaner.cli.serve:serve_cmd", "batch": "cleaner.cli.batch:batch_cmd",
            "learn": "cleaner.cli.learn:learn_cmd"}  # imported only when named

    def invoke(self, ctx: click.Context) -> Any:
        with reported():
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        """`cleaner FILE ...` is `cleaner clean FILE ...`: a first word that is no command but names a file."""
        if args and self.get_command(ctx, args[0]) is None and _names_a_file(args[0]):
            return "clean", self.get_command(ctx, "clean"), args
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            import importlib

            module, attr = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


def _names_a_file(word: str) -> bool:
    """An existing file, '-' (stdin), or a word shaped like a path (a.txt, sub/x), rather than a mistyped command."""
    return word == "-" or "." in word or "/" in word or os.path.exists(word)


@click.group(cls=CleanerGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@rule_options
@format_option
@lang_option
@input_options
@color_option
@click.version_option(__version__, "-V", "--version", prog_name="cleaner")
@click.pass_context
def main(ctx: click.Context, fmt: str, **options: Any) -> None:
    """Strip page furniture from scraped article text.

    With no command, read text on stdin and write the cleaned text to stdout; `cleaner FILE ...`
    is `cleaner clean FILE ...`:

        cleaner --ignore rating < scraped.txt > clean.txt
    """
    ctx.obj = {**options, "fmt": fmt}
    if ctx.invoked_subcommand is None:
        clean_stdin(options, fmt or "text")


def _options(ctx: click.Context, local: dict[str, Any]) -> dict[str, Any]:
    """Group-level options first, then the subcommand's own."""
    merged = dict(ctx.obj or {})
    for key, value in local.items():
        if isinstance(value, tuple):
            merged[key] = (*merged.get(key, ()), *value)
        elif value:
            merged[key] = value
    return merged


HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")


def output_name(path: Path, fmt: str) -> str:
    """The name of a cleaned file: its own, as text (page.html -> page.txt, a.txt.gz -> a.txt),
    with .json added for --format json."""
    name = path.name.removesuffix(".gz")
    if name.lower().endswith(HTML_SUFFIXES):
        name = name[: name.rindex(".")] + ".txt"
    return name + (".json" if fmt == "json" else "")


def output_paths(files: tuple[Path, ...], output_dir: Path, fmt: str, overwrite: bool) -> list[Path]:
    """Where each file's result goes; two inputs to one output, or (without --overwrite) an output
    over an input, stop with status 2 before anything is written."""
    if any(str(path) == "-" for path in files):
        fail(f"-o {output_dir}: stdin ('-') has no name to write under there; without -o it is written to stdout")
    targets = [output_dir / output_name(path, fmt) for path in files]
    first: dict[Path, Path] = {}
    for path, target in zip(files, targets):
        earlier = first.setdefault(target.resolve(), path)
        if earlier.resolve() != path.resolve():  # not the same file named twice
            fail(f"{earlier} and {path} would both be written to {target}; nothing written")
    inputs = {path.resolve() for path in files}
    for path, target in zip(files, targets):
        if target.resolve() in inputs and not overwrite:
            fail(f"{target} is an input: writing there would overwrite it; nothing written (--overwrite allows it)")
    return targets


@main.command("clean")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option("-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write each cleaned file here under its own name, as text (page.html gives page.txt); "
                   "needed for several files or a folder.")
@click.option("--overwrite", is_flag=True, help="Let -o DIR write over input files (refused by default).")
@click.option("--learn-sites/--no-learn-sites", default=True, show_default=True,
              help="With several pages of one --site (or --url): first learn the lines that recur on them (as "
                   "`cleaner learn` does), then clean each page with them too.")
@rule_options
@format_option
@lang_option
@input_options
@color_option
@click.pass_context
def clean_cmd(ctx: click.Context, files: tuple[Path, ...], output_dir: Path | None, overwrite: bool, fmt: str,
              learn_sites: bool, **local: Any) -> None:
    """Clean FILES ('-' for stdin; a folder: its .txt and .html pages); print to stdout (one file) or write into
    -o DIR. Several pages of one --site or --url are cleaned with the lines they share learned first."""
    files = page_files(files)
    if output_dir is None and len(files) > 1:
        raise click.UsageError("several files need -o DIR")
    fmt = fmt or (ctx.obj or {}).get("fmt") or "text"
    targets: list[Path | None] = [None] * len(files)  # stdout
    if output_dir is not None:
        targets = list(output_paths(files, output_dir, fmt, overwrite))
    options = _options(ctx, local)
    failures: list[InputError] = []
    for path, outcome, target in zip(files, clean_files(files, options, learn_sites), targets):
        try:
            result = outcome.unwrap()
            if target is not None:  # (a file that cannot be written is counted; the others go on)
                write_file(target, render(result, fmt))
        except InputError as err:
            error(str(err))
            failures.append(err)
            continue
        if target is None:
            write_out(render(result, fmt))  # stdout that cannot be written stops the command
    if failures:
        error(f"{len(failures)} of {len(files)} file(s) not cleaned")
        sys.exit(min(err.exit_code for err in failures))  # 2 if any could not be read, else 3


PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".shtml")


def page_files(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """The files to clean: each file as given, each folder's page files (.txt, .html, ... also .gz) below it;
    a folder with none stays, to be reported as an input that cannot be cleaned."""
    files: list[Path] = []
    for path in paths:
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().removesuffix(".gz")
                       .endswith(PAGE_SUFFIXES)) if path.is_dir() else []
        files += found or [path]
    return tuple(files)


class Outcome(NamedTuple):
    """One file's result, or the error that stopped it."""

    result: Any = None
    error: InputError | None = None

    def unwrap(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


def clean_each(files: tuple[Path, ...], options: dict[str, Any]) -> Iterator[Outcome]:
    """Each file cleaned alone (with the settings nearest to it), as it comes."""
    for path, cleaner in zip(files, cleaners_for(files, options)):
        if path.is_dir():
            yield Outcome(error=InputError(f"{path}: a folder with no page files ({', '.join(PAGE_SUFFIXES)}) in it"))
            continue
        try:
            yield Outcome(clean_source(cleaner, None if str(path) == "-" else path, options))
        except InputError as err:
            yield Outcome(error=err)


def clean_files(files: tuple[Path, ...], options: dict[str, Any], learn_sites: bool) -> Iterator[Outcome]:
    """Each file's outcome; several pages of one site are cleaned a second time with what they share learned
    (a first pass counts what the rules leave of each, as `cleaner learn` does); nothing learned, the first's."""
    site = options.get("site") or (url_site(options["url"]) if options.get("url") else None)
    if not learn_sites or site is None or len(files) < 2:
        return clean_each(files, options)
    from cleaner import learn

    first = list(clean_each(files, options))
    learner = learn.Learner()
    for outcome in first:
        if outcome.error is None:
            learner.add(site, outcome.result.text)
    rules = learner.rules()
    pages = learner.sites[site].pages if learner.sites else 0
    if not options.get("quiet"):
        click.echo(f"cleaner: learned {len(rules)} rule(s) from {pages} page(s) of {site}", err=True)
    if not rules:
        return iter(first)
    return learned_pass(files, options, learn.pack_toml(rules, f"Learned by cleaner clean from pages of {site}"))


def learned_pass(files: tuple[Path, ...], options: dict[str, Any], pack: str) -> Iterator[Outcome]:
    """The files cleaned again with the learned pack added to the rules."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cleaner-learned-") as folder:
        path = Path(folder) / "learned.toml"
        path.write_text(pack, encoding="utf-8")
        yield from clean_each(files, {**options, "rule_paths": (*options.get("rule_paths", ()), path)})


@main.command("explain")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@rule_options
@lang_option
@input_options
@color_option
@click.pass_context
def explain_cmd(ctx: click.Context, file: Path, **local: Any) -> None:
    """Show every removed line or span of FILE ('-' for stdin) and the rule that removed it."""
    options = _options(ctx, local)
    path = None if str(file) == "-" else file
    start = None if path is None else path.absolute().parent
    result = clean_source(build_cleaner(**options, start=start), path, options)
    color = use_color(options.get("color"))
    for r in result.removals + result.reverted:  # (each in line order; only one of them is ever non-empty)
        where = click.style(f"{file}:{r.line or 'html'}:", dim=True)
        rule = click.style(r.rule_id, fg="cyan", bold=True)
        what = "" if r.whole_line else click.style("(span) ", fg="yellow")
        what += click.style(f"<{r.element}> ", fg="yellow") if r.element else ""
        back = click.style("(put back) ", fg="green") if result.reverted else ""
        click.echo(f"{where} {rule} [{r.category}] {back}{what}{click.style(r.text.strip(), fg='red')}", color=color)
    for k in result.kept:  # HTML: what a guard kept of a rule's matches, or put back
        where = click.style(f"{file}:html:", dim=True)
        why = click.style(f"(guard: {k.why})", fg="green")
        click.echo(f"{where} {click.style(k.rule_id, fg='cyan', bold=True)} {why} {k.text.strip()}", color=color)
    kept = len(result.text.splitlines())
    guarded = f"; {len(result.kept)} match(es) kept or put back by a guard" if result.kept else ""
    click.echo(f"{len(result.removals)} removal(s) by {len(result.counts)} rule(s); {kept} line(s) kept{guarded}")
    evidence = f": {result.page_type_evidence}" if result.page_type_evidence else ""
    click.echo(f"page type: {result.page_type} ({result.page_type_source}{evidence})")
    if result.guard:
        share = f"{result.removed_share:.0%}"
        click.echo(f"guard: kept the original (rules would remove {share}); the removals above were put back"
                   if result.guard == "kept-original" else f"guard: cleaned anyway (rules removed {share})")


@main.group("rules")
def rules_group() -> None:
    """List the rules in force, show one of them, or run their own examples."""


rules_format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default=None,
                                   help="[default: text] Tab-separated lines, or JSON.")


@rules_group.command("list")
@rules_format_option
@rule_options
@click.pass_context
def rules_list(ctx: click.Context, **local: Any) -> None:
    """The rules in force, in the order they run: one per line, id, category, kind, languages ('all' when the
    rule applies to every language) and description; with --format json, a list with the file of each."""
    options = _options(ctx.find_root(), local)
    rules = build_cleaner(**options).rules
    if options.get("fmt") == "json":
        import json

        write_out(json.dumps([{"id": r.id, "category": r.category, "kind": r.kind, "lang": list(r.lang),
                               "sites": list(r.sites), "description": r.description, "file": r.source} for r in rules],
                             ensure_ascii=False, indent=2) + "\n")
        return
    for rule in rules:
        click.echo(f"{rule.id}\t{rule.category}\t{rule.kind}\t{','.join(rule.lang) or 'all'}\t{rule.description}")


@rules_group.command("show")
@click.argument("rule_id", metavar="ID")
@rules_format_option
@rule_options
@click.pass_context
def rules_show(ctx: click.Context, rule_id: str, **local: Any) -> None:
    """One rule as the [[rule]] table that defines it (pattern and other options, category, languages,
    examples), after a comment naming its file; with --format json, the same as an object. A rule that
    --select, --ignore or the settings leave out is shown too, marked as not in force."""
    from cleaner.cli.rule_text import rule_dict, rule_toml

    options = _options(ctx.find_root(), local)
    in_force = {rule.id for rule in build_cleaner(**options).rules}  # (also checks --select and --ignore)
    rules = {rule.id: rule for rule in loaded_rules(options)}
    if rule_id not in rules:
        fail(f"no rule {unknown_rule_message(rule_id, rules)}")
    rule = rules[rule_id]
    if options.get("fmt") == "json":
        import json

        write_out(json.dumps(rule_dict(rule) | {"in_force": rule_id in in_force}, ensure_ascii=False, indent=2) + "\n")
        return
    from cleaner.engine.categories import CATEGORIES

    state = "in force" if rule_id in in_force else "not in force: left out by --select, --ignore or the settings"
    write_out(f"# {rule.id}: from {rule.source} ({state})\n# category {rule.category}: {CATEGORIES[rule.category]}\n"
              + rule_toml(rule))


def loaded_rules(options: dict[str, Any]) -> list[Rule]:
    """Every rule that the shipped packs, the settings file and --rules load, before --select and --ignore."""
    from cleaner.config import load_config, settings_file

    found = settings_file(None, options.get("config_path"), options.get("isolated", False))
    paths = [] if options.get("no_builtin") else [builtin_rules_dir()]
    return load_paths([*paths, *(load_config(found).rules if found else ()), *options.get("rule_paths", ())])


def unknown_rule_message(name: str, rules: dict[str, Rule]) -> str:
    """Why `name` is no rule id: a category named instead (and how to list its rules), or the likeliest id."""
    from cleaner.engine.categories import CATEGORIES, RETIRED, unknown_name_message

    if name in CATEGORIES:
        return f"'{name}': that is a category; 'cleaner rules list --select {name}' lists its rules"
    if name in RETIRED:
        return f"'{name}': a retired category; 'cleaner rules list --select {RETIRED[name]}' lists its rules"
    return unknown_name_message(name, set(rules)).replace(name, f"'{name}'", 1)


@rules_group.command("categories")
def rules_categories() -> None:
    """The rule categories --select and --ignore take, one per line: name, what it covers."""
    from cleaner.engine.categories import CATEGORIES

    for name, what in CATEGORIES.items():
        click.echo(f"{name}\t{what}")


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


GOLDEN_INPUTS = "*.input.txt or *.input.html"


@main.group("golden")
def golden_group() -> None:
    """Compare cleaned inputs with locked expected files (NAME.input.txt or NAME.input.html, with an
    optional NAME.url, beside NAME.expected.txt); an HTML input is cleaned as a page."""


_DIFF_COLORS = {"+++": "bright_white", "---": "bright_white", "+": "green", "-": "red", "@": "cyan"}


def styled_diff(diff: str) -> str:
    """A unified diff with added lines green, removed red, hunk headers cyan (click drops the
    colour when it is not wanted)."""
    lines = []
    for line in diff.splitlines():
        color = _DIFF_COLORS.get(line[:3]) or _DIFF_COLORS.get(line[:1])
        lines.append(click.style(line, fg=color) if color else line)
    return "\n".join(lines)


@golden_group.command("check")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@rule_options
@color_option
@click.pass_context
def golden_check(ctx: click.Context, folder: Path, **local: Any) -> None:
    """Clean each input in FOLDER and diff it with its expected file; exit 1 on any mismatch, a
    missing expected file, or an expected file with no input; exit 2 if a case's file cannot be read
    (not UTF-8), naming it."""
    from cleaner.golden import check_case, find_cases, find_orphans

    options = _options(ctx.find_root(), local)
    cleaner = build_cleaner(**options, start=folder)
    cases = sorted(find_cases(folder) + find_orphans(folder), key=lambda case: case.name)
    outcomes = [check_case(cleaner, case) for case in cases]
    color = use_color(options.get("color"))
    for outcome in outcomes:
        if outcome.broken:
            error(f"golden case {outcome.case.name}: {outcome.diff}")
        elif not outcome.ok:
            click.echo(f"FAIL {outcome.case.name}\n{styled_diff(outcome.diff)}", color=color)
    failed, broken = sum(not o.ok for o in outcomes), sum(o.broken for o in outcomes)
    unreadable = f", {broken} unreadable" if broken else ""
    click.echo(f"{len(outcomes) - failed} passed, {failed - broken} failed{unreadable}")
    if not outcomes:
        fail(f"no golden cases ({GOLDEN_INPUTS}) in {folder}")
    sys.exit(EXIT_ERROR if broken else EXIT_MISMATCH if failed else 0)


def ci_set() -> bool:
    """CI is set to something other than empty, 0, false or no (as CI services set it: true)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@golden_group.command("update")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.argument("names", nargs=-1)
@rule_options
@click.pass_context
def golden_update(ctx: click.Context, folder: Path, names: tuple[str, ...], **local: Any) -> None:
    """Rewrite the expected files in FOLDER (only those of the cases NAMES, if given) from the
    current output; refused when CI is set."""
    from cleaner.golden import GoldenFileError, find_cases, update_case

    if ci_set():
        fail("refusing to write golden files while the CI environment variable is set")
    cases = find_cases(folder)
    if not cases:
        fail(f"no golden cases ({GOLDEN_INPUTS}) in {folder}")
    unknown = sorted(set(names) - {case.name for case in cases})
    if unknown:
        fail(f"no golden case named {', '.join(unknown)} in {folder}")
    cases = [case for case in cases if not names or case.name in names]
    cleaner = build_cleaner(**_options(ctx.find_root(), local), start=folder)
    changed, broken = [], 0
    for case in cases:
        try:
            if update_case(cleaner, case):
                changed.append(case.name)
        except GoldenFileError as err:  # named, and the other cases still updated (as `check` runs them)
            error(f"golden case {case.name}: {err}; its expected file is left as it was")
            broken += 1
    for name in changed:
        click.echo(f"updated {name}")
    failed = f", {broken} not updated" if broken else ""
    click.echo(f"{len(changed)} updated, {len(cases) - len(changed) - broken} unchanged{failed}")
    if broken:
        sys.exit(EXIT_ERROR)
