"""Article Extraction Benchmark runner: HTML extraction, careless text inputs, and passthrough.

    python benchmarks/aeb.py /work/shared/data/aeb [--limit N] [--json out.json] [--show-changes]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aeb_inputs import Page, careless_inputs, load_pages  # noqa: E402
from aeb_metric import evaluate, tokenize  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.engine.document import normalize  # noqa: E402

Extractor = Callable[[Page], str]


def clean_html_extractor() -> Extractor | None:
    """cleaner.html.clean_html if it exists yet, else None."""
    try:
        from cleaner.html import clean_html
    except ImportError:
        return None
    return lambda page: clean_html(page.html, url=page.url)


def html_extractors() -> dict[str, Extractor | None]:
    """The HTML-mode systems, by row name."""
    return {
        "cleaner.html.clean_html": clean_html_extractor(),
        "trafilatura default": lambda page: trafilatura.extract(page.html, url=page.url),
        "trafilatura favor_precision": lambda page: trafilatura.extract(page.html, url=page.url, favor_precision=True),
    }


def run_extractor(extract: Extractor, pages: list[Page]) -> tuple[list[str], float, int]:
    """Outputs ('' on failure), seconds spent extracting, and the number of failures."""
    outputs, seconds, errors = [], 0.0, 0
    for page in pages:
        start = time.perf_counter()
        try:
            outputs.append(extract(page) or "")
        except Exception:  # noqa: BLE001 - a failing page scores as empty output
            outputs.append("")
            errors += 1
        seconds += time.perf_counter() - start
    return outputs, seconds, errors


def row(mode: str, system: str, scores: dict | None, speed: str = "", note: str = "") -> dict:
    """One table row; scores None means the system is not available."""
    return {"mode": mode, "system": system, "scores": scores, "speed": speed, "note": note}


def html_rows(pages: list[Page], truths: list[str], n_boot: int) -> list[dict]:
    """Score and time each HTML extractor on the pages."""
    rows = []
    for name, extract in html_extractors().items():
        if extract is None:
            rows.append(row("html", name, None, note="not available yet"))
            continue
        outputs, seconds, errors = run_extractor(extract, pages)
        note = f"{errors} pages failed" if errors else ""
        rows.append(row("html", name, evaluate(truths, outputs, n_boot), f"{len(pages) / seconds:.1f} pages/s", note))
    return rows


def clean_all(cleaner: Cleaner, texts: list[str]) -> tuple[list, str]:
    """Cleaner results for texts, and the cleaner's throughput in MB/s."""
    start = time.perf_counter()
    results = [cleaner.clean(text) for text in texts]
    seconds = time.perf_counter() - start
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    return results, f"{megabytes / seconds:.2f} MB/s" if seconds else ""


def truth_hits(pages: list[Page], results: list) -> list[dict]:
    """Removals (15+ characters) of ground-truth text: fewer copies left in the output than the truth has."""
    hits = []
    for page, result in zip(pages, results, strict=True):
        truth, output = " ".join(page.truth.split()), " ".join(result.text.split())
        for x in result.removals:
            text = " ".join(x.text.split())
            if len(text) >= 15 and output.count(text) < truth.count(text):
                hits.append({"id": page.id, "rule_id": x.rule_id, "text": text})
    return hits


def text_rows(pages: list[Page], inputs: dict[str, dict[str, str]], cleaner: Cleaner, n_boot: int) -> list[dict]:
    """For each careless input: the raw text, and the text after Cleaner().clean."""
    truths, rows = [p.truth for p in pages], []
    for kind, by_id in inputs.items():
        raw = [by_id[p.id] for p in pages]
        results, speed = clean_all(cleaner, raw)
        hits = truth_hits(pages, results)
        note = f"{sum(len(r.removals) for r in results)} removals, {len(hits)} of truth text"
        rows.append(row("text", f"{kind} raw", evaluate(truths, raw, n_boot)))
        rows.append(row("text", f"{kind} + cleaner", evaluate(truths, [r.text for r in results], n_boot), speed, note))
        rows[-1]["truth_hits"] = hits
    return rows


