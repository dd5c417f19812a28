"""The `cleaner batch` command: JSONL in, JSONL out (the work is in cleaner.batch)."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from cleaner import batch, learn
from cleaner.cli.commands import _options, lang_option, limit_options, rule_options
from cleaner.cli.console import EXIT_EXCESS, error, fail, reader_gone, same_file, write_file
from cleaner.cli.learn import learn_options
from cleaner.config import build_cleaner
from cleaner.engine.fast import cache
from cleaner.engine.loader import MAX_RULE_FILE
from cleaner.engine.pipeline import Cleaner

TOP = 20  # rules listed in the summary by default
_PATH = click.Path(path_type=Path, allow_dash=True, dir_okay=False)


@click.command("batch")
@click.argument("source", metavar="IN", type=click.Path(path_type=Path, allow_dash=True, dir_okay=False, exists=True))
@click.option("-o", "--output", "target", type=_PATH, default="-", show_default=True,
              help="Output JSONL ('-' for stdout), gzipped when its name ends in .gz. A file is replaced only when "
                   "the whole run succeeds.")
@click.option("--overwrite", is_flag=True, help="Let -o OUT be IN itself (refused by default).")
@click.option("--text-field", default="text", show_default=True, help="Field holding the text to clean.")
@click.option("--html-field", help="Field holding HTML; records that have it are cleaned as HTML.")
@click.option("--output-field", help="Field for the cleaned text [default: overwrite the text field].")
@click.option("--lang-field", help="Field holding the record's language (as --lang takes it); records without "
              "one use --lang, or have theirs detected.")
@click.option("--url-field", default="url", show_default=True, help="Field holding the record's URL: helps HTML "
              "extraction, and its host (without www.) is the site for rules scoped to sites.")
@click.option("--site-field", help="Field naming the record's site instead (a host or URL).")
@click.option("--page-type-field", help="Field naming the record's page type (article, forum, product, collection, "
              "listing, documentation, service), for rules scoped to page types.")
@click.option("--learn-sites/--no-learn-sites", default=True, show_default=True,
              help="First learn each site's template lines (as `cleaner learn` does; a record's site comes from "
              "--site-field or --url-field), then clean with them too. IN is read twice: stdin is first copied "
              "to a temporary file (in TMPDIR). Records without a site are cleaned as they would be without it.")
@click.option("--save-sites", type=click.Path(path_type=Path, file_okay=False),
              help="Also write what is learned into this new or empty folder: one pack SITE.toml per site, to "
                   "review or to use with --rules.")
@learn_options
@click.option("--with-removals", is_flag=True, help="Add 'removals' and per-rule 'counts' to each record.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True, help="Worker processes.")
@click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
              help="On a malformed record: stop with status 2, or report it and go on.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
@click.option("--top", type=click.IntRange(0), default=TOP, show_default=True,
              help="Rules listed in the summary, most removals first.")
@click.option("--chunk-records", type=click.IntRange(1), default=batch.CHUNK_RECORDS, hidden=True)
@rule_options
@lang_option
@limit_options
@click.pass_context
def batch_cmd(ctx: click.Context, source: Path, target: Path, overwrite: bool, jobs: int, on_error: str, quiet: bool,
              top: int, chunk_records: int, save_sites: Path | None, **local: Any) -> None:
    """Clean the JSONL records of IN ('-' for stdin) into OUT, in input order; other fields pass through.

    By default a first pass over IN learns each site's template (see --learn-sites).
    A record over --max-removed under --on-excess fail stops the run with status 3; with
    --on-error skip it is left out and reported, and the run ends with status 3."""
    if not overwrite and same_file(source, target):
        where = "on stdin" if str(source) == "-" else source
        fail(f"{target} is the input {where}: writing there would overwrite it; nothing written "
             "(--overwrite allows it)")
    names = {"text": "text_field", "html": "html_field", "output": "output_field", "lang": "lang_field",
             "with_removals": "with_removals", "url": "url_field", "site": "site_field",
             "page_type": "page_type_field"}
    field_names = {key: local.pop(option) for key, option in names.items()}
    learning = {key: local.pop(key) for key in ("learn_sites", "min_pages", "min_share")}
    options = _options(ctx.find_root(), local)
    options["start"] = None if str(source) == "-" else source.absolute().parent  # settings nearest to IN
    cleaner = build_cleaner(**options)  # rule and --lang errors stop here, before any output
    lang = options.get("lang")
    fields = batch.Fields(**field_names, default_lang=None if lang is None else cleaner.language(lang))
    if save_sites is not None:
        check_new_folder(save_sites, learning["learn_sites"])
    run = {"jobs": jobs, "on_error": on_error, "chunk_records": chunk_records}
    setup = (build_cleaner, options, fields)
    with stops_reported(target), tempfile.TemporaryDirectory(prefix="cleaner-learned-") as folder:
        if learning["learn_sites"]:
            summary = learn_then_clean(source, target, cleaner, setup, Path(folder), learning, run, save_sites)
        else:
            summary = batch.run(str(source), str(target), cleaner, setup, **run)
    if not quiet:
        click.echo(summary.render(top), err=True)
    if summary.excess:
        sys.exit(EXIT_EXCESS)


def check_new_folder(folder: Path, learning: bool) -> None:
    """--save-sites names a folder that does not exist yet or is empty: no pack is ever written over a file."""
    if not learning:
        fail("--save-sites keeps what is learned: it cannot go with --no-learn-sites")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        fail(f"--save-sites: {folder} is not an empty folder; give a new or empty one (nothing was read)")


def learn_then_clean(source: Path, target: Path, cleaner: Cleaner, setup: tuple[Any, ...], folder: Path,
                     learning: dict[str, Any], run: dict[str, Any], save_sites: Path | None) -> batch.Summary:
    """Pass one learns each site's template lines (keeping its output); pass two cleans with them too, from
    pass one's output where that gives the same (batch.clean_again). When nothing is learned, pass one's
    output is the run's: no record is cleaned twice."""
    build, options, fields = setup
    source = spooled(source, folder)
    learner = learn.Learner(learning["min_pages"], learning["min_share"])
    first = batch.learn_sites(str(source), folder, cleaner, setup, learner, **run)
    rules = learner.rules()
    if save_sites is not None:
        save_packs(save_sites, rules)
    if not rules:
        for message in first.held:
            click.echo(f"cleaner: warning: {message}", err=True)
        batch.copy_out(folder / batch.SPOOL, str(target))
        first.summary.learned = learned_line(learner, rules, first.unsited)
        return first.summary
    pack = folder / "learned"  # one file a site: each under the rule-file limit, however many sites the crawl has
    for path, site_rules in save_packs(pack, rules).items():
        if path.stat().st_size <= MAX_RULE_FILE:  # (a larger one is refused by the loader, as any rule file)
            cache.get().put_tables(path, [learn.rule_table(rule) for rule in site_rules])  # as read back: no parse
    options = {**options, "rule_paths": (*options.get("rule_paths", ()), pack)}  # workers build the same cleaner
    summary = batch.clean_again(str(source), str(target), folder, pack, build(**options), (build, options, fields),
                                fast=learn.LearnedLines.of, **run)
    summary.started = first.summary.started  # the run's time covers both passes
    summary.learned = learned_line(learner, rules, first.unsited)
    return summary


