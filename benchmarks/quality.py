"""Quality on scraped text (and HTML): both data sets, one table from one run.

    python benchmarks/quality.py [--data ../shared/data] [--limit N] [--rules DIR] [--html] [--halves] [--half 0|1] [--pairs] [--samples FILE] [--json FILE]

Sets: `aeb` (Article Extraction Benchmark, scored by its 4-token shingles), `traf`
(trafilatura's evaluation pages, dev half, scored by its with/without snippets) and `wcxb` (the Web
Content eXtraction Benchmark's dev split, 7 page types, scored as its README says: word-bag F1 per
page, the mean over pages; a table by page type, and its lines labelled as AEB's). For each page
two scraper texts are made (and cached in benchmarks/.cache): trafilatura favor_recall with
comments and figure captions kept (`recall`), and the block text of the main container
(`blocks`). Each is scored as it is and after Cleaner().clean, with a line report: the share of
furniture lines removed and of article lines kept (AEB: a line is article when half of its
4-token shingles are in the gold, or, under 4 tokens, when it is part of a gold line of under 8
tokens; traf: article when it holds a `with` snippet, furniture when it holds a `without` one,
else not counted). `--html` adds HTML mode (clean_html against
trafilatura alone; pages/s also as a ratio to trafilatura default's in the same run); `--halves`
scores HTML mode on two halves of each set as well, the pages split by a hash of their site (the
URL's host without www.), so a change decided on one half can be checked on the other. `--pairs` adds the AEB pages that come in pairs from one site (set `pairs`):
each cleaned as it is, with the rules `cleaner learn` learns from the other page of its site
(`learned`), never from itself, and as records {"url", "text"} through the default `cleaner batch`
path, which learns each site's template from all its records (`batch`; `batch m2` with
`--min-pages 2`, as the default 3 learns nothing from two pages). `--samples` writes the furniture kept and the article removed, per set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aeb_metric import evaluate as aeb_evaluate  # noqa: E402
from aeb_metric import shingles, tokenize  # noqa: E402
from scraped import Page, SCRAPERS, load_set, scraped_texts  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.engine.document import Doc, Removal, normalize  # noqa: E402
from cleaner.engine.loader import load_paths  # noqa: E402
from cleaner.engine.sites import url_site  # noqa: E402
from cleaner.html import clean_page  # noqa: E402
from cleaner.learn import Learner, pack_toml  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
ARTICLE, FURNITURE = "article", "furniture"
RULE_ARGS: list[str] = []  # the rule options that give `cleaner batch` the benchmark's rules (--rules DIR)


def squash(text: str) -> str:
    return " ".join(text.split())


# --- the sets' own metrics ------------------------------------------------------------------

def traf_evaluate(pages: list[Page], outputs: list[str]) -> dict[str, float]:
    """trafilatura's evaluation: snippets found as substrings, counts summed over pages."""
    found_with = found_without = total_with = 0
    for page, output in zip(pages, outputs, strict=True):
        text = squash(output)
        found_with += sum(squash(s) in text for s in page.with_)
        found_without += sum(squash(s) in text for s in page.without)
        total_with += len(page.with_)
    precision = found_with / (found_with + found_without) if found_with + found_without else 0.0
    recall = found_with / total_with if total_with else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


_WORD = re.compile(r"\w+")


def words(text: str) -> Counter[str]:
    """WCXB's bag of words: the `\\w+` matches of the lower-cased text."""
    return Counter(_WORD.findall(text.lower()))


