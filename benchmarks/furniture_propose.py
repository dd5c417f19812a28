"""Propose labelled blocks for benchmarks/data/furniture_blocks.jsonl: a script proposes, a person checks.

    python benchmarks/furniture_propose.py --sets aeb:3,traf:12,wcxb:18 --per-page 1 --out proposals.jsonl
    python benchmarks/furniture_propose.py --sets aeb:1,traf:4,wcxb:6 --per-page 1 --near --out near.jsonl
    python benchmarks/furniture_propose.py --sets aeb:2,traf:6,wcxb:4 --per-page 1 --bylines --out bylines.jsonl

For each page, candidate blocks of five categories are found by class words AND by page structure
(so the set holds furniture that a class-word selector misses as well as what it catches):
caption (figcaption, caption classes, a short text block in a small container with an image),
related (a container of 3+ links to the same site, its text mostly link titles), comments (comment
classes, or a run of 3+ sibling blocks of one structure each with a date or author), navigation
(nav, footer, menus, containers of short links) and article (a paragraph of prose). A proposal
is dropped when the gold says otherwise: furniture whose 4-token shingles are a fifth or more in
the gold article text (AEB, wcxb) or which holds a `with` snippet (traf); article whose shingles
are under four fifths in the gold (traf: which holds no `with` snippet). What is left is written
for the person to read; the lines they keep make the labelled set.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aeb_metric import shingles  # noqa: E402
from furniture_pages import DATA, GoldPage, load  # noqa: E402
from selectolax.lexbor import LexborHTMLParser, LexborNode  # noqa: E402

_DATE = re.compile(r"\b(19|20)\d\d\b|\b\d{1,2}[:/.]\d{2}\b|\bago\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)
_CLASSED = {
    "caption": "figcaption, [class*=caption i]",
    "comments": "[id*=comment i], [class*=comment i]",
    "related": "[class*=related i], [class*=recommend i], [class*=more-stories i]",
    "navigation": "nav, footer, [class*=menu i], [class*=breadcrumb i]",
}


def text_of(node: LexborNode) -> str:
    return " ".join(node.text(separator=" ").split())


def css_path(node: LexborNode) -> str:
    """html > body > div:nth-child(2) > ...: the element's place by element-child index."""
    parts = []
    while node is not None and node.tag not in (None, "-undef", "html"):
        parent, index = node.parent, 1
        if parent is not None:
            sibling = parent.child
            while sibling is not None and sibling.mem_id != node.mem_id:
                index += sibling.tag not in ("-text", "_text", "-comment", "_comment", None)
                sibling = sibling.next
        parts.append(f"{node.tag}:nth-child({index})")
        node = parent
    return " > ".join(["html", *reversed(parts[:-1] if parts and parts[-1].startswith("body") else parts)])


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def link_share(node: LexborNode) -> tuple[float, list[LexborNode]]:
    text = text_of(node)
    links = node.css("a")
    return (sum(len(text_of(a)) for a in links) / len(text) if text else 0.0), links


def same_site(links: list[LexborNode], site: str) -> float:
    hrefs = [a.attributes.get("href") or "" for a in links]
    ours = [h for h in hrefs if h.startswith("/") and not h.startswith("//") or (site and host(h) == site)]
    return len(ours) / len(hrefs) if hrefs else 0.0


def candidates(tree: LexborHTMLParser, site: str) -> Iterator[tuple[str, str, LexborNode]]:
    """(category, how it was found, element) for each proposal of the page."""
    for category, selector in _CLASSED.items():
        for node in tree.css(selector):
            yield category, "class", node
    for image in tree.css("img, picture"):
        box = image.parent
        for _ in range(3):
            if box is None or len(text_of(box).split()) > 60:
                break
            for block in box.css("p, span, div, small, em, td"):
                words = len(text_of(block).split())
                if 3 <= words <= 50 and not block.css("p, div, img") and not block.css_first("a"):
                    yield "caption", "structure", block
            box = box.parent
    for node in tree.css("div, section, ul, ol, aside"):
        share, links = link_share(node)
        if len(links) < 3 or share < 0.8 or node.css("p") and any(len(text_of(p).split()) > 25 for p in node.css("p")):
            continue
        words = [len(text_of(a).split()) for a in links]
        avg = sum(words) / len(words)
        if avg >= 4 and same_site(links, site) >= 0.6:
            yield "related", "structure", node
        elif avg < 3:
            yield "navigation", "structure", node
    for parent in tree.css("div, section, ol, ul"):
        kids = [k for k in parent.iter() if k.tag not in ("-text", "_text", "-comment", None)]
        shapes = [(k.tag, k.attributes.get("class") or "") for k in kids]
        if len(kids) >= 3 and len(set(shapes)) == 1 and all(_DATE.search(text_of(k)) and len(text_of(k).split()) >= 12
                                                              for k in kids):
            yield "comments", "structure", parent
    for p in tree.css("p"):
        if len(text_of(p).split()) >= 15:
            yield "article", "structure", p


