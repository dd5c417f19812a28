"""The `cleaner batch` command: JSONL in, JSONL out (the work is in cleaner.batch)."""

from __future__ import annotations

import os
import signal
import tempfile
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from cleaner import batch, learn
from cleaner.cli.commands import _options, lang_option, limit_options, rule_options
from cleaner.cli.console import EXIT_EXCESS, error, fail, reader_gone
from cleaner.cli.learn import learn_options
from cleaner.config import build_cleaner
from cleaner.engine.pipeline import Cleaner

_PATH = click.Path(path_type=Path, allow_dash=True, dir_okay=False)


@click.command("batch")
@click.argument("source", metavar="IN", type=click.Path(path_type=Path, allow_dash=True, dir_okay=False, exists=True))
@click.option("-o", "--output", "target", type=_PATH, default="-", show_default=True,
              help="Output JSONL ('-' for stdout). A file is replaced only when the whole run succeeds.")
@click.option("--overwrite", is_flag=True, help="Let -o OUT be IN itself (refused by default).")
@click.option("--text-field", default="text", show_default=True, help="Field holding the text to clean.")
@click.option("--html-field", help="Field holding HTML; records that have it are cleaned as HTML.")
@click.option("--output-field", help="Field for the cleaned text [default: overwrite the text field].")
@click.option("--lang-field", help="Field holding the record's language (as --lang takes it); records without "
              "one use --lang, or have theirs detected.")
@click.option("--url-field", default="url", show_default=True, help="Field holding the record's URL: helps HTML "
              "extraction, and its host (without www.) is the site for rules scoped to sites.")
@click.option("--site-field", help="Field naming the record's site instead (a host or URL).")
@click.option("--learn-sites", is_flag=True, help="Read IN twice: first learn each site's template lines (as "
              "`cleaner learn` does), then clean with them too.")
@learn_options
@click.option("--with-removals", is_flag=True, help="Add 'removals' and per-rule 'counts' to each record.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True, help="Worker processes.")
@click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
              help="On a malformed record: stop with status 2, or report it and go on.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
@click.option("--chunk-records", type=click.IntRange(1), default=batch.CHUNK_RECORDS, hidden=True)
@rule_options
@lang_option
@limit_options
@click.pass_context
def batch_cmd(ctx: click.Context, source: Path, target: Path, overwrite: bool, jobs: int, on_error: str, quiet: bool,
              chunk_records: int, **local: Any) -> None:
    """Clean the JSONL records of IN ('-' for stdin) into OUT, in input order; other fields pass through.

    A record over --max-removed under --on-excess fail stops the run with status 3; with
    --on-error skip it is left out and reported, and the run ends with status 3."""
    if not overwrite and same_file(source, target):
        fail(f"{target} is the input {source}: writing there would overwrite it; nothing written "
             "(--overwrite allows it)")
    names = {"text": "text_field", "html": "html_field", "output": "output_field", "lang": "lang_field",
             "with_removals": "with_removals", "url": "url_field", "site": "site_field"}
    field_names = {key: local.pop(option) for key, option in names.items()}
    learning = {key: local.pop(key) for key in ("learn_sites", "min_pages", "min_share")}
    options = _options(ctx.find_root(), local)
    options["start"] = None if str(source) == "-" else source.absolute().parent  # settings nearest to IN
    cleaner = build_cleaner(**options)  # rule and --lang errors stop here, before any output
    lang = options.get("lang")
    fields = batch.Fields(**field_names, default_lang=None if lang is None else cleaner.language(lang))
    if learning["learn_sites"] and str(source) == "-":
        fail("--learn-sites reads IN twice: give a file, not stdin")
    run = {"jobs": jobs, "on_error": on_error, "chunk_records": chunk_records}
    with stops_reported(target), tempfile.TemporaryDirectory(prefix="cleaner-learned-") as folder:
        if learning["learn_sites"]:
            cleaner = learn_first(source, cleaner, (build_cleaner, options, fields), Path(folder) / "learned.toml",
                                  learning, run, quiet)
        summary = batch.run(str(source), str(target), cleaner, (build_cleaner, options, fields), **run)
    if not quiet:
        click.echo(summary.render(), err=True)
    if summary.excess:
        sys.exit(EXIT_EXCESS)


def same_file(source: Path, target: Path) -> bool:
    """OUT names IN itself, by the same name or through a link (neither is stdin/stdout)."""
    if "-" in (str(source), str(target)):
        return False
    try:
        return target.exists() and os.path.samefile(source, target)
    except OSError:
        return False


def learn_first(source: Path, cleaner: Cleaner, setup: tuple[Any, ...], pack: Path, learning: dict[str, Any],
                run: dict[str, Any], quiet: bool) -> Cleaner:
    """Pass one of --learn-sites: learn each site's template lines into `pack`, then the cleaner with it too
    (the pack is added to the options, so that workers build the same cleaner)."""
    build, options, fields = setup
    learner = learn.Learner(learning["min_pages"], learning["min_share"])
    learned = batch.learn_sites(str(source), cleaner, setup, learner, **run)
    rules = learner.rules()
    pack.write_text(learn.pack_toml(rules, "Learned by cleaner batch --learn-sites"), encoding="utf-8")
    options["rule_paths"] = (*options.get("rule_paths", ()), pack)
    if not quiet:
        pages = sum(s.pages for s in learner.sites.values())
        click.echo(f"cleaner batch: learned {len(rules)} rule(s) for {len(learner.sites)} site(s) from {pages} "
                   f"page(s); {learned.unsited} record(s) without a site", err=True)
    return build(**options)


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
