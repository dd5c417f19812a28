"""Cleaner's cost in machine instructions (valgrind's callgrind), which unlike time does not
drift with a shared machine's load: for comparing two commits on a noisy machine.

    python benchmarks/instructions.py     # a few minutes; needs valgrind (apt install valgrind)

Counts are of the whole process, so each row is a difference of two runs: start-up against
`python -c pass`, and a pass over the corpus as (three passes - one pass) / 2."""

from __future__ import annotations

import compileall
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus, size_mb  # noqa: E402
from speed import ARTICLE, BIN, ONE_LINE  # noqa: E402

import cleaner  # noqa: E402

# Cleans the corpus once to compile the rules, then `passes` more times. No time limit: under
# valgrind everything runs some 50 times slower, and the per-document alarm would go off.
PASSES = """
import json, sys
from cleaner import Cleaner
texts = json.load(open(sys.argv[1], encoding="utf-8"))
cleaner = Cleaner(timeout=None)
for _ in range(1 + int(sys.argv[2])):
    for text in texts:
        cleaner.clean(text)
"""


def instructions(cmd: list[str], env: dict[str, str], stdin: Path | None = None) -> int:
    """Instructions executed by `cmd` (its whole process), as callgrind counts them."""
    with open(stdin or os.devnull, "rb") as source:
        proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                              stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode or not found:
        raise RuntimeError(f"{' '.join(cmd)} failed under valgrind:\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    if shutil.which("valgrind") is None:
        sys.exit("instructions.py needs valgrind (Debian: apt install valgrind)")
    texts = corpus()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CLEANER_CACHE_DIR": str(Path(tmp) / "cache")}
        line, texts_file = Path(tmp) / "one-line.txt", Path(tmp) / "corpus.json"
        line.write_bytes(ONE_LINE)
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        # As installed (bytecode compiled, as pip does for a wheel), with the start-up cache that
        # earlier runs leave: one pass outside valgrind adds every language's plan to it, else
        # the runs measured would each pay for finding them.
        compileall.compile_dir(Path(cleaner.__file__).parent, quiet=1)
        with open(line, "rb") as source:
            subprocess.run([str(BIN / "cleaner")], stdin=source, stdout=subprocess.DEVNULL, env=env, check=True)
        subprocess.run([sys.executable, "-c", PASSES, str(texts_file), "0"], env=env, check=True)
        runs = {
            "python": ([sys.executable, "-c", "pass"], None),
            "cleaner": ([str(BIN / "cleaner")], line),
            "article": ([str(BIN / "cleaner")], ARTICLE),
            "one pass": ([sys.executable, "-c", PASSES, str(texts_file), "1"], None),
            "three passes": ([sys.executable, "-c", PASSES, str(texts_file), "3"], None),
        }
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            futures = {name: pool.submit(instructions, cmd, env, stdin) for name, (cmd, stdin) in runs.items()}
            count = {name: future.result() for name, future in futures.items()}
    per_pass = (count["three passes"] - count["one pass"]) / 2
    print(f"corpus: {len(texts)} texts, {size_mb(texts):.2f} MB\n")
    print("| measurement | instructions |\n| --- | --- |")
    print(f"| `python -c pass` | {count['python'] / 1e6:.0f} M |")
    print(f"| `cleaner < one-line` | {count['cleaner'] / 1e6:.0f} M (+{(count['cleaner'] - count['python']) / 1e6:.0f} M) |")
    print(f"| `cleaner < {ARTICLE.name}` | {count['article'] / 1e6:.0f} M "
          f"(+{(count['article'] - count['python']) / 1e6:.0f} M) |")
    print(f"| one pass over the corpus, shipped rules | {per_pass / 1e6:.0f} M "
          f"({per_pass / (size_mb(texts) * 1e6):.0f} per byte) |")


if __name__ == "__main__":
    main()
