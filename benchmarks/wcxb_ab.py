"""WCXB's word-bag F1 (its evaluate.py: per page, then the mean) of clean_html with the shipped rules
against another rules folder, by page type and by half of the sites, on wcxb-dev.

    python benchmarks/wcxb_ab.py --rules DIR [--every 2]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aeb_inputs import decode_html  # noqa: E402
from furniture_pages import DATA  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.engine.sites import url_site  # noqa: E402
from cleaner.html import clean_page  # noqa: E402

_WORD = re.compile(r"\w+")


def word_f1(output: str, gold: str) -> float:
    """F1 of the lower-cased \\w+ words as bags; an empty gold scores 1 for an empty output."""
    out, ref = Counter(_WORD.findall(output.lower())), Counter(_WORD.findall(gold.lower()))
    if not ref or not out:
        return float(not ref and not out)
    shared = sum((out & ref).values())
    precision, recall = shared / sum(out.values()), shared / sum(ref.values())
    return 2 * precision * recall / (precision + recall) if shared else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, required=True)
    parser.add_argument("--every", type=int, default=1, help="only every Nth page (by id)")
    args = parser.parse_args(argv)
    root = DATA / "wcxb-dev"
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    cleaners = {"shipped": Cleaner(), "other": Cleaner([args.rules], builtin=False)}
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for page_id in sorted(gold)[::args.every]:
        entry, url = gold[page_id], gold[page_id]["url"] or None
        html = decode_html(gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()))
        half = hashlib.sha256((url_site(url or "") or page_id).encode()).digest()[-1] % 2
        for name, cleaner in cleaners.items():
            score = word_f1(clean_page(cleaner, html, url=url).text, entry["main_content"])
            for group in ("all", entry["page_type"], f"half {half}"):
                scores[name][group].append(score)
    for group in sorted(scores["shipped"]):
        mean = {name: sum(s[group]) / len(s[group]) for name, s in scores.items()}
        print(f"{group:<14} pages {len(scores['shipped'][group]):4}  shipped {mean['shipped']:.4f}  other {mean['other']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
