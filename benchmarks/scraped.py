"""The quality benchmark's pages and the text two kinds of scraper make of them (cached)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import trafilatura

from aeb_inputs import block_text, cached_texts, decode_html, load_pages


@dataclass(frozen=True)
class Page:
    """One page: its HTML and its gold (AEB: the article text; traf: with/without snippets; wcxb: the main
    content, with/without snippets and the page type)."""

    id: str
    url: str
    html: str
    truth: str = ""
    with_: tuple[str, ...] = field(default=())
    without: tuple[str, ...] = field(default=())
    page_type: str = ""
    set: str = ""  # aeb, traf or wcxb (furniture_pages sets it)


def load_set(name: str, data: Path, limit: int | None = None, ids: set[str] | None = None) -> list[Page]:
    """The pages of `aeb` (data/aeb), `traf` (data/traf-dev) or `wcxb` (data/wcxb-dev), sorted by id; only
    `ids` when given."""
    if name == "aeb":
        return [Page(p.id, p.url, p.html, p.truth) for p in load_pages(data / "aeb", limit)
                if ids is None or p.id in ids]
    if name not in FOLDERS:
        raise ValueError(f"unknown set {name!r} (aeb, traf, wcxb)")
    root = data / FOLDERS[name]
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    return [Page(i, gold[i]["url"] or "", decode_html(gzip.decompress((root / "html" / f"{i}.html.gz").read_bytes())),
                 truth=gold[i].get("main_content", ""), with_=tuple(gold[i]["with"]),
                 without=tuple(gold[i]["without"]), page_type=gold[i].get("page_type", ""))
            for i in sorted(gold)[:limit] if ids is None or i in ids]


FOLDERS = {"traf": "traf-dev", "wcxb": "wcxb-dev"}


_FIGURE = re.compile(r"<(/?)(figure|figcaption)\b", re.I)


def keep_captions(html: str) -> str:
    """figure/figcaption renamed div/p, as a careless scraper leaves captions in the text."""
    return _FIGURE.sub(lambda m: f"<{m.group(1)}{'div' if m.group(2).lower() == 'figure' else 'p'}", html)


def recall_text(html: str) -> str:
    """trafilatura favor_recall with comments, captions kept; '' when it finds nothing."""
    return trafilatura.extract(keep_captions(html), favor_recall=True, include_comments=True) or ""


SCRAPERS: dict[str, Callable[[str], str]] = {"recall": recall_text, "blocks": block_text}


def _cache_file(cache_dir: Path, name: str) -> Path:
    key = (Path(__file__).read_bytes() + (Path(__file__).parent / "aeb_inputs.py").read_bytes()
           + version("trafilatura").encode() + version("selectolax").encode())
    return cache_dir / f"scraped-{name}-{hashlib.sha256(key).hexdigest()[:12]}.json"


def scraped_texts(name: str, pages: list[Page], cache_dir: Path) -> dict[str, list[str]]:
    """scraper -> the text it makes of each page, made once and cached as JSON."""
    cache = cached_texts(_cache_file(cache_dir, name), pages, SCRAPERS)
    return {scraper: [cache[p.id][scraper] for p in pages] for scraper in SCRAPERS}
