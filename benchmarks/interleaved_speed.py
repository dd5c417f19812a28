"""HTML pages/s of clean_html with the shipped rules, with another rules folder, and of trafilatura default,
timed page by page in turn (so load on a shared machine falls on all three alike).

    python benchmarks/interleaved_speed.py --rules DIR [--sets aeb,traf] [--rounds 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura  # noqa: E402
from furniture_pages import DATA, load  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.html import clean_page  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, required=True, help="the rules folder to compare with the shipped one")
    parser.add_argument("--sets", default="aeb,traf")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    systems = {"shipped rules": Cleaner(), f"rules of {args.rules}": Cleaner([args.rules], builtin=False)}
    runs = {name: (lambda p, c=cleaner: clean_page(c, p.html, url=p.url)) for name, cleaner in systems.items()}
    runs["trafilatura default"] = lambda p: trafilatura.extract(p.html, url=p.url)
    pages = [p for name in args.sets.split(",") for p in load(name, DATA)]
    seconds = dict.fromkeys(runs, 0.0)
    for _ in range(args.rounds):
        for page in pages:
            for name, run in runs.items():
                start = time.process_time()
                run(page)
                seconds[name] += time.process_time() - start
    count = len(pages) * args.rounds
    base = count / seconds["trafilatura default"]
    for name, spent in seconds.items():
        print(f"{name:<40} {count / spent:7.1f} pages/s (CPU)  {count / spent / base:5.2f}x trafilatura default")
    return 0


if __name__ == "__main__":
    sys.exit(main())
