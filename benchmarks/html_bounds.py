"""How long the HTML path takes on pages at its bounds, and what it returns (docs/html.md, "Bounds").

    python benchmarks/html_bounds.py [--sizes 10000,50000,99000]
    python benchmarks/html_bounds.py --scan     # the AEB and traf-dev pages: any over a bound?

For each size N: a page of N repeated paragraphs, cleaned by trafilatura alone (default options)
and by cleaner's HTML path with the default time limit and with none; wall seconds, characters
out, and the warnings. One run, on this machine: compare within a run, not across machines."""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

import trafilatura

from cleaner import Cleaner
from cleaner.html import clean_page


def page(paragraphs: int) -> str:
    body = "".join(f"<p>Paragraph {i} of the story, a sentence long enough to count.</p>\n" for i in range(paragraphs))
    return f"<html><body><article>{body}</article></body></html>"


def timed(call, *args):
    started = time.perf_counter()
    out = call(*args)
    return time.perf_counter() - started, out


DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def scan() -> None:
    """Each page of the AEB and traf-dev sets through the HTML path: those over a bound, and the slowest (CPU)."""
    cleaner, over, slowest = Cleaner(), 0, (0.0, "")
    pages = sorted([*DATA.glob("aeb/html/*.html.gz"), *DATA.glob("traf-dev/html/*.html.gz")])
    for path in pages:
        started = time.process_time()
        result = clean_page(cleaner, gzip.decompress(path.read_bytes()))
        slowest = max(slowest, (time.process_time() - started, path.name))
        if any("time limit" in w or "without a tag" in w for w in result.warnings):
            over += 1
            print(f"over a bound: {path.name}")
    print(f"{len(pages)} pages, {over} over a bound; slowest {slowest[0]:.2f} s of CPU ({slowest[1]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,99000")
    parser.add_argument("--scan", action="store_true", help="the data sets' pages instead")
    args = parser.parse_args()
    if args.scan:
        scan()
        return
    limited, unlimited = Cleaner(), Cleaner(timeout=None)
    for size in map(int, args.sizes.split(",")):
        html = page(size)
        seconds, text = timed(trafilatura.extract, html)
        print(f"{size:>7} <p> ({len(html) / 1e6:.1f} MB): trafilatura {seconds:6.1f} s, {len(text or ''):>9} chars")
        for name, cleaner in (("cleaner, default limit", limited), ("cleaner, no limit", unlimited)):
            seconds, result = timed(clean_page, cleaner, html)
            warned = "; ".join(w[:70] for w in result.warnings) or "no warning"
            print(f"{'':>7} {name:<24} {seconds:6.1f} s, {len(result.text):>9} chars, {warned}")


if __name__ == "__main__":
    main()
