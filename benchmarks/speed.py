"""One run, one table: cleaner's speed, against datatrove's C4QualityFilter and jusText, and how it scales.

    python benchmarks/speed.py            # everything but the 1 GB streaming check (a few minutes)
    python benchmarks/speed.py --big      # also stream 1 GB of JSONL through `cleaner batch`
"""

from __future__ import annotations

import argparse
import compileall
import html
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import ROOT, corpus, generated_rules, long_text, one_line, pieces, size_mb, write_jsonl  # noqa: E402

from cleaner import Cleaner  # noqa: E402

BIN = Path(sys.executable).parent
SIZES = [1_000, 10_000, 100_000, 1_000_000, 10_000_000]
ONE_LINE = b"Hello world, this is one line of scraped text.\n"
ARTICLE = ROOT / "tests" / "golden" / "metro-kyiv-getty-captions.input.txt"  # the rules it meets compile


@dataclass
class Row:
    what: str
    result: str
    target: str = ""
    met: bool | None = None


def note(message: str) -> None:
    print(f"[speed] {message}", file=sys.stderr, flush=True)


# --- throughput and the two other tools --------------------------------------------------


def interleaved_best(works: dict[str, Callable[[], object]], rounds: int = 3, repeats: dict[str, int] | None = None
                     ) -> dict[str, float]:
    """CPU seconds of each work, the best over `rounds` rounds that run every work in turn (a work
    listed in `repeats` that many times a round): on a machine whose speed drifts by tens of percent
    within minutes, ratios of measurements taken side by side are the ones that hold."""
    best = dict.fromkeys(works, float("inf"))
    for _ in range(rounds):
        for name, work in works.items():
            for _ in range((repeats or {}).get(name, 1)):
                start = time.process_time()
                work()
                best[name] = min(best[name], time.process_time() - start)
    return best


def c4_work(texts: list[str]) -> Callable[[], object]:
    """datatrove's C4QualityFilter over every text as a Document (it edits or drops each)."""
    from datatrove.data import Document
    from datatrove.pipeline.filters.c4_filters import C4QualityFilter

    step = C4QualityFilter()
    step.filter(Document(text="Load the sentence splitter first. It is slow to load.", id="warm-up"))
    return lambda: [step.filter(Document(text=t, id=str(i))) for i, t in enumerate(texts)]


def justext_work(texts: list[str]) -> Callable[[], object]:
    """jusText (English stoplist) over each text, its non-blank lines given as <p> paragraphs."""
    import justext

    stoplist = justext.get_stoplist("English")
    pages = ["<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in t.splitlines() if line.strip())
             + "</body></html>" for t in texts]
    return lambda: [justext.justext(page, stoplist) for page in pages]


def comparison_rows(texts: list[str], cleaner: Cleaner) -> tuple[list[Row], float]:
    """Cleaner, C4QualityFilter and jusText timed side by side; also returns cleaner's time."""
    mb = size_mb(texts)
    note("cleaner, datatrove C4QualityFilter and jusText, side by side")
    def ours() -> object:
        return [cleaner.clean(doc) for doc in texts]

    ours()  # (pays for the rules compiled on first use)
    best = interleaved_best({"cleaner": ours, "c4": c4_work(texts), "justext": justext_work(texts)},
                            repeats={"cleaner": 5})
    ours_s, c4, jt = best["cleaner"], best["c4"], best["justext"]
    return [
        Row(f"text throughput, shipped rules ({len(cleaner.rules)}), 1 process", f"{mb / ours_s:.1f} MB/s",
            ">= 30 MB/s", mb / ours_s >= 30),
        Row("datatrove C4QualityFilter, same texts", f"{mb / c4:.2f} MB/s: cleaner is {c4 / ours_s:.1f}x faster",
            ">= 50x", c4 / ours_s >= 50),
        Row("jusText over the texts' lines, same texts", f"{mb / jt:.2f} MB/s: cleaner is {jt / ours_s:.1f}x faster",
            ">= 20x", jt / ours_s >= 20),
    ], ours_s


# --- scaling -----------------------------------------------------------------------------


