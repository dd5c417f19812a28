"""Per-category furniture left in the output, on a labelled set of page blocks.

    python benchmarks/furniture_blocks.py [--blocks benchmarks/data/furniture_blocks.jsonl] [--sets aeb,traf,wcxb] [--halves] [--ablate] [--left] [--json FILE]

The labelled set (benchmarks/data/furniture_blocks.jsonl, one block a line: set, page id, category,
CSS path, text, where it was found: anywhere on the page or near the article, in its container's parent;
made by furniture_propose.py and checked by a person) holds captions (with credits,
bylines and datelines: the 'supplemental' text), related boxes, comment sections, other furniture
(navigation, footers, ad slots: `navigation`) and article paragraphs as the control. For clean_html
and trafilatura default alone, each category's share of 4-token shingles still in the page's output
is reported (a block under 4 tokens counts as found when its tokens appear in a row in the output),
summed over the blocks (`--net`: leaving out the shingles the page's article text holds too, as a
caption repeating a sentence of the article, which no cleaner can remove without the article's;
`--ablate`: only what the block itself put in the output, the output less that of the page with the
block's element removed, see furniture_ablate.py); for `article` that share is the article text kept.
`--halves` splits the blocks by a hash of their page's site, as quality.py --halves does; `--left` lists the
furniture blocks clean_html's output still holds some of, with their pages. Bylines and
datelines in their own elements were added by `furniture_propose.py --bylines` (found_by `byline`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aeb_metric import shingles, tokenize  # noqa: E402
from furniture_ablate import ablated  # noqa: E402
from furniture_pages import DATA, load  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.engine.sites import url_site  # noqa: E402
from cleaner.html import clean_page  # noqa: E402

BLOCKS = Path(__file__).resolve().parent / "data" / "furniture_blocks.jsonl"
CATEGORIES = ("caption", "related", "comments", "navigation", "article")


def read_blocks(path: Path, sets: set[str]) -> list[dict]:
    """The labelled blocks of the given sets."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [block for line in lines if line.strip() and (block := json.loads(line))["set"] in sets]


def found(block: str, output: str, article: str = "") -> tuple[int, int]:
    """(shingles of the block found in the output, shingles of the block), leaving out those that the
    page's article text also holds (a caption repeating a sentence, a teaser the article's title)."""
    tokens = tokenize(block)
    if not tokens:
        return 0, 0
    if len(tokens) < 4:
        short = f" {' '.join(tokens)} "
        if article and short in f" {' '.join(tokenize(article))} ":
            return 0, 0
        return int(short in f" {' '.join(tokenize(output))} "), 1
    mine = shingles(block) - shingles(article)
    return sum((mine & shingles(output)).values()), sum(mine.values())


def systems(cleaner: Cleaner) -> dict[str, Callable[[str, str], str]]:
    """Each system as a function of a page's HTML and URL."""
    import trafilatura

    return {"cleaner clean_html": lambda html, url: clean_page(cleaner, html, url=url).text,
            "trafilatura default": lambda html, url: trafilatura.extract(html, url=url) or ""}


def site_half(url: str, page_id: str) -> int:
    """0 or 1 from a hash of the site, as quality.py's site_half."""
    return hashlib.sha256((url_site(url) or page_id).encode()).digest()[-1] % 2


def shares(blocks: list[dict], outputs: dict[tuple[str, str], str],
           articles: dict[tuple[str, str], str] | None = None,
           counted: dict[int, tuple[int, int]] | None = None) -> dict[str, tuple[int, int, int]]:
    """category -> (blocks, shingles found, shingles); furniture net of the page's article text when given;
    `counted`: (found, shingles) by id() of the block, where ablation measured them (furniture_ablate)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for block in blocks:
        key = (block["set"], block["page"])
        article = (articles or {}).get(key, "") if block["category"] != "article" else ""
        hit, total = (counted or {}).get(id(block)) or found(block["text"], outputs[key], article)
        row = totals[block["category"]]
        row[0], row[1], row[2] = row[0] + 1, row[1] + hit, row[2] + total
    return {k: tuple(v) for k, v in totals.items()}


def run(blocks: list[dict], data: Path, cleaner: Cleaner) -> tuple[dict[str, dict], dict[str, float], dict]:
    """Each system's outputs per (set, page), its pages/s, and the pages."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for block in blocks:
        wanted[block["set"]].add(block["page"])
    pages = {(p.set, p.id): p for name, ids in wanted.items() for p in load(name, data, ids)}
    outputs, speed = {}, {}
    for system, extract in systems(cleaner).items():
        start = time.perf_counter()
        outputs[system] = {key: extract(page.html, page.url) for key, page in pages.items()}
        speed[system] = len(pages) / (time.perf_counter() - start)
    return outputs, speed, pages


def article_texts(blocks: list[dict], pages: dict) -> dict[tuple[str, str], str]:
    """Each page's article text: its gold (AEB, wcxb), else its blocks labelled article (traf)."""
    texts = {key: page.truth for key, page in pages.items()}
    for block in blocks:
        key = (block["set"], block["page"])
        if block["category"] == "article" and not pages[key].truth:
            texts[key] = f"{texts[key]}\n{block['text']}"
    return texts


