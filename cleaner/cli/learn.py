"""The `cleaner learn` command: a corpus in, a rule pack of each site's template lines out (the work is in cleaner.learn)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from cleaner import batch, learn
from cleaner.cli.commands import PAGE_SUFFIXES, _options, _site, lang_option, limit_options, rule_options
from cleaner.config import build_cleaner
from cleaner.cli.console import InputError, clean_source, error, fail, same_file, warn, write_file, write_out
from cleaner.engine.pipeline import Cleaner
from cleaner.engine.sites import url_site

def learn_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--min-pages and --min-share, shared with `cleaner batch` (which learns by default)."""
    func = click.option("--min-share", type=click.FloatRange(0, 1), default=learn.MIN_SHARE, show_default=True,
                        help="...and on at least this share of the site's pages.")(func)
    return click.option("--min-pages", type=click.IntRange(1), default=learn.MIN_PAGES, show_default=True,
                        help="Learn a line that recurs on at least this many pages of a site...")(func)


@click.command("learn")
@click.argument("corpus", type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--output", "target", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the rule pack here [default: stdout].")
@click.option("--site", callback=_site, help="The site of every page (needed for a folder; for JSONL, records "
              "without a site field or URL).")
@click.option("--text-field", default="text", show_default=True, help="JSONL: the field holding a page's text.")
@click.option("--html-field", help="JSONL: the field holding a page's HTML (records that have it are read as HTML).")
@click.option("--url-field", default="url", show_default=True, help="JSONL: the field holding the page's URL, "
              "whose host (without www.) is its site.")
@click.option("--site-field", help="JSONL: a field naming the page's site instead (a host or URL).")
@learn_options
@click.option("--report", is_flag=True, help="Print per site on stderr: pages read, exact repeats skipped, "
              "rules learned.")
@rule_options
@lang_option
@limit_options
@click.pass_context
def learn_cmd(ctx: click.Context, corpus: Path, target: Path | None, site: str | None, text_field: str,
              html_field: str | None, url_field: str, site_field: str | None, min_pages: int, min_share: float,
              report: bool, **local: Any) -> None:
    """Learn each site's template from CORPUS: a JSONL file (one page per record, its site from its URL) or
    a folder of .txt/.html pages of one --site. Writes a rule pack: one drop_line rule per line that recurs
    on --min-pages pages of a site, scoped to it; review it, then use it with --rules."""
    if target is not None and same_file(corpus, target):
        fail(f"{target} is the corpus {corpus}: the pack would replace it; nothing written (name another -o FILE)")
    options = _options(ctx.find_root(), local)
    cleaner = build_cleaner(**options, start=corpus.absolute().parent)
    learner = learn.Learner(min_pages, min_share)
    if corpus.is_dir():
        if site is None:
            fail(f"{corpus} is a folder: name the site of its pages with --site")
        pages = folder_pages(cleaner, corpus, site, options)
    else:
        fields = batch.Fields(text=text_field, html=html_field, url=url_field, site=site_field,
                              default_lang=None if options.get("lang") is None else cleaner.language(options["lang"]))
        pages = jsonl_pages(cleaner, corpus, fields, site)
    unsited = 0
    for name, text in pages:
        if name is None:
            unsited += 1
        else:
            learner.add(name, text)
    if unsited and not learner.sites:
        fail(f"none of the {unsited} page(s) has a site (no --site-field value, URL or --site): nothing to learn; "
             "no pack written")
    if unsited:
        warn(f"{unsited} page(s) without a site (no --site-field value, URL or --site) left out")
    rules = learner.rules()
    pack = learn.pack_toml(rules, header(corpus, learner, len(rules)))
    if target is None:
        write_out(pack)
    else:
        write_file(target, pack)
    if report:
        click.echo("\n".join(learn.render_report(learner.report())), err=True)


def header(corpus: Path, learner: learn.Learner, rules: int) -> str:
    pages = sum(s.pages for s in learner.sites.values())
    return (f"Learned by `cleaner learn` from {corpus.name}: {pages} page(s) of {len(learner.sites)} site(s), "
            f"{rules} rule(s);\n--min-pages {learner.min_pages} --min-share {learner.min_share:g}. Each rule drops one "
            "line of a site's template;\ndelete a rule to keep its line. Use the pack with --rules FILE.")


def folder_pages(cleaner: Cleaner, folder: Path, site: str, options: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The text the rules leave of each page file under `folder` (HTML or text, as `cleaner clean` reads it)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name.lower().removesuffix(".gz").endswith(PAGE_SUFFIXES))
    if not files:
        fail(f"no page files ({', '.join(PAGE_SUFFIXES)}) under {folder}")
    for path in files:
        try:
            yield site, clean_source(cleaner, path, {**options, "site": site}).text
        except InputError as err:
            error(f"{err}; left out")


def jsonl_pages(cleaner: Cleaner, path: Path, fields: batch.Fields, default: str | None) -> Iterator[tuple[str | None, str]]:
    """(site, the text the rules leave) for each record; a malformed record stops with its line number."""
    try:
        yield from _records(cleaner, path, fields, default)
    except batch.CannotRead as err:
        fail(str(err))


def _records(cleaner: Cleaner, path: Path, fields: batch.Fields, default: str | None) -> Iterator[tuple[str | None, str]]:
    with batch.open_input(str(path)) as stream:
        for number, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            try:
                record = batch.parse(raw)
                site, url = batch.record_site(record, fields)
                site = site or (url_site(url) if url else None) or default
                yield site, batch.run_cleaner(cleaner, fields, record).text
            except batch.RecordError as err:
                fail(f"{path}: line {number}: {err}")