def rule_count_rows(texts: list[str], cleaner: Cleaner) -> list[Row]:
    """The shipped rules plus generated drop_line rules that never match the corpus, timed side by
    side with the shipped rules alone."""
    note("shipped rules, + 100 and + 1000 generated rules, side by side")
    with tempfile.TemporaryDirectory() as tmp:
        works: dict[str, Callable[[], object]] = {"shipped": lambda: [cleaner.clean(t) for t in texts]}
        for count in (100, 1000):
            path = Path(tmp) / f"generated-{count}.toml"
            path.write_text(generated_rules(count, texts), encoding="utf-8")
            more = Cleaner([path])
            works[str(count)] = lambda more=more: [more.clean(t) for t in texts]  # type: ignore[misc]
        for work in works.values():
            work()  # (rules compile on first use)
        best = interleaved_best(works, rounds=5)
    rows = []
    for count in (100, 1000):
        ratio = best[str(count)] / best["shipped"]
        big = count == 1000
        rows.append(Row(f"shipped + {count:,} generated drop_line rules", f"{ratio:.2f}x the time",
                        "<= 2x" if big else "", ratio <= 2 if big else None))
    return rows


def size_rows(texts: list[str], cleaner: Cleaner) -> list[Row]:
    """The same 10 MB of text cleaned as documents of each size, and as one 10 MB line."""
    text = long_text(texts, SIZES[-1])
    mb = len(text.encode("utf-8")) / 1e6
    note("documents of 1 KB to 10 MB, and one 10 MB line, side by side")
    inputs = {f"{size:,} B documents": pieces(text, size) for size in SIZES}
    inputs["one 10 MB line"] = [one_line(texts, SIZES[-1])]
    works = {name: lambda docs=docs: [cleaner.clean(doc) for doc in docs] for name, docs in inputs.items()}
    for work in works.values():
        work()  # (rules compile on first use)
    best = interleaved_best(works, rounds=2)
    per_char = {name: best[name] / sum(map(len, docs)) for name, docs in inputs.items()}
    base = per_char[f"{SIZES[0]:,} B documents"]
    rows = []
    for name, cost in per_char.items():
        ratio = cost / base
        rows.append(Row(f"document size: {name}", f"{ratio:.2f}x per byte ({mb / (cost * len(text)):.1f} MB/s)",
                        "<= 1.5x" if name != f"{SIZES[0]:,} B documents" else "baseline", ratio <= 1.5))
    return rows


# --- start-up ----------------------------------------------------------------------------

PROBE = ("import time; t0 = time.process_time(); import cleaner.cli.console; t1 = time.process_time(); "
         "from cleaner import Cleaner; c = Cleaner(); t2 = time.process_time(); c.clean('Hello world.'); "
         "t3 = time.process_time(); print(t1 - t0, t2 - t1, t3 - t2)")


