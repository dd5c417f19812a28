"""Start-up of this checkout against an earlier commit, side by side: `cleaner < FILE` from each
(the earlier one from a temporary git worktree), interleaved with `python -c pass`, median wall
and CPU milliseconds of `runs` runs each. Both run through the same harness (`python -c`, the
tree first on sys.path) with a start-up cache of their own, written by one run beforehand.

    python benchmarks/ab.py REV                 # the one-line input and one golden article
    python benchmarks/ab.py REV FILE [FILE ...] --runs 30
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import ARTICLE, ONE_LINE, run_ms  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ENTRY = ("import sys; sys.path.insert(0, {tree!r})\n"
         "try:  # commits from the click-free path to the layout regroup\n    from cleaner.console import main\n"
         "except ImportError:  # before the click-free path (click's group) and after the regroup\n"
         "    from cleaner.cli import main\n"
         "sys.exit(main())")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the commit to compare with, e.g. HEAD~3")
    parser.add_argument("files", nargs="*", type=Path, help="inputs (default: one line, and a golden article)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(work / "old"), args.rev],
                       check=True, capture_output=True)
        try:
            files = args.files or [work / "one-line.txt", ARTICLE]
            (work / "one-line.txt").write_bytes(ONE_LINE)
            trees = {"this checkout": ROOT, args.rev: work / "old"}
            for tree in trees.values():
                compileall.compile_dir(tree / "cleaner", quiet=1)  # measured as installed
            cmds = {"python -c pass": ([sys.executable, "-c", "pass"], {})}
            cmds |= {name: ([sys.executable, "-c", ENTRY.format(tree=str(tree))],
                            {**os.environ, "CLEANER_CACHE_DIR": str(work / f"cache-{i}")})
                     for i, (name, tree) in enumerate(trees.items())}
            print(f"| input | {' | '.join(cmds)} |\n|---|{'---|' * len(cmds)}")
            for path in files:
                times: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
                for _ in range(args.runs + 1):  # the first round writes the caches and is not counted
                    for name, (cmd, env) in cmds.items():
                        times[name].append(run_ms(cmd, tmp, path, env or dict(os.environ)))
                medians = {name: [statistics.median(t[i] for t in runs[1:]) for i in (0, 1)]
                           for name, runs in times.items()}
                base = medians["python -c pass"][0]
                cells = [f"{wall:.0f} ms (CPU {cpu:.0f})" + ("" if name.startswith("python")
                                                              else f", +{wall - base:.0f}")
                         for name, (wall, cpu) in medians.items()]
                print(f"| {path.name} | {' | '.join(cells)} |")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(work / "old")],
                           check=False, capture_output=True)


if __name__ == "__main__":
    main()