def page_scores(gold: str, output: str) -> tuple[float, float, float]:
    """WCXB's precision, recall and F1 of one page (empty gold: all 1 for an empty output, else 0)."""
    truth, mine = words(gold), words(output)
    if not truth:
        return (1.0, 1.0, 1.0) if not mine else (0.0, 0.0, 0.0)
    shared = sum((truth & mine).values())
    if not shared:
        return 0.0, 0.0, 0.0
    precision, recall = shared / sum(mine.values()), shared / sum(truth.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def wcxb_evaluate(pages: list[Page], outputs: list[str]) -> dict[str, float]:
    """WCXB's evaluation: precision, recall and F1 of each page, the mean over pages."""
    rows = [page_scores(page.truth, output) for page, output in zip(pages, outputs, strict=True)]
    count = len(rows) or 1
    return {key: sum(r[i] for r in rows) / count for i, key in enumerate(("precision", "recall", "f1"))}


def score(name: str, pages: list[Page], outputs: list[str]) -> dict[str, float]:
    if name == "wcxb":
        return wcxb_evaluate(pages, outputs)
    if name == "aeb":
        return aeb_evaluate([p.truth for p in pages], outputs, n_bootstrap=0)
    return traf_evaluate(pages, outputs)


# --- line labels ------------------------------------------------------------------------------

def line_labeller(name: str, page: Page) -> Callable[[str], str | None]:
    """A function telling whether a line is article, furniture or (traf) unknown (None)."""
    if name in ("aeb", "wcxb"):
        gold = shingles(page.truth)
        short_lines = [f" {' '.join(t)} " for t in map(tokenize, page.truth.splitlines()) if 0 < len(t) < 8]

        def aeb_label(line: str) -> str | None:
            tokens = tokenize(line)
            if not tokens:
                return None
            if len(tokens) < 4:  # too short for a shingle: article when part of a short line of the gold
                return ARTICLE if any(f" {' '.join(tokens)} " in g for g in short_lines) else FURNITURE
            mine = shingles(line)
            hits = sum((mine & gold).values())
            return ARTICLE if hits * 2 >= sum(mine.values()) else FURNITURE
        return aeb_label
    with_, without = [squash(s) for s in page.with_], [squash(s) for s in page.without]

    def traf_label(line: str) -> str | None:
        text = squash(line)
        if any(s in text for s in with_):
            return ARTICLE
        if any(s in text for s in without):
            return FURNITURE
        return None
    return traf_label


def line_outcomes(text: str, result) -> list[tuple[str, str | None, str]]:  # noqa: ANN001 - an engine Result
    """Each non-blank input line, what is left of it in the output (None: dropped) and the rules that
    removed from it (their ids, comma-separated; '' for none)."""
    lines = Doc(text).lines
    left: list[str | None] = list(lines)
    rules: list[list[str]] = [[] for _ in lines]
    if getattr(result, "guard", None) != "kept-original":
        for removal in result.removals:
            index = removal.line - 1
            if not 0 <= index < len(lines) or left[index] is None:
                continue
            left[index] = None if removal.whole_line else left[index].replace(removal.text, "", 1)
            rules[index].append(removal.rule_id)
    return [(line, rest if rest is None or rest.strip() else None, ",".join(ids))
            for line, rest, ids in zip(lines, left, rules) if line.strip()]


def line_report(name: str, pages: list[Page], texts: list[str], results: list) -> dict:
    """Shares of furniture lines removed and article lines kept, with the misses listed."""
    counts: Counter[str] = Counter()
    kept_furniture, removed_article = [], []
    for page, text, result in zip(pages, texts, results, strict=True):
        label = line_labeller(name, page)
        for line, rest, rules in line_outcomes(text, result):
            before = label(line)
            if before is None:
                continue
            after = None if rest is None else label(rest)
            counts[before] += 1
            if before == FURNITURE and after != FURNITURE:
                counts["furniture removed"] += 1
            elif before == FURNITURE:
                kept_furniture.append((page.id, line))
            if before == ARTICLE and after == ARTICLE:
                counts["article kept"] += 1
            elif before == ARTICLE:
                removed_article.append((page.id, line, rules or "?"))
    return {
        "furniture_lines": counts[FURNITURE], "article_lines": counts[ARTICLE],
        "furniture_removed": counts["furniture removed"] / counts[FURNITURE] if counts[FURNITURE] else 0.0,
        "article_kept": counts["article kept"] / counts[ARTICLE] if counts[ARTICLE] else 1.0,
        "kept_furniture": kept_furniture, "removed_article": removed_article,
    }


# --- the runs ---------------------------------------------------------------------------------

def text_rows(name: str, pages: list[Page], cleaner: Cleaner, cache_dir: Path) -> list[dict]:
    """For each scraper: scores as is and cleaned, throughput, and the line report."""
    rows = []
    for scraper, texts in scraped_texts(name, pages, cache_dir).items():
        start = time.perf_counter()
        results = [cleaner.clean(t) for t in texts]
        seconds = time.perf_counter() - start
        megabytes = sum(len(t.encode()) for t in texts) / 1e6
        report = line_report(name, pages, texts, results)
        rows.append({"set": name, "input": scraper, "raw": score(name, pages, texts),
                     "cleaned": score(name, pages, [r.text for r in results]),
                     "mb_s": megabytes / seconds if seconds else 0.0, **report,
                     "by_type": kept_by_type(name, pages, texts, results)})
    return rows


def kept_by_type(name: str, pages: list[Page], texts: list[str], results: list) -> dict[str, float]:
    """Page type -> the share of article lines kept on the pages of that type (wcxb only)."""
    if name != "wcxb":
        return {}
    kept = {"all": line_report(name, pages, texts, results)["article_kept"]}
    for kind in page_types(pages):
        index = [i for i, page in enumerate(pages) if page.page_type == kind]
        kept[kind] = line_report(name, [pages[i] for i in index], [texts[i] for i in index],
                                 [results[i] for i in index])["article_kept"]
    return kept


def page_types(pages: list[Page]) -> list[str]:
    """The page types of a set, most pages first."""
    return [kind for kind, _ in Counter(page.page_type for page in pages).most_common()]


def site_pairs(pages: list[Page]) -> list[list[Page]]:
    """The pages grouped by site (the URL's host without www.), sites of at least two pages only."""
    groups: dict[str, list[Page]] = {}
    for page in pages:
        groups.setdefault(url_site(page.url) or page.id, []).append(page)
    return [group for group in groups.values() if len(group) >= 2]


def learned_cleaner(cleaner: Cleaner, site: str, texts: list[str], folder: Path) -> Cleaner:
    """`cleaner` plus the rules learned (min_pages 1) from what it leaves of `texts`, pages of `site`."""
    learner = Learner(min_pages=1)
    for text in texts:
        learner.add(site, cleaner.clean(text).text)
    pack = folder / "learned.toml"
    pack.write_text(pack_toml(learner.rules(), "held out"), encoding="utf-8")
    return Cleaner.from_rules(cleaner.rules + load_paths([pack]))


class BatchResult:
    """A record of `cleaner batch --with-removals` read back as the line report reads a Result."""

    def __init__(self, record: dict) -> None:
        self.text, self.guard = record["text"], record.get("guard")
        self.removals = [Removal(r["rule"], r["category"], r["line"], r["text"], r["whole_line"])
                         for r in record["removals"]]


def batch_results(texts: list[str], pages: list[Page], args: tuple[str, ...], folder: Path) -> list[BatchResult]:
    """`texts` as JSONL records with their pages' URLs through the default `cleaner batch` path (it learns
    each site's template), with the benchmark's rules (RULE_ARGS)."""
    import subprocess

    source = folder / "pairs.jsonl"
    source.write_text("".join(json.dumps({"url": page.url, "text": text}) + "\n" for page, text in zip(pages, texts)),
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cleaner", "--isolated", *RULE_ARGS, "batch", str(source),
                           "--with-removals", "-q", *args], capture_output=True, check=True)
    return [BatchResult(json.loads(line)) for line in done.stdout.splitlines()]


