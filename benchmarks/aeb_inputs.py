"""Load the Article Extraction Benchmark and make "careless scraper" text inputs from its pages."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import charset_normalizer
import trafilatura
from selectolax.lexbor import LexborHTMLParser, LexborNode

from cleaner.engine.cards import block_lines


@dataclass(frozen=True)
class Page:
    """One benchmark page: its id, url, decoded HTML and ground-truth article body."""

    id: str
    url: str
    html: str
    truth: str


def load_pages(root: str | Path, limit: int | None = None) -> list[Page]:
    """Pages of <root>/ground-truth.json and <root>/html/<id>.html.gz, sorted by id."""
    root = Path(root)
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit]
    return [
        Page(i, truth[i].get("url", ""), decode_html(gzip.decompress((root / "html" / f"{i}.html.gz").read_bytes())),
             truth[i].get("articleBody") or "")
        for i in ids
    ]


_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)


def decode_html(data: bytes) -> str:
    """Decode by BOM, then declared <meta> charset, then strict UTF-8, then charset sniffing."""
    candidates = ["utf-8-sig"] if data.startswith(codecs.BOM_UTF8) else []
    if match := _META_CHARSET.search(data[:10_000]):
        candidates.append(match.group(1).decode("ascii"))
    for encoding in [*candidates, "utf-8"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


# --- (a) trafilatura tuned for recall, comments included ---------------------------------


def trafilatura_recall(html: str) -> str:
    """trafilatura.extract(favor_recall=True, include_comments=True), '' when it finds nothing."""
    return trafilatura.extract(html, favor_recall=True, include_comments=True) or ""


# --- (b) block text of the main container ------------------------------------------------

SKIP_TAGS = frozenset("-comment script style noscript template svg head iframe object".split())


def _p_text(node: LexborNode) -> int:
    """Characters of text in the <p> elements under node."""
    return sum(len(p.text(strip=True)) for p in node.css("p"))


def main_container(tree: LexborHTMLParser) -> LexborNode:
    """<article>, else <main>/[role=main], holding most of the page's <p> text; else the top <p> parent."""
    body = tree.body or tree.root
    total = _p_text(body)
    for selector in ("article", "main, [role=main]"):
        found = [n for n in tree.css(selector) if total and _p_text(n) >= total / 2]
        if found:
            return max(found, key=_p_text)
    credit: Counter[int] = Counter()
    parents: dict[int, LexborNode] = {}
    for p in body.css("p"):
        if p.parent is not None:
            credit[p.parent.mem_id] += len(p.text(strip=True))
            parents[p.parent.mem_id] = p.parent
    return parents[credit.most_common(1)[0][0]] if credit else body


def block_text(html: str) -> str:
    """What a hand-written scraper collects: every block of the main container, one per line."""
    tree = LexborHTMLParser(html)
    return "\n".join(block_lines(main_container(tree), SKIP_TAGS)) + "\n"


# --- cached generation -------------------------------------------------------------------

MAKERS: dict[str, Callable[[str], str]] = {"trafilatura-recall": trafilatura_recall, "block-text": block_text}


def _cache_file(cache_dir: Path) -> Path:
    """Cache file named after this module's source and the extractors' versions."""
    key = Path(__file__).read_bytes() + version("trafilatura").encode() + version("selectolax").encode()
    return cache_dir / f"aeb-inputs-{hashlib.sha256(key).hexdigest()[:12]}.json"


def careless_inputs(pages: list[Page], cache_dir: str | Path) -> dict[str, dict[str, str]]:
    """kind -> page id -> careless text, made once per page and cached as JSON in cache_dir."""
    cache = cached_texts(_cache_file(Path(cache_dir)), pages, MAKERS)
    return {kind: {p.id: cache[p.id][kind] for p in pages} for kind in MAKERS}


def cached_texts(path: Path, pages: list, makers: dict[str, Callable[[str], str]]) -> dict[str, dict[str, str]]:
    """page id -> maker -> the text it makes of the page's HTML, made once and kept as JSON at path."""
    cache: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    missing = [p for p in pages if p.id not in cache]
    for page in missing:
        cache[page.id] = {name: make(page.html) for name, make in makers.items()}
    if missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")
    return cache
