"""Datatrove pipeline steps (`pip install 'scrape-cleaner[datatrove]'`): CleanerStep runs cleaner over each
Document; SiteLearnStep and SiteRulesReduce learn each site's template over shards, in stages as
datatrove's own deduplication runs (see docs/datatrove.md):

1. SiteLearnStep (any number of tasks): cleans each document as CleanerStep would, counts the lines
   left of it for its site (cleaner.learn), and writes its counts, one file per task and bucket.
2. SiteRulesReduce (one task per bucket, or fewer): merges each site's counts from every task's file,
   one site at a time, and writes the site's pack, `{site}.toml`, when it learned rules.
3. CleanerStep(site_rules=FOLDER) cleans the same records with the packs too."""

from __future__ import annotations

import heapq
import json
import re
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

from cleaner import learn
from cleaner.engine.pipeline import Cleaner, Result
from cleaner.extras import missing_extra
from cleaner.engine.sites import site_name, url_site

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.io import DataFolderLike, get_datafolder
    from datatrove.pipeline.base import PipelineStep
    from datatrove.utils.typeshelper import StatHints
except ImportError as err:
    raise ModuleNotFoundError(missing_extra("cleaner.integrations.datatrove", "datatrove", err.name), name=err.name) from None


class CleanerStep(PipelineStep):
    """Cleans each document's text (or its HTML), counts removals per rule, and drops emptied documents.

    Stats: `total`, `forwarded`, `dropped`, `changed` (documents that lost something), `emptied`, `warned`
    (the engine left a warning), `lang_unknown` (a metadata language cleaner does not know), `site_unknown`
    (a metadata[site_key] that names no site), and one
    `rule:<id>` per rule: its removals, over the documents it touched.
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, rules: str | Path | Iterable[str | Path] = (), *, html: bool = False, lang_key: str | None = "language",
                 site_key: str | None = None, drop_empty: bool = True, site_rules: str | Path | None = None,
                 **cleaner_options: Any) -> None:
        """`html`: doc.text is a page (as WarcReader gives it), its URL in metadata["url"], whose host is
        also the site for rules scoped to sites (or metadata[site_key], a host or URL, when given);
        `site_rules`: the folder of packs SiteRulesReduce writes (on a file system every worker sees; it
        may not exist yet when the pipeline is built); cleaner_options (select, ignore, builtin, ...) go to Cleaner."""
        super().__init__()
        rules = [rules] if isinstance(rules, str | Path) else rules  # one file or folder, as Cleaner takes it
        paths = [str(p) for p in rules] + ([] if site_rules is None else [str(site_rules)])
        self.options: dict[str, Any] = {"rules": paths, **cleaner_options}
        self.html, self.lang_key, self.site_key, self.drop_empty = html, lang_key, site_key, drop_empty
        self._cleaner: Cleaner | None = None
        if site_rules is None or Path(site_rules).is_dir():
            self._cleaner = Cleaner(**self.options)  # bad rules fail here, not in a worker

    def __getstate__(self) -> dict[str, Any]:
        """Ship options, not compiled rules: each worker process builds its own Cleaner."""
        return {**self.__dict__, "_cleaner": None}

    @property
    def cleaner(self) -> Cleaner:
        if self._cleaner is None:
            self._cleaner = Cleaner(**self.options)
        return self._cleaner

    def clean(self, doc: Document) -> Result:
        """The Result for one document: HTML through cleaner.html.clean_page, text through clean."""
        lang, url = self.language(doc), doc.metadata.get("url")
        url = url if isinstance(url, str) else None
        site = doc.metadata.get(self.site_key) if self.site_key else None
        site = self.site(site) if site is not None else None
        if self.html:
            from cleaner.html import clean_page

            return clean_page(self.cleaner, doc.text, url, lang, site=site)
        return self.cleaner.clean(doc.text, lang=lang, site=site, url=url)

    def site(self, value: object) -> str | None:
        """metadata[site_key] as a site name; one that names no site counts in `site_unknown` (the URL's host is used)."""
        try:
            return site_name(value)
        except ValueError:
            self.stat_update("site_unknown")
            return None

    def language(self, doc: Document) -> str | None:
        """metadata[lang_key] as cleaner's code (DE, de-DE, german: de). A language cleaner does not
        know (datatrove's language filters name many more) counts in `lang_unknown`, and the engine
        detects the language instead; so does a document without one."""
        value = doc.metadata.get(self.lang_key) if self.lang_key else None
        try:
            return None if value is None else self.cleaner.language(value)
        except ValueError:
            self.stat_update("lang_unknown")
            return None

    def record(self, result: Result) -> None:
        """Per-rule counts and whether the document changed, in datatrove's stats."""
        for rule_id, count in result.counts.items():
            self.stat_update(f"rule:{rule_id}", value=count)
        if result.removals:
            self.stat_update("changed")
        if result.warnings:
            self.stat_update("warned")

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Clean every document; one left empty is dropped, or kept when drop_empty is False."""
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                result = self.clean(doc)
            doc.text = result.text
            self.record(result)
            if not doc.text:
                self.stat_update("emptied")
                if self.drop_empty:
                    self.stat_update(StatHints.dropped)
                    continue
            self.stat_update(StatHints.forwarded)
            self.update_doc_stats(doc)
            yield doc


class SiteLearnStep(CleanerStep):
    """Stage 1 of learning sites: counts the lines cleaner leaves of each document for its site and
    writes the counts to `output_folder`/bucket_NNN/RRRRR.sites.jsonl; forwards no document.

    A document's site is metadata[site_key] (a host or URL) when given, else the host of metadata["url"];
    one without a site counts in `unsited`. Stats: `total`, `unsited`, `sites`, as CleanerStep's others."""

    name = "🧹 cleaner: learn sites"
    type = "📊 - STATS"

    def __init__(self, output_folder: DataFolderLike | Path, rules: str | Path | Iterable[str | Path] = (), *, buckets: int = 1,
                 **options: Any) -> None:
        """`buckets`: how many SiteRulesReduce tasks may share the merge (each site goes to one bucket);
        the other options as CleanerStep's."""
        if buckets < 1:
            raise ValueError(f"buckets must be at least 1, got {buckets}")
        super().__init__(rules, **options)
        self.output_folder, self.buckets = folder(output_folder), buckets

    def doc_site(self, doc: Document) -> str | None:
        value = doc.metadata.get(self.site_key) if self.site_key else None
        try:
            return site_name(value)
        except ValueError:  # (none given, or counted in site_unknown by `clean`)
            url = doc.metadata.get("url")
            return url_site(url) if isinstance(url, str) else None

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Count every document; write the counts when the shard is read."""
        learner = learn.Learner(entry=1)  # a key's text from its first page: its other pages may be in other shards
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                text = self.clean(doc).text
                site = self.doc_site(doc)
                if site is None:
                    self.stat_update("unsited")
                else:
                    learner.add(site, text)
        self.stat_update("sites", value=len(learner.sites))
        self.write(learner, rank)
        yield from ()

    def write(self, learner: learn.Learner, rank: int) -> None:
        """One file per bucket, its sites in merge order (see site_order), one JSON line each."""
        files = [self.output_folder.open(f"bucket_{b:03d}/{rank:05d}.sites.jsonl", mode="wb") for b in range(self.buckets)]
        try:
            for order in sorted(map(site_order, learner.sites)):
                state = learner.sites[order[1]].state()
                files[bucket(order[1], self.buckets)].write(f"{json.dumps(order)}\t{json.dumps(state)}\n".encode("ascii"))
        finally:
            for file in files:
                file.close()


def folder(where: DataFolderLike | Path) -> Any:
    """A datatrove DataFolder (a local Path taken as its string)."""
    return get_datafolder(str(where) if isinstance(where, Path) else where)


def site_order(site: str) -> list[str]:
    """Sites are merged in this order: those whose rule ids start alike (learn.site_slug) side by side."""
    return [learn.site_slug(site), site]


def bucket(site: str, buckets: int) -> int:
    """The bucket of a site: sites whose rule ids start alike go to the same one."""
    return learn.key_hash(learn.site_slug(site)) % buckets


def pack_name(site: str) -> str:
    """The file name of a site's pack: the site's name when it is a plain host name."""
    if re.fullmatch(r"[a-z0-9][a-z0-9.-]{0,200}", site):
        return f"{site}.toml"
    return f"{learn.site_slug(site) or 'site'}-{learn.key_hash(site):016x}.toml"


class SiteRulesReduce(PipelineStep):
    """Stage 2 of learning sites: merges each site's counts from every SiteLearnStep task and writes its
    rule pack, `output_folder`/{site}.toml, when it learned rules (thresholds and guards as `cleaner learn`'s).

    Runs with no input, as datatrove's dedup clusters do; task r merges buckets r, r + tasks, ...
    Memory: one site's counts from each count file of the bucket at a time (see docs/datatrove.md).
    Stats: `sites`, `pages`, `rules`, `sites_with_rules`."""

    name = "🧹 cleaner: site rules"
    type = "📊 - STATS"

    def __init__(self, input_folder: DataFolderLike | Path, output_folder: DataFolderLike | Path, *, buckets: int = 1,
                 min_pages: int = learn.MIN_PAGES, min_share: float = learn.MIN_SHARE) -> None:
        super().__init__()
        learn.Learner(min_pages, min_share)  # bad thresholds fail here, not in a worker
        self.input_folder, self.output_folder = folder(input_folder), folder(output_folder)
        self.buckets, self.min_pages, self.min_share = buckets, min_pages, min_share

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        assert data is None, "SiteRulesReduce reads the counts SiteLearnStep wrote: give it no input step"
        self.check_buckets()
        with self.track_time():
            for number in range(rank, self.buckets, world_size):
                self.reduce(self.input_folder.list_files(subdirectory=f"bucket_{number:03d}"))
        yield from ()

    def check_buckets(self) -> None:
        """ValueError when the counts are missing, or were written for another number of buckets."""
        found = {path.split("/", 1)[0] for path in self.input_folder.list_files()}
        if not found:
            raise ValueError(f"no counts under {self.input_folder.path}: run SiteLearnStep first")
        if found - {f"bucket_{b:03d}" for b in range(self.buckets)}:
            raise ValueError(f"{self.input_folder.path} holds counts in {len(found)} buckets; give SiteRulesReduce "
                             f"the buckets SiteLearnStep had, not {self.buckets}")

    def reduce(self, paths: list[str]) -> None:
        """Merge one bucket's files, site by site; ids are unique among sites whose ids start alike."""
        merged = heapq.merge(*(self.lines(path) for path in paths), key=lambda item: item[0])
        slug, taken = None, set[str]()
        for (group, site), states in groupby(merged, key=lambda item: item[0]):
            counts = learn.SiteCounts.load(json.loads(next(states)[1]))
            for _, state in states:
                counts.merge(learn.SiteCounts.load(json.loads(state)))
            if group != slug:
                slug, taken = group, set()
            self.write_pack(site, counts, taken)

    def lines(self, path: str) -> Iterator[tuple[tuple[str, str], str]]:
        """(merge order, the counts as JSON) of each site in one count file, read as they are needed."""
        with self.input_folder.open(path, mode="rb") as file:
            for raw in file:
                order, state = raw.decode("ascii").split("\t", 1)
                yield tuple(json.loads(order)), state  # type: ignore[misc]

    def write_pack(self, site: str, counts: learn.SiteCounts, taken: set[str]) -> None:
        learner = learn.Learner(self.min_pages, self.min_share)
        learner.sites[site] = counts
        rules = learner.site_rules(site, taken)
        self.stat_update("sites")
        self.stat_update("pages", value=counts.pages)
        if not rules:
            return
        self.stat_update("sites_with_rules")
        self.stat_update("rules", value=len(rules))
        header = (f"Learned by cleaner's datatrove stages (SiteLearnStep, SiteRulesReduce) from {counts.pages} page(s) "
                  f"of {site}: {len(rules)} rule(s);\n--min-pages {self.min_pages} --min-share {self.min_share:g}. Each "
                  "rule drops one line of the site's template;\ndelete a rule to keep its line.")
        with self.output_folder.open(pack_name(site), mode="wb") as out:
            out.write(learn.pack_toml(rules, header).encode("utf-8"))