def pair_rows(pages: list[Page], cleaner: Cleaner, cache_dir: Path) -> list[dict]:
    """AEB pages that come in pairs from one site: each cleaned as it is, then with what was learned from
    the other pages of its site (never from itself); the line report of both, per scraper."""
    import tempfile

    groups = site_pairs(pages)
    paired = [page for group in groups for page in group]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for scraper, all_texts in scraped_texts("aeb", pages, cache_dir).items():
            text_of = {page.id: text for page, text in zip(pages, all_texts, strict=True)}
            texts = [text_of[page.id] for page in paired]
            plain = [cleaner.clean(text) for text in texts]
            learned = []
            for group in groups:
                for page in group:
                    site = url_site(page.url) or page.id
                    others = [text_of[other.id] for other in group if other is not page]
                    learned.append(learned_cleaner(cleaner, site, others, Path(folder)).clean(text_of[page.id], site=site))
            batched = {label: batch_results(texts, paired, args, Path(folder))
                       for label, args in ((f"{scraper} batch", ()), (f"{scraper} batch m2", ("--min-pages", "2")))}
            for label, results in ((scraper, plain), (f"{scraper} learned", learned), *batched.items()):
                rows.append({"set": "pairs", "input": label, "raw": score("aeb", paired, texts),
                             "cleaned": score("aeb", paired, [r.text for r in results]), "mb_s": 0.0,
                             **line_report("aeb", paired, texts, results)})
    return rows


