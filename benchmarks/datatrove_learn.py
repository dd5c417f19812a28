"""Site learning on datatrove at scale: pages/s per worker of the learn and clean stages, and the peak
memory of the reduce as the crawl grows in sites and in pages per site.

    python benchmarks/datatrove_learn.py --data ../shared/data            # a few minutes
    python benchmarks/datatrove_learn.py --data ../shared/data --sites 2 4 --pages 500 2000

The crawl is generated from the AEB pages: site k wears the furniture of AEB page k (the lines of its
main container's block text before the first and after the last line of its article, as a careless
scraper collects them), around articles recombined from the sentences of all AEB articles (3 to 7
paragraphs of 2 to 4 sentences), so that, as on a real site, the template recurs and the stories do not.

Per crawl (every sites x pages pair): the learn stage (SiteLearnStep, 4 tasks, one worker: its
pages per CPU second are one worker's), then the reduce (SiteRulesReduce, one task) in a process of its own, whose
peak resident memory (ru_maxrss) is reported with that of a process that only imports the same
modules. On the largest crawl, the clean stage with the learned packs against CleanerStep alone.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aeb_inputs import block_text, load_pages  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TASKS = 4
REDUCE = """
import resource, sys
from cleaner.integrations.datatrove import SiteRulesReduce
if sys.argv[1] != "-":
    step = SiteRulesReduce(sys.argv[1], sys.argv[2])
    for _ in step.run(None, 0, 1):
        pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KB on Linux
"""


def norm(line: str) -> str:
    return " ".join(line.split())


def furniture_and_sentences(data: Path) -> tuple[list[tuple[list[str], list[str]]], list[str]]:
    """Each AEB page's furniture (lines before and after its article), and every article sentence."""
    templates, sentences = [], []
    for page in load_pages(data / "aeb"):
        truth = {norm(line) for line in page.truth.splitlines() if line.strip()}
        lines = [line for line in block_text(page.html).splitlines() if line.strip()]
        inside = [i for i, line in enumerate(lines) if norm(line) in truth]
        if inside and inside[0] > 0 and lines[inside[-1] + 1:]:
            templates.append((lines[:inside[0]], lines[inside[-1] + 1:]))
        for paragraph in page.truth.splitlines():
            sentences += [s for s in re.split(r"(?<=[.!?])\s+", paragraph.strip()) if len(s.split()) >= 4]
    return templates, sentences


def write_crawl(folder: Path, sites: int, pages: int, templates: list, sentences: list[str], seed: int = 7) -> int:
    """TASKS JSONL shards of `sites` sites x `pages` pages, interleaved; their total size in bytes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    shards = [open(folder / f"part-{n}.jsonl", "w", encoding="utf-8") for n in range(TASKS)]
    size = 0
    for number in range(pages):
        for site in range(sites):
            before, after = templates[site % len(templates)]
            story = ["\n".join([" ".join(rng.sample(sentences, rng.randint(2, 4)))]) for _ in range(rng.randint(3, 7))]
            text = "\n".join([*before, *story, *after]) + "\n"
            line = json.dumps({"id": f"{site}/{number}", "url": f"https://site{site}.example/{number}", "text": text})
            shards[(number * sites + site) % TASKS].write(line + "\n")
            size += len(line) + 1
    for shard in shards:
        shard.close()
    return size


def timed_run(pipeline: list, tasks: int, logs: Path) -> float:
    """CPU seconds of one worker running the tasks one after the other (datatrove runs them in this
    process with workers=1), so that other load on the machine does not count."""
    from datatrove.executor import LocalPipelineExecutor

    started = time.process_time()
    LocalPipelineExecutor(pipeline, tasks=tasks, workers=1, logging_dir=str(logs)).run()
    return time.process_time() - started


def peak_kb(*args: str) -> int:
    """Peak resident memory (KB) of a fresh process running the reduce (or only importing, with '-')."""
    done = subprocess.run([sys.executable, "-c", REDUCE, *args], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def crawl_row(work: Path, sites: int, pages: int, templates: list, sentences: list[str]) -> dict:
    from datatrove.pipeline.readers import JsonlReader

    from cleaner.integrations.datatrove import SiteLearnStep

    base = work / f"{sites}x{pages}"
    size = write_crawl(base / "in", sites, pages, templates, sentences)
    seconds = timed_run([JsonlReader(str(base / "in")), SiteLearnStep(base / "counts")], TASKS, base / "logs-learn")
    started = time.perf_counter()
    peak = peak_kb(str(base / "counts"), str(base / "packs"))
    reduce_seconds = time.perf_counter() - started
    counts_mb = sum(p.stat().st_size for p in (base / "counts").rglob("*.jsonl")) / 1e6
    rules = sum(text.count("[[rule]]") for text in (p.read_text(encoding="utf-8") for p in (base / "packs").glob("*.toml")))
    return {"sites": sites, "pages": pages, "mb": size / 1e6, "learn_pps": sites * pages / seconds, "counts_mb": counts_mb,
            "reduce_s": reduce_seconds, "peak_mb": peak / 1024, "rules": rules, "base": base}


def clean_rates(row: dict) -> tuple[float, float]:
    """Pages per CPU second of one worker: CleanerStep alone, then with the learned packs."""
    from datatrove.pipeline.readers import JsonlReader

    from cleaner.integrations.datatrove import CleanerStep

    base, pages = row["base"], row["sites"] * row["pages"]
    plain = timed_run([JsonlReader(str(base / "in")), CleanerStep()], TASKS, base / "logs-plain")
    learned = timed_run([JsonlReader(str(base / "in")), CleanerStep(site_rules=base / "packs")], TASKS, base / "logs-clean")
    return pages / plain, pages / learned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sites", type=int, nargs="+", default=[2, 6])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 4000], help="Pages per site.")
    args = parser.parse_args()
    templates, sentences = furniture_and_sentences(args.data)
    print(f"{len(templates)} AEB templates, {len(sentences)} article sentences")
    baseline = peak_kb("-") / 1024
    rows = []
    with tempfile.TemporaryDirectory(prefix="cleaner-dt-learn-") as work:
        for sites in args.sites:
            for pages in args.pages:
                rows.append(crawl_row(Path(work), sites, pages, templates, sentences))
                print("done", sites, "x", pages, file=sys.stderr)
        plain, learned = clean_rates(rows[-1])
    print(f"\n| sites | pages/site | crawl MB | learn pages/CPU s (1 worker) | counts MB | reduce s | reduce peak MB "
          f"(imports alone: {baseline:.0f}) | rules |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['sites']} | {r['pages']} | {r['mb']:.1f} | {r['learn_pps']:.0f} | {r['counts_mb']:.1f} | "
              f"{r['reduce_s']:.1f} | {r['peak_mb']:.0f} | {r['rules']} |")
    last = rows[-1]
    print(f"\nclean stage on {last['sites']} x {last['pages']} pages, 1 worker: CleanerStep alone {plain:.0f} pages/CPU s, "
          f"with the learned packs {learned:.0f} ({learned / plain:.2f}x)")


if __name__ == "__main__":
    main()