def kept_share(original: str, cleaned: str) -> float:
    """Share of the original's tokens (as a multiset) still present after cleaning."""
    before = Counter(tokenize(original))
    total = sum(before.values())
    return sum((before & Counter(tokenize(cleaned))).values()) / total if total else 1.0


def passthrough(pages: list[Page], cleaner: Cleaner, n_boot: int) -> tuple[dict, list[dict]]:
    """Clean the ground-truth bodies themselves; return the row and the changed documents."""
    truths = [p.truth for p in pages]
    results, speed = clean_all(cleaner, truths)
    changed = [
        {"id": p.id, "url": p.url, "kept": kept_share(p.truth, r.text),
         "removals": [{"rule_id": x.rule_id, "line": x.line, "text": x.text} for x in r.removals]}
        for p, r in zip(pages, results, strict=True) if normalize(p.truth) != r.text
    ]
    kept = statistics.fmean(kept_share(t, r.text) for t, r in zip(truths, results, strict=True))
    note = f"tokens kept {kept:.2%}, unchanged {len(pages) - len(changed)}/{len(pages)}"
    scores = evaluate(truths, [r.text for r in results], n_boot)
    return row("passthrough", "ground truth + cleaner", scores, speed, note), changed


def render(rows: list[dict]) -> str:
    """The rows as one fixed-width table."""
    head = f"{'mode':<12} {'system':<32} {'F1 ± 95%':>14} {'P':>6} {'R':>6} {'speed':>14}  note"
    lines = [head, "-" * len(head)]
    for r in rows:
        s = r["scores"]
        f1 = f"{s['f1']:.3f} ± {s['f1_err']:.3f}" if s else "n/a"
        p, rc = (f"{s['precision']:.3f}", f"{s['recall']:.3f}") if s else ("n/a", "n/a")
        lines.append(f"{r['mode']:<12} {r['system']:<32} {f1:>14} {p:>6} {rc:>6} {r['speed']:>14}  {r['note']}")
    return "\n".join(lines)


def render_changes(changed: list[dict]) -> str:
    """Each changed ground-truth document with what was removed, then a count per rule."""
    lines = []
    for doc in changed:
        lines.append(f"{doc['id']}  kept {doc['kept']:.1%}  {doc['url']}")
        lines += [f"    {x['rule_id']}: {x['text']!r}" for x in doc["removals"]] or ["    (changed without removals)"]
    per_rule = Counter(x["rule_id"] for doc in changed for x in doc["removals"])
    lines += ["removals per rule:"] + [f"    {rule}: {n}" for rule, n in per_rule.most_common()]
    return "\n".join(lines)


def render_truth_hits(rows: list[dict]) -> str:
    """For each cleaned text-mode row, the removals of ground-truth text, grouped by rule."""
    lines = []
    for r in (r for r in rows if "truth_hits" in r):
        lines.append(f"{r['system']}: removals of ground-truth text")
        for rule, n in Counter(h["rule_id"] for h in r["truth_hits"]).most_common():
            lines.append(f"  {rule}: {n}")
            lines += [f"    {h['id'][:10]} {h['text'][:100]!r}" for h in r["truth_hits"] if h["rule_id"] == rule]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder with ground-truth.json and html/<id>.html.gz")
    parser.add_argument("--limit", type=int, help="only the first N pages (by id)")
    parser.add_argument("--json", type=Path, help="also write rows and changed documents here")
    parser.add_argument("--show-changes", action="store_true", help="list ground-truth docs the cleaner changed")
    parser.add_argument("--cache-dir", type=Path, default=Path(__file__).resolve().parent / ".cache")
    parser.add_argument("--n-bootstrap", type=int, default=1000)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pages = load_pages(args.data, args.limit)
    truths = [p.truth for p in pages]
    cleaner = Cleaner()
    inputs = careless_inputs(pages, args.cache_dir)
    rows = html_rows(pages, truths, args.n_bootstrap) + text_rows(pages, inputs, cleaner, args.n_bootstrap)
    pass_row, changed = passthrough(pages, cleaner, args.n_bootstrap)
    rows.append(pass_row)
    print(f"{len(pages)} pages, {len(cleaner.rules)} rules")
    print(render(rows))
    if args.show_changes:
        print(render_changes(changed))
        print(render_truth_hits(rows))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "changed": changed}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
