"""Throughput of this checkout against an earlier commit, side by side: each tree cleans the
speed benchmark's corpus in a process of its own (the earlier one from a temporary git
worktree), rounds interleaved, best CPU time of a pass per round; the ratio is the figure.

    python benchmarks/ab_pass.py REV [--rounds 5] [--passes 3]
"""

from __future__ import annotations

import argparse
import os
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import ROOT, corpus, size_mb  # noqa: E402

# Run in each tree: load that tree's cleaner, clean the corpus once (rules compile lazily), then
# print the best CPU seconds of `passes` passes.
PASS = """import json, sys, time
sys.path.insert(0, {tree!r})
from cleaner import Cleaner
texts = json.load(open({corpus!r}, encoding="utf-8"))
cleaner = Cleaner()
for t in texts: cleaner.clean(t)
best = float("inf")
for _ in range({passes}):
    start = time.process_time()
    for t in texts: cleaner.clean(t)
    best = min(best, time.process_time() - start)
print(best)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the commit to compare with, e.g. HEAD~3")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    texts = corpus()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "corpus.json").write_text(json.dumps(texts), encoding="utf-8")
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(work / "old"), args.rev],
                       check=True, capture_output=True)
        try:
            trees = {"this checkout": ROOT, args.rev: work / "old"}
            seconds: dict[str, list[float]] = {name: [] for name in trees}
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    code = PASS.format(tree=str(tree), corpus=str(work / "corpus.json"), passes=args.passes)
                    env = {"CLEANER_CACHE_DIR": str(work / f"cache-{name.replace(' ', '-')}")}
                    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                                         env={**os.environ, **env})
                    seconds[name].append(float(out.stdout))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(work / "old")],
                           check=False, capture_output=True)
    megabytes = size_mb(texts)
    print(f"{len(texts)} documents, {megabytes:.2f} MB; best CPU seconds of {args.passes} passes, {args.rounds} "
          "rounds interleaved")
    print("| tree | MB/s (median of rounds) | best | rounds |\n|---|---|---|---|")
    for name, values in seconds.items():
        print(f"| {name} | {megabytes / statistics.median(values):.2f} | {megabytes / min(values):.2f} | "
              f"{', '.join(f'{megabytes / v:.1f}' for v in values)} |")
    ratio = statistics.median(seconds[args.rev]) / statistics.median(seconds["this checkout"])
    print(f"this checkout / {args.rev}: {ratio:.2f}x the throughput (medians)")


if __name__ == "__main__":
    main()