def ablate(blocks: list[dict], pages: dict, outputs: dict[str, dict], cleaner: Cleaner) -> dict[str, dict]:
    """system -> {id(block): (found, shingles)} by ablation, for each furniture block some of whose text is
    in the output (see furniture_ablate)."""
    counted: dict[str, dict] = {}
    for system, extract in systems(cleaner).items():
        counted[system] = {}
        for block in (b for b in blocks if b["category"] != "article"):
            key = (block["set"], block["page"])
            page, output = pages[key], outputs[system][key]
            counted[system][id(block)] = ablated(block, page.html, output, lambda html, p=page, f=extract: f(html, p.url),
                                                 found(block["text"], output))
    return counted


def render(title: str, blocks: list[dict], outputs: dict[str, dict], articles: dict | None = None,
           counted: dict[str, dict] | None = None) -> list[str]:
    names = list(outputs)
    lines = [title, f"  {'category':<11} {'blocks':>6} {'shingles':>8} " + " ".join(f"{n:>20}" for n in names)]
    by_system = {n: shares(blocks, outputs[n], articles, (counted or {}).get(n)) for n in names}
    for category in CATEGORIES:
        count, _, total = by_system[names[0]].get(category, (0, 0, 0))
        cells = " ".join(f"{(s[1] / s[2] if (s := by_system[n].get(category)) and s[2] else 0):>20.1%}" for n in names)
        lines.append(f"  {category:<11} {count:>6} {total:>8} {cells}")
    return lines


def left(blocks: list[dict], pages: dict, output: dict, counted: dict | None = None) -> list[str]:
    """One line per furniture block some of whose text the output holds: category, set, half, page, the
    shingles found (and by ablation, when `counted`), the start of its text; largest first by category."""
    rows = []
    for block in (b for b in blocks if b["category"] != "article"):
        key = (block["set"], block["page"])
        hit, total = found(block["text"], output[key])
        if hit:
            by_ablation = f" ablated {counted.get(id(block), (hit, total))[0]:>3}" if counted is not None else ""
            rows.append((block["category"], -hit, f"  {block['category']:<10} {block['set']:<4} half "
                         f"{site_half(pages[key].url, block['page'])} {hit:>3}/{total:<4}{by_ablation} "
                         f"{block['page'][:40]!r}: {block['text'][:80]}"))
    return [line for *_, line in sorted(rows)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=Path, default=BLOCKS)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sets", default="aeb,traf,wcxb")
    parser.add_argument("--halves", action="store_true", help="also each half of the sites (by a hash of the site)")
    parser.add_argument("--json", type=Path, help="also write the shares as JSON")
    parser.add_argument("--net", action="store_true", help="count furniture shingles net of the page's gold "
                        "article text (AEB, wcxb: its article body; traf: its labelled article blocks)")
    parser.add_argument("--ablate", action="store_true", help="count what of each furniture block the output holds "
                        "because of it: the output less that of the page with the block removed (furniture_ablate)")
    parser.add_argument("--left", action="store_true", help="also list each furniture block that clean_html's "
                        "output holds some of, with its page and the shingles found (by ablation too with --ablate)")
    parser.add_argument("--rules", type=Path, help="a rules folder to use instead of the shipped one")
    args = parser.parse_args(argv)
    cleaner = Cleaner([args.rules], builtin=False) if args.rules else Cleaner()
    blocks = read_blocks(args.blocks, set(args.sets.split(",")))
    outputs, speed, pages = run(blocks, args.data, cleaner)
    articles = article_texts(blocks, pages) if args.net else None
    counted = ablate(blocks, pages, outputs, cleaner) if args.ablate else None
    print(f"{len(blocks)} blocks on {len(pages)} pages; share of each category's text left in the output "
          f"(article: the article text kept){'; furniture net of the article text' if args.net else ''}"
          f"{'; furniture by ablation (what the block itself put in the output)' if args.ablate else ''}")
    lines = render("all", blocks, outputs, articles, counted)
    for name in args.sets.split(","):
        lines += render(f"set {name}", [b for b in blocks if b["set"] == name], outputs, articles, counted)
    lines += render("blocks near the article (in its container's parent)",
                    [b for b in blocks if b["where"] == "near article"], outputs, articles, counted)
    if args.halves:
        for half in (0, 1):
            chosen = [b for b in blocks if site_half(pages[(b["set"], b["page"])].url, b["page"]) == half]
            lines += render(f"half {half}", chosen, outputs, articles, counted)
    if args.left:
        system = next(iter(outputs))
        lines += [f"furniture blocks left in {system}'s output (found/shingles)",
                  *left(blocks, pages, outputs[system], counted[system] if counted else None)]
    print("\n".join(lines))
    print("pages/s: " + ", ".join(f"{n} {s:.1f}" for n, s in speed.items()))
    if args.json:
        data = {n: {c: dict(zip(("blocks", "found", "shingles"), v, strict=True))
                    for c, v in shares(blocks, o, articles, (counted or {}).get(n)).items()} for n, o in outputs.items()}
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