def passthrough(pages: list[Page], cleaner: Cleaner) -> str:
    """AEB's ground-truth articles through the cleaner: share of tokens kept, articles unchanged."""
    kept, unchanged = [], 0
    for page in pages:
        text = cleaner.clean(page.truth).text
        unchanged += normalize(page.truth) == text
        before, after = Counter(tokenize(page.truth)), Counter(tokenize(text))
        kept.append(sum((before & after).values()) / sum(before.values()) if before else 1.0)
    return (f"passthrough (AEB ground truth cleaned): tokens kept {sum(kept) / len(kept):.2%}, "
            f"articles unchanged {unchanged}/{len(pages)}")


def html_rows(name: str, pages: list[Page], cleaner: Cleaner) -> list[dict]:
    """HTML mode: clean_html against trafilatura alone, scores and pages/s."""
    import trafilatura

    systems: dict[str, Callable[[Page], str]] = {
        "cleaner clean_html": lambda p: clean_page(cleaner, p.html, url=p.url).text,
        "trafilatura default": lambda p: trafilatura.extract(p.html, url=p.url) or "",
    }
    if name != "wcxb":  # (on wcxb's 1,358 pages the two other settings would double the run)
        systems |= {
            "trafilatura favor_precision": lambda p: trafilatura.extract(p.html, url=p.url, favor_precision=True) or "",
            "trafilatura favor_recall": lambda p: trafilatura.extract(p.html, url=p.url, favor_recall=True) or "",
        }
    rows = []
    for system, extract in systems.items():
        start = time.perf_counter()
        outputs = [extract(p) for p in pages]
        seconds = time.perf_counter() - start
        rows.append({"set": name, "system": system, "scores": score(name, pages, outputs),
                     "pages_s": len(pages) / seconds, "outputs": outputs})
    return rows


def render_text(rows: list[dict]) -> str:
    head = (f"{'set':<5} {'input':<17} {'F1 as is':>8} {'F1 clean':>8} {'P clean':>7} {'R clean':>7} "
            f"{'furn. removed':>13} {'art. kept':>9} {'lines F/A':>13} {'MB/s':>6}")
    lines = [head, "-" * len(head)]
    for r in rows:
        raw, cleaned = r["raw"], r["cleaned"]
        lines.append(f"{r['set']:<5} {r['input']:<17} {raw['f1']:>8.3f} {cleaned['f1']:>8.3f} "
                     f"{cleaned['precision']:>7.3f} {cleaned['recall']:>7.3f} {r['furniture_removed']:>13.1%} "
                     f"{r['article_kept']:>9.2%} {r['furniture_lines']:>6}/{r['article_lines']:<6} {r['mb_s']:>6.2f}")
    return "\n".join(lines)


