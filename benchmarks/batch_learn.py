"""`cleaner batch` with site learning (the default: two passes) against `--no-learn-sites`, as a ratio in one run.

    python benchmarks/batch_learn.py [--sites 20] [--pages 100] [--rounds 2] [--jobs 1]

The crawl is generated from the given data: each of `--sites` sites gets a template, the first and
last lines of one page of the speed corpus (golden inputs, AEB scraped texts: a real page's
furniture), around `--pages` stories, each STORY_LINES lines drawn at random from all the corpus's
lines (so that no story repeats on a site: a site's pages share their template only), one record
per page with its URL. Both commands run in turn, `--rounds` times; the best CPU seconds (the children's
user + system time, steadier than wall time on a shared machine) and wall seconds of each are kept.
The target is learning's throughput >= 0.5x of no learning's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus  # noqa: E402

BIN = Path(sys.executable).parent
TEMPLATE_LINES = 6  # lines taken from each end of a page as its site's template
STORY_LINES = 30


def template(text: str) -> tuple[list[str], list[str]]:
    """A page's first and last non-blank lines: the furniture of a site's template."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[:TEMPLATE_LINES], lines[-TEMPLATE_LINES:]


def write_crawl(path: Path, texts: list[str], sites: int, pages: int, seed: int = 7) -> int:
    """`sites` x `pages` records {"url", "text"}, interleaved by site as a crawl arrives; the byte count."""
    rng = random.Random(seed)
    long = [t for t in texts if len(t.splitlines()) >= 4 * TEMPLATE_LINES]
    templates = [template(t) for t in rng.sample(long, sites)]
    pool = [line for text in texts for line in text.splitlines() if line.strip()]
    with open(path, "w", encoding="utf-8") as out:
        for number in range(pages):
            for site, (head, tail) in enumerate(templates):
                text = "\n".join([*head, *rng.sample(pool, STORY_LINES), *tail]) + "\n"
                out.write(json.dumps({"url": f"https://www.site{site}.example/story/{number}", "text": text},
                                     ensure_ascii=False) + "\n")
    return path.stat().st_size


def run(cmd: list[str]) -> tuple[float, float, bytes]:
    """Wall and CPU seconds (the child's user + system) of `cmd`, and its stderr."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited with status {done.returncode}: {done.stderr.decode()[-300:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--pages", type=int, default=100, help="pages per site")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "crawl.jsonl"
        size = write_crawl(source, corpus(), args.sites, args.pages) / 1e6
        base = [str(BIN / "cleaner"), "--isolated", "batch", str(source), "-o", str(Path(tmp) / "out.jsonl"),
                "--jobs", str(args.jobs)]
        commands = {"--no-learn-sites": [*base, "--no-learn-sites", "-q"], "learning (default)": base}
        best: dict[str, tuple[float, float]] = {}
        said = b""
        for _ in range(args.rounds):
            for name, cmd in commands.items():
                wall, cpu, err = run(cmd)
                old = best.get(name, (float("inf"), float("inf")))
                best[name] = (min(old[0], wall), min(old[1], cpu))
                said = err if name != "--no-learn-sites" else said
    print(f"crawl: {args.sites} sites x {args.pages} pages, {size:.1f} MB; --jobs {args.jobs}; best of {args.rounds}")
    for name, (wall, cpu) in best.items():
        print(f"  {name:<20} {size / wall:6.2f} MB/s wall ({wall:.1f} s), {size / cpu:6.2f} MB/s CPU ({cpu:.1f} s)")
    plain, learning = best["--no-learn-sites"], best["learning (default)"]
    print(f"  learning / without: {plain[0] / learning[0]:.2f}x wall, {plain[1] / learning[1]:.2f}x CPU "
          f"(target >= 0.5x)")
    print("\n".join(f"  {line}" for line in said.decode().splitlines() if line.startswith("learned ")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