_BYLINE_SELECTOR = "[rel~=author], time, address, [itemprop~=author], [itemprop~=datePublished], [itemprop~=dateModified]"
_BY = re.compile(r"^(by|von|par|por|di|door|av|af|przez|posted|written by|veröffentlicht)\s+\S", re.I)


def byline_candidates(tree: LexborHTMLParser, site: str) -> Iterator[tuple[str, str, LexborNode]]:
    """('caption', 'byline', element) for bylines and datelines in their own elements: the largest element of
    at most 15 words and no heading around a rel=author link, a time, an address, an author or date
    microdata item, or a short element opening with 'By', 'Posted', ... (site: unused, as candidates)."""
    seeds = list(tree.css(_BYLINE_SELECTOR))
    seeds += [n for n in tree.css("p, div, span, li") if _BY.match(text_of(n)) and len(text_of(n).split()) <= 12
              and not n.css_first("p, div")]
    for seed in seeds:
        block, node = None, seed
        while node is not None and node.tag not in ("body", "head", "html", None) and len(text_of(node).split()) <= 15 \
                and not node.css_first("h1, h2, h3"):
            block, node = node, node.parent
        if block is not None and node is not None and node.tag != "head":
            yield "caption", "byline", block


def agrees(page: GoldPage, category: str, text: str) -> bool:
    """Whether the gold allows the label: furniture not in the article text, article in it."""
    if page.truth:
        mine, gold = shingles(text), shingles(page.truth)
        share = sum((mine & gold).values()) / max(1, sum(mine.values()))
        return share >= 0.8 if category == "article" else share < 0.2
    flat = " ".join(text.split())
    held = any(" ".join(s.split()) in flat for s in page.with_)
    return held if category == "article" else not held


def article_region(tree: LexborHTMLParser, page: GoldPage) -> LexborNode | None:
    """The parent of the smallest element holding every paragraph the gold calls article (the article's
    container and what sits next to it: its captions, related boxes, comments); None without one."""
    paragraphs = [p for p in tree.css("p") if len(text_of(p).split()) >= 15 and agrees(page, "article", text_of(p))]
    if len(paragraphs) < 2:
        return None
    chains = [_ancestors(p) for p in paragraphs]
    common = [n for n in chains[0] if all(any(n.mem_id == m.mem_id for m in chain) for chain in chains[1:])]
    return common[0].parent if common and common[0].parent is not None else None


def _ancestors(node: LexborNode) -> list[LexborNode]:
    chain = []
    while node is not None and node.tag not in (None, "html"):
        chain.append(node)
        node = node.parent
    return chain


def proposals(page: GoldPage, per_page: int, near: bool = False, bylines: bool = False) -> list[dict]:
    """Up to per_page blocks of each category and way of finding, outermost first, none inside another
    (near: only blocks inside the article's region, see article_region)."""
    tree = LexborHTMLParser(page.html)
    tree.strip_tags(["script", "style", "template", "noscript"])
    region = article_region(tree, page) if near else None
    if near and region is None:
        return []
    taken: list[tuple[int, LexborNode]] = []
    count: dict[tuple[str, str], int] = {}
    out = []
    for category, how, node in (byline_candidates if bylines else candidates)(tree, host(page.url)):
        text = text_of(node)
        words = len(text.split())
        if words < 3 or words > 600 or count.get((category, how), 0) >= per_page:
            continue
        if any(_related(node, other) for _, other in taken) or not agrees(page, category, text):
            continue
        if region is not None and not any(a.mem_id == region.mem_id for a in _ancestors(node.parent)):
            continue
        taken.append((node.mem_id, node))
        count[(category, how)] = count.get((category, how), 0) + 1
        out.append({"set": page.set, "page": page.id, "category": category, "found_by": how,
                    "where": "near article" if near else "page",
                    "path": css_path(node), "text": text})
    return out


def _related(a: LexborNode, b: LexborNode) -> bool:
    """Whether one element holds the other (or they are the same)."""
    for x, y in ((a, b), (b, a)):
        node = x
        while node is not None:
            if node.mem_id == y.mem_id:
                return True
            node = node.parent
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sets", default="aeb:3,traf:12,wcxb:18", help="set:N, comma-separated: every Nth page of each set")
    parser.add_argument("--per-page", type=int, default=2, help="proposals per category and way of finding, per page")
    parser.add_argument("--near", action="store_true", help="only blocks in the article's region (its container's parent)")
    parser.add_argument("--bylines", action="store_true", help="only bylines and datelines in their own elements "
                        "(category caption, found_by byline)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    lines = []
    for item in args.sets.split(","):
        name, _, every = item.partition(":")
        for page in load(name, args.data)[::int(every or 1)]:
            lines += [json.dumps(p, ensure_ascii=False) for p in proposals(page, args.per_page, args.near, args.bylines)]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} proposals -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
