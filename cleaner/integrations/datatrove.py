"""A datatrove pipeline step that runs cleaner over each Document (`pip install 'scrape-cleaner[datatrove]'`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cleaner.engine.pipeline import Cleaner, Result
from cleaner.extras import missing_extra
from cleaner.engine.sites import site_name

try:
    from datatrove.data import Document, DocumentsPipeline
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

    def __init__(self, rules: Iterable[str | Path] = (), *, html: bool = False, lang_key: str | None = "language",
                 site_key: str | None = None, drop_empty: bool = True, **cleaner_options: Any) -> None:
        """`html`: doc.text is a page (as WarcReader gives it), its URL in metadata["url"], whose host is
        also the site for rules scoped to sites (or metadata[site_key], a host or URL, when given);
        cleaner_options (select, ignore, builtin, ...) go to Cleaner."""
        super().__init__()
        self.options: dict[str, Any] = {"rules": [str(p) for p in rules], **cleaner_options}
        self.html, self.lang_key, self.site_key, self.drop_empty = html, lang_key, site_key, drop_empty
        self._cleaner: Cleaner | None = Cleaner(**self.options)  # bad rules fail here, not in a worker

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
