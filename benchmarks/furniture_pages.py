"""Pages for the per-category furniture benchmark: AEB, traf-dev and the article pages of wcxb-dev,
each with its gold article text (AEB, wcxb) or its with/without snippets (traf): scraped.load_set's
pages, each with its set named."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scraped import Page, load_set

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
GoldPage = Page


def load(name: str, data: Path = DATA, ids: set[str] | None = None) -> list[GoldPage]:
    """The pages of set `name` (aeb, traf, wcxb: its article pages), sorted by id; only `ids` when given."""
    return [replace(page, set=name) for page in load_set(name, data, ids=ids)
            if name != "wcxb" or page.page_type == "article"]
