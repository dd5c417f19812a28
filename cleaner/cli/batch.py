"""The `cleaner batch` command: JSONL in, JSONL out (the work is in cleaner.batch)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from cleaner import batch
from cleaner.cli.commands import _options, lang_option, limit_options, rule_options
from cleaner.config import build_cleaner
from cleaner.cli.console import EXIT_EXCESS, error, fail, reader_gone

_PATH = click.Path(path_type=Path, allow_dash=True, dir_okay=False)


@click.command("batch")
@click.argument("source", metavar="IN", type=click.Path(path_type=Path, allow_dash=True, dir_okay=False, exists=True))
@click.option("-o", "--output", "target", type=_PATH, default="-", show_default=True,
              help="Output JSONL ('-' for stdout). A file is replaced only when the whole run succeeds.")
@click.option("--text-field", default="text", show_default=True, help="Field holding the text to clean.")
@click.option("--html-field", help="Field holding HTML; records that have it are cleaned as HTML.")
@click.option("--output-field", help="Field for the cleaned text [default: overwrite the text field].")
@click.option("--lang-field", help="Field holding the record's language (as --lang takes it); records without "
              "one use --lang, or have theirs detected.")
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
def batch_cmd(ctx: click.Context, source: Path, target: Path, jobs: int, on_error: str, quiet: bool,
              chunk_records: int, **local: Any) -> None:
    """Clean the JSONL records of IN ('-' for stdin) into OUT, in input order; other fields pass through.

    A record over --max-removed under --on-excess fail stops the run with status 3; with
    --on-error skip it is left out and reported, and the run ends with status 3."""
    names = {"text": "text_field", "html": "html_field", "output": "output_field", "lang": "lang_field",
             "with_removals": "with_removals"}
    field_names = {key: local.pop(option) for key, option in names.items()}
    options = _options(ctx.find_root(), local)
    options["start"] = None if str(source) == "-" else source.absolute().parent  # settings nearest to IN
    cleaner = build_cleaner(**options)  # rule and --lang errors stop here, before any output
    lang = options.get("lang")
    fields = batch.Fields(**field_names, default_lang=None if lang is None else cleaner.language(lang))
    try:
        summary = batch.run(str(source), str(target), cleaner, (build_cleaner, options, fields),
                            jobs=jobs, on_error=on_error, chunk_records=chunk_records)
    except (batch.BatchStopped, batch.WorkerDied) as err:
        where = "output on stdout is incomplete" if str(target) == "-" else f"{target} not written"
        stopped = isinstance(err, batch.BatchStopped)
        hint = "; --on-error skip to go on" if stopped else ""
        fail(f"{err}; stopped ({where}{hint})", err.status if stopped else 2)
    except batch.CannotRead as err:
        fail(str(err))
    except BrokenPipeError:
        reader_gone()
    except batch.Terminated:
        error(f"terminated; {'output on stdout is incomplete' if str(target) == '-' else f'{target} not written'}")
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # cleaned up: now end as SIGTERM does
        os.kill(os.getpid(), signal.SIGTERM)
    if not quiet:
        click.echo(summary.render(), err=True)
    if summary.excess:
        sys.exit(EXIT_EXCESS)