def spooled(source: Path, folder: Path) -> Path:
    """IN as a file that can be read twice: stdin is copied into `folder` first (decompressed, if gzip)."""
    if str(source) != "-":
        return source
    copy = folder / "stdin.jsonl"
    with open(copy, "wb") as out, batch.open_input("-") as stdin:
        shutil.copyfileobj(stdin, out, 1 << 20)
    return copy


def learned_line(learner: learn.Learner, rules: list[learn.LearnedRule], unsited: int) -> str:
    """The summary's line on learning: rules learned, for how many of the sites seen, from how many pages."""
    pages = sum(s.pages for s in learner.sites.values())
    with_rules = len({rule.site for rule in rules})
    return (f"learned {len(rules)} rule(s) for {with_rules} of {len(learner.sites)} site(s) "
            f"from {pages} page(s); {unsited} record(s) without a site")


def save_packs(folder: Path, rules: list[learn.LearnedRule]) -> dict[Path, list[learn.LearnedRule]]:
    """One pack per site with rules, SITE.toml in `folder` (checked new or empty before the run); returns them."""
    by_site: dict[str, list[learn.LearnedRule]] = {}
    for rule in rules:
        by_site.setdefault(rule.site, []).append(rule)
    folder.mkdir(parents=True, exist_ok=True)
    for site, site_rules in by_site.items():
        header = (f"Learned by cleaner batch for {site}: {len(site_rules)} rule(s) from {site_rules[0].site_pages} "
                  "page(s).\nEach rule drops one line of the site's template; delete a rule to keep its line.")
        write_file(folder / f"{site}.toml", learn.pack_toml(site_rules, header))
    return {folder / f"{site}.toml": site_rules for site, site_rules in by_site.items()}


@contextmanager
def stops_reported(target: Path) -> Iterator[None]:
    """A stopped run as one error line and its status; SIGTERM, once cleaned up, ends the process as SIGTERM does."""
    where = "output on stdout is incomplete" if str(target) == "-" else f"{target} not written"
    try:
        yield
    except (batch.BatchStopped, batch.WorkerDied) as err:
        stopped = isinstance(err, batch.BatchStopped)
        hint = "; --on-error skip to go on" if stopped else ""
        fail(f"{err}; stopped ({where}{hint})", err.status if stopped else 2)
    except batch.CannotRead as err:
        fail(str(err))
    except BrokenPipeError:
        reader_gone()
    except batch.Terminated:
        error(f"terminated; {where}")
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # cleaned up: now end as SIGTERM does
        os.kill(os.getpid(), signal.SIGTERM)