def run_ms(cmd: list[str], cwd: str, stdin: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one run of `cmd` with `stdin` as its input."""
    with open(stdin, "rb") as source:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=source, stdout=subprocess.DEVNULL, cwd=cwd, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited with status {proc.returncode}")
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def startup_rows(runs: int = 20) -> list[Row]:
    """`cleaner < one-line` and `cleaner < article` against `python -c pass`, interleaved, median
    of `runs` each.

    Measured as installed: the package's bytecode compiled (pip does this for a wheel; an
    editable install under PYTHONDONTWRITEBYTECODE would recompile every module on each run)
    and a start-up cache that one earlier run wrote (this benchmark's generated rule files
    stay out of it)."""
    note("CLI start-up")
    import cleaner

    compileall.compile_dir(Path(cleaner.__file__).parent, quiet=1)
    runs_of = {"cleaner": ([str(BIN / "cleaner")], "one-line.txt"),
               "python": ([sys.executable, "-c", "pass"], "one-line.txt"),
               "article": ([str(BIN / "cleaner")], ARTICLE.name)}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs_of}
    with tempfile.TemporaryDirectory() as cwd:
        env = {**os.environ, "CLEANER_CACHE_DIR": str(Path(cwd) / "cache")}
        (Path(cwd) / "one-line.txt").write_bytes(ONE_LINE)
        (Path(cwd) / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
        run_ms(runs_of["cleaner"][0], cwd, Path(cwd) / "one-line.txt", env)  # writes the start-up cache
        for _ in range(runs):
            for name, (cmd, stdin) in runs_of.items():
                times[name].append(run_ms(cmd, cwd, Path(cwd) / stdin, env))
        probes = [subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=cwd,
                                 env=env, check=True).stdout.split() for _ in range(5)]
    (ours, ours_cpu), (python, python_cpu), (article, _) = ([statistics.median(t[i] for t in times[name])
                                                             for i in (0, 1)] for name in runs_of)
    imports, rules, first = (statistics.median(float(p[i]) * 1000 for p in probes) for i in (0, 1, 2))
    return [
        Row("CLI start-up: `cleaner < one-line` vs `python -c pass`, wall",
            f"{ours:.0f} ms vs {python:.0f} ms: +{ours - python:.0f} ms", "<= +100 ms", ours - python <= 100),
        Row("  the same in CPU time", f"{ours_cpu:.0f} ms vs {python_cpu:.0f} ms: +{ours_cpu - python_cpu:.0f} ms"),
        Row("  of which: import cleaner.cli.console (CPU; plain `cleaner` does not import click)", f"{imports:.0f} ms"),
        Row("  of which: load the shipped rules, `Cleaner()` (CPU)", f"{rules:.0f} ms"),
        Row("  of which: first `clean()` of one line (CPU)", f"{first:.0f} ms"),
        Row(f"CLI on an article: `cleaner < {ARTICLE.name}` ({ARTICLE.stat().st_size / 1000:.1f} KB), wall",
            f"{article:.0f} ms vs {python:.0f} ms: +{article - python:.0f} ms"),
    ]


# --- batch -------------------------------------------------------------------------------


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """(largest peak RSS of one process, current RSS of all) over a process and its descendants, in kB."""
    largest, total, stack = 0, 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
        except OSError:
            continue
        fields = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+)", status, re.M))
        largest = max(largest, int(fields.get("VmHWM", 0)))
        total += int(fields.get("VmRSS", 0))
        stack += [int(child) for child in children.split()]
    return largest, total


@dataclass
class Measured:
    seconds: float
    cpu_seconds: float  # user + system, the process and its workers
    largest_mb: float  # peak RSS of the largest single process (its VmHWM)
    total_mb: float  # peak RSS of all processes together


def measure(cmd: list[str]) -> Measured:
    """Run `cmd` to completion, sampling its processes' memory every 20 ms."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    largest = total = 0
    while not (waited := os.wait4(proc.pid, os.WNOHANG))[0]:
        peak, now = tree_memory_kb(proc.pid)
        largest, total = max(largest, peak), max(total, now)
        time.sleep(0.02)
    _, status, usage = waited
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited with status {proc.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(time.perf_counter() - start, cpu, largest / 1024, total / 1024)


def batch_cmd(source: Path, target: str, jobs: int) -> list[str]:
    return [str(BIN / "cleaner"), "batch", str(source), "-o", target, "--jobs", str(jobs), "-q",
            "--no-learn-sites"]  # the streaming path (site learning: benchmarks/batch_learn.py)


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def machine_speed(runs: int = 5) -> float:
    """CPU milliseconds of a fixed pure-Python loop, best of `runs`: the machine's speed at the
    time of the run, so that tables from different days can be compared."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        _spin(1_000_000)
        best = min(best, time.process_time() - start)
    return best * 1000


def machine_scaling(rounds: int = 2) -> float:
    """What two processes gain here at best: a pure-Python loop in two worker processes against
    one worker doing both tasks (wall time, best of `rounds`, interleaved). Shared or
    hyper-threaded cores give well under 2x."""
    from concurrent.futures import ProcessPoolExecutor

    n = 5_000_000
    best = {1: float("inf"), 2: float("inf")}
    for _ in range(rounds):
        for workers in (1, 2):
            with ProcessPoolExecutor(workers) as pool:
                list(pool.map(_spin, [1] * workers))  # workers started
                start = time.perf_counter()
                list(pool.map(_spin, [n, n]))
                best[workers] = min(best[workers], time.perf_counter() - start)
    return best[1] / best[2]


def batch_rows(texts: list[str], mb_per_s: float, rounds: int = 2) -> list[Row]:
    """`cleaner batch` with 1 and 2 jobs over two JSONL files, one sized for about 10 s of one
    job's CPU and one a third of that (interleaved, best of `rounds`), and the machine's own
    2-process scaling measured alongside. Throughput is the extra megabytes of the larger file
    over the extra seconds it took: start-up, imports and compiling the rules, paid once per run
    whatever its size, cancel out; the wall time of the larger run, start-up included, is shown too."""
    size = int(min(max(mb_per_s * 10, 60), 300) * 1e6)  # (the smaller file, a third, must be past the warm-up too)
    with tempfile.TemporaryDirectory() as tmp:
        sources = {}
        for name, part in (("small", size // 3), ("large", size)):
            sources[name] = Path(tmp) / f"{name}.jsonl"
            write_jsonl(sources[name], texts, part)
        mbs = {name: path.stat().st_size / 1e6 for name, path in sources.items()}
        runs: dict[tuple[int, str], Measured] = {}
        for _ in range(rounds):
            for jobs in (1, 2):
                for name, source in sources.items():
                    note(f"batch --jobs {jobs} over {mbs[name]:.0f} MB")
                    run = measure(batch_cmd(source, str(Path(tmp) / "out.jsonl"), jobs))
                    best = runs.get((jobs, name))
                    runs[jobs, name] = run if best is None or run.seconds < best.seconds else best
        note("the machine's 2-process scaling")
        machine = machine_scaling()
    extra = mbs["large"] - mbs["small"]
    rate = {jobs: extra / (runs[jobs, "large"].seconds - runs[jobs, "small"].seconds) for jobs in (1, 2)}
    one, two = runs[1, "large"], runs[2, "large"]
    mb = mbs["large"]
    return [
        Row(f"batch --jobs 1, {mb:.0f} MB of JSONL, wall time incl. start-up (best of {rounds})",
            f"{mb / one.seconds:.1f} MB/s, {one.cpu_seconds:.1f} CPU s; peak RSS {one.largest_mb:.0f} MB"),
        Row("batch --jobs 2, the same", f"{mb / two.seconds:.1f} MB/s = {one.seconds / two.seconds:.2f}x of 1 job, "
            f"{two.cpu_seconds:.1f} CPU s; peak RSS {two.largest_mb:.0f} MB per process, {two.total_mb:.0f} MB all"),
        Row(f"batch throughput, {mb:.0f} MB run minus {mbs['small']:.0f} MB run: 1 job / 2 jobs",
            f"{rate[1]:.1f} / {rate[2]:.1f} MB/s = {rate[2] / rate[1]:.2f}x", ">= 1.7x", rate[2] / rate[1] >= 1.7),
        Row("  this machine: a pure-Python loop in 2 processes vs 1 (the ceiling for 2 jobs)", f"{machine:.2f}x"),
    ]


def big_rows(texts: list[str], megabytes: int, jobs: int = 2) -> list[Row]:
    """Stream `megabytes` of JSONL through `cleaner batch` to /dev/null; peak memory must stay flat."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "big.jsonl"
        note(f"writing {megabytes} MB of JSONL")
        mb = write_jsonl(source, texts, megabytes * 1_000_000) / 1e6
        note(f"batch --jobs {jobs} over {mb:.0f} MB")
        run = measure(batch_cmd(source, os.devnull, jobs))
    return [Row(f"streaming: batch --jobs {jobs}, {mb / 1000:.2f} GB of JSONL",
                f"{run.seconds:.0f} s ({mb / run.seconds:.1f} MB/s); peak RSS {run.largest_mb:.0f} MB per process, "
                f"{run.total_mb:.0f} MB all", "< 200 MB", run.total_mb < 200)]


# --- the table ---------------------------------------------------------------------------


def header(texts: list[str], speed_ms: float) -> str:
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return ("in-process times are CPU time (time.process_time); start-up and batch are wall time\n"
            f"corpus: {len(texts)} texts, {size_mb(texts):.2f} MB (golden inputs + 2 scraped texts per AEB page); "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load}, commit {commit or '?'}\n"
            f"machine speed: a pure-Python loop of a million steps takes {speed_ms:.0f} ms of CPU (best of 5; "
            "a slower machine takes longer)")


def render(rows: list[Row]) -> str:
    mark = {True: "yes", False: "**no**", None: ""}
    lines = ["| measurement | result | target | met |", "| --- | --- | --- | --- |"]
    lines += [f"| {r.what} | {r.result} | {r.target} | {mark[r.met]} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also stream 1 GB of JSONL through `cleaner batch`")
    parser.add_argument("--big-mb", type=int, default=1000, help="size of the --big input in MB (default 1000)")
    args = parser.parse_args(argv)
    speed_ms = machine_speed()
    note("building the corpus")
    texts = corpus()
    cleaner = Cleaner()
    rows, ours = comparison_rows(texts, cleaner)
    rows += rule_count_rows(texts, cleaner) + size_rows(texts, cleaner)
    rows += startup_rows() + batch_rows(texts, size_mb(texts) / ours)
    if args.big:
        rows += big_rows(texts, args.big_mb)
    print(header(texts, speed_ms) + "\n\n" + render(rows))


if __name__ == "__main__":
    main()