def render_html(rows: list[dict]) -> str:
    head = f"{'set':<5} {'system':<28} {'F1':>6} {'P':>6} {'R':>6} {'pages/s':>8} {'x traf':>6}"
    lines = [head, "-" * len(head)]
    default = {r["set"]: r["pages_s"] for r in rows if r["system"] == "trafilatura default"}
    for r in rows:
        s = r["scores"]
        ratio = r["pages_s"] / default[r["set"]] if default.get(r["set"]) else 0.0
        lines.append(f"{r['set']:<5} {r['system']:<28} {s['f1']:>6.3f} {s['precision']:>6.3f} {s['recall']:>6.3f} "
                     f"{r['pages_s']:>8.1f} {ratio:>6.2f}")
    return "\n".join(lines)


def site_half(page: Page) -> int:
    """0 or 1, from a hash of the page's site (the same for every page of a site)."""
    return hashlib.sha256((url_site(page.url) or page.id).encode()).digest()[-1] % 2


def render_halves(name: str, pages: list[Page], rows: list[dict]) -> str:
    """F1 / P / R of each HTML system on each half of the set (split by site_half)."""
    halves = [[i for i, page in enumerate(pages) if site_half(page) == h] for h in (0, 1)]
    lines = [f"{name} halves by site hash: half 0 {len(halves[0])} pages, half 1 {len(halves[1])} pages"]
    for r in rows:
        cells = []
        for half in halves:
            s = score(name, [pages[i] for i in half], [r["outputs"][i] for i in half])
            cells.append(f"{s['f1']:.3f} ({s['precision']:.3f} / {s['recall']:.3f})")
        lines.append(f"  {r['system']:<28} half 0 {cells[0]}   half 1 {cells[1]}")
    return "\n".join(lines)


def html_losses(name: str, pages: list[Page], rows: list[dict], margin: float = 0.2) -> list[str]:
    """Pages where clean_html's recall (wcxb: F1) is below trafilatura default's by more than `margin`,
    the largest loss first."""
    by_system = {r["system"]: r["outputs"] for r in rows if r["set"] == name}
    ours, theirs = by_system["cleaner clean_html"], by_system["trafilatura default"]
    measure = "f1" if name == "wcxb" else "recall"
    losses = []
    for page, mine, other in zip(pages, ours, theirs, strict=True):
        a, b = score(name, [page], [mine])[measure], score(name, [page], [other])[measure]
        if b - a > margin:
            kind = f" {page.page_type}" if page.page_type else ""
            losses.append((a - b, f"  {name}{kind} {page.id[:12]} {measure} {a:.2f} vs {b:.2f}  {page.url}"))
    return [line for _, line in sorted(losses, key=lambda loss: loss[0])]


def render_types(pages: list[Page], hrows: list[dict], rows: list[dict], title: str) -> str:
    """wcxb by page type: clean_html F1 (P / R), trafilatura default's F1, and the share of article
    lines kept in text mode (the recall scraper's text cleaned)."""
    outputs = {r["system"]: r["outputs"] for r in hrows}
    kept = next((r["by_type"] for r in rows if r["input"] == "recall"), {})
    head = f"{'page type (pages)':<20} {'clean_html F1 (P / R)':>24} {'trafilatura':>11} {'text: art. kept':>15}"
    lines = [title, head, "-" * len(head)]
    for kind in [*page_types(pages), "all"]:
        index = [i for i, page in enumerate(pages) if kind in ("all", page.page_type)]
        subset = [pages[i] for i in index]
        ours = wcxb_evaluate(subset, [outputs["cleaner clean_html"][i] for i in index])
        theirs = wcxb_evaluate(subset, [outputs["trafilatura default"][i] for i in index])
        share = kept.get(kind)
        lines.append(f"{f'{kind} ({len(index)})':<20} {ours['f1']:>8.3f} ({ours['precision']:.3f} / {ours['recall']:.3f}) "
                     f"{theirs['f1']:>11.3f} {'' if share is None else f'{share:.1%}':>15}")
    return "\n".join(lines)


def type_tables(pages: list[Page], hrows: list[dict], rows: list[dict], halves: bool) -> list[str]:
    """The page-type table of the whole set, and of each half by site hash when asked."""
    tables = [render_types(pages, hrows, rows, f"wcxb by page type, all {len(pages)} pages")]
    for half in (0, 1) if halves else ():
        index = [i for i, page in enumerate(pages) if site_half(page) == half]
        part = [{**r, "outputs": [r["outputs"][i] for i in index]} for r in hrows]
        tables.append(render_types([pages[i] for i in index], part, [], f"wcxb half {half} by site hash"))
    return tables


def write_samples(path: Path, rows: list[dict], per_row: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    out = []
    for r in rows:
        out.append(f"## {r['set']} {r['input']}: furniture kept ({len(r['kept_furniture'])})")
        picked = rng.sample(r["kept_furniture"], min(per_row, len(r["kept_furniture"])))
        out += [f"{pid[:10]}  {line[:160]}" for pid, line in picked]
        out.append(f"## {r['set']} {r['input']}: article removed ({len(r['removed_article'])})")
        out += [f"{pid[:10]}  [{rule}] {line[:160]}" for pid, line, rule in r["removed_article"]]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding aeb/, traf-dev/ and wcxb-dev/")
    parser.add_argument("--sets", default="aeb,traf", help="comma-separated: aeb, traf, wcxb")
    parser.add_argument("--limit", type=int, help="only the first N pages of each set (by id)")
    parser.add_argument("--html", action="store_true", help="also score HTML mode against trafilatura")
    parser.add_argument("--halves", action="store_true", help="with --html: also score each half of each set, "
                        "the pages split by a hash of their site")
    parser.add_argument("--pairs", action="store_true", help="also the AEB pages in pairs from one site, without and "
                        "with the rules learned from the other page of the pair (cleaner learn, --min-pages 1), and through the "
                        "default cleaner batch path (learning each site's template)")
    parser.add_argument("--samples", type=Path, help="write furniture kept / article removed here")
    parser.add_argument("--per-row", type=int, default=60, help="furniture lines sampled per row")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--rules", type=Path, help="a rules folder to use instead of the shipped one")
    parser.add_argument("--half", type=int, choices=(0, 1), help="only the pages of one half of each set's sites "
                        "(split as --halves splits them): decide a change on one half, check it on the other")
    parser.add_argument("--cache-dir", type=Path, default=Path(__file__).resolve().parent / ".cache")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cleaner = Cleaner([args.rules], builtin=False) if args.rules else Cleaner()
    RULE_ARGS[:] = ["--no-builtin", "--rules", str(args.rules)] if args.rules else []
    rows, hrows, losses, notes, halves, types = [], [], [], [], [], []
    for name in args.sets.split(","):
        pages = load_set(name, args.data, args.limit)
        if args.half is not None:
            pages = [page for page in pages if site_half(page) == args.half]
        rows += text_rows(name, pages, cleaner, args.cache_dir)
        if name == "aeb":
            notes.append(passthrough(pages, cleaner))
            if args.pairs:
                rows += pair_rows(pages, cleaner, args.cache_dir)
        if args.html:
            these = html_rows(name, pages, cleaner)
            hrows += these
            losses += html_losses(name, pages, these)
            if args.halves:
                halves.append(render_halves(name, pages, these))
            if name == "wcxb":
                types += type_tables(pages, these, [r for r in rows if r["set"] == name], args.halves)
    print(f"{len(cleaner.rules)} rules; scrapers: {', '.join(SCRAPERS)}")
    print(render_text(rows))
    print("\n".join(notes))
    if args.html:
        print()
        print(render_html(hrows))
        print(f"pages where clean_html's recall (wcxb: F1) is below trafilatura default's by > 0.2: {len(losses)}")
        print("\n".join(losses))
        print("\n".join(halves))
        print("\n\n".join(types))
    if args.samples:
        write_samples(args.samples, rows, args.per_row)
    if args.json:
        keep = ("set", "input", "raw", "cleaned", "mb_s", "furniture_lines", "article_lines",
                "furniture_removed", "article_kept", "by_type")
        data = {"text": [{k: r[k] for k in keep} for r in rows],
                "html": [{k: v for k, v in r.items() if k != "outputs"} for r in hrows]}
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
