"""Learn each site's template over JSONL shards with datatrove, then clean the shards with it: locally, on Ray or on Slurm.

Needs `pip install 'scrape-cleaner[datatrove]'` (and `'scrape-cleaner[ray]'` for --executor ray).

    # try it: makes 3 shards of two sites' pages from the repository's golden articles
    python examples/datatrove_learn_sites.py --demo out/
    # your data: every *.jsonl(.gz) under IN, one record per line with "id", "text" and "url" (its host is the site)
    python examples/datatrove_learn_sites.py IN OUT --tasks 64 --buckets 8 --workers 8

Three stages, each a datatrove job that starts when the one before has finished (`depends=`):
1. learn  (--tasks tasks):   SiteLearnStep counts each site's lines over a task's shards -> OUT/counts
2. reduce (--buckets tasks): SiteRulesReduce merges each site's counts, one site at a time -> OUT/site-rules/{site}.toml
3. clean  (--tasks tasks):   CleanerStep(site_rules=OUT/site-rules) -> OUT/cleaned
The packs in OUT/site-rules are ordinary rule files: review them (`cleaner rules test --rules OUT/site-rules`).
On a cluster, IN and OUT must be on storage every node sees (the packs are read as local files).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner.integrations.datatrove import CleanerStep, SiteLearnStep, SiteRulesReduce

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"
TEMPLATES = {
    "daily-example.com": ("Daily Example | News | Sport | Opinion", "Share this article",
                          "Sign up for the Daily Example briefing", "Daily Example Ltd. All rights reserved."),
    "example.org": ("EXAMPLE.ORG", "Listen to this article", "Most read this week", "Contact us | Terms | Privacy"),
}


def make_demo_input(folder: Path, shards: int = 3) -> None:
    """Write each golden article as a page of each demo site (its template around it), in JSONL shards."""
    folder.mkdir(parents=True, exist_ok=True)
    stories = [p.read_text(encoding="utf-8").strip() for p in sorted(GOLDEN.glob("*.input.txt"))]
    rows = [{"id": f"{site}/{n}", "url": f"https://www.{site}/story/{n}",
             "text": f"{top}\n{share}\n\n{story}\n\n{signup}\n{foot}\n"}
            for n, story in enumerate(stories) for site, (top, share, signup, foot) in TEMPLATES.items()]
    for shard in range(shards):
        with open(folder / f"part-{shard}.jsonl", "w", encoding="utf-8") as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[shard::shards])


def stages(args: argparse.Namespace) -> list[tuple[str, list, int]]:
    """(name, pipeline, tasks) of the three stages."""
    counts, packs = args.output / "counts", args.output / "site-rules"
    learn = [JsonlReader(str(args.input)), SiteLearnStep(counts, buckets=args.buckets)]
    reduce = [SiteRulesReduce(counts, packs, buckets=args.buckets, min_pages=args.min_pages, min_share=args.min_share)]
    clean = [JsonlReader(str(args.input)), CleanerStep(site_rules=packs),
             JsonlWriter(str(args.output / "cleaned"), compression=None, expand_metadata=True)]
    return [("learn", learn, args.tasks), ("reduce", reduce, args.buckets), ("clean", clean, args.tasks)]


def executor(args: argparse.Namespace, name: str, pipeline: list, tasks: int, depends: object):
    """The executor named by --executor for one stage, with its logs in OUT/logs/NAME."""
    common = {"tasks": tasks, "logging_dir": str(args.output / "logs" / name), "depends": depends}
    if args.executor == "ray":
        from datatrove.executor import RayPipelineExecutor

        return RayPipelineExecutor(pipeline, workers=args.workers, **common)
    if args.executor == "slurm":
        from datatrove.executor import SlurmPipelineExecutor

        return SlurmPipelineExecutor(pipeline, time=args.time, partition=args.partition, job_name=f"cleaner-{name}",
                                     venv_path=args.venv or str(Path(sys.prefix) / "bin" / "activate"), **common)
    from datatrove.executor import LocalPipelineExecutor

    return LocalPipelineExecutor(pipeline, workers=args.workers, **common)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path, nargs="?", help="Folder of JSONL shards (omit with --demo).")
    parser.add_argument("output", type=Path, help="Output folder: counts/, site-rules/, cleaned/ and logs/ go here.")
    parser.add_argument("--demo", action="store_true", help="Make demo shards in OUT/input first.")
    parser.add_argument("--executor", choices=["local", "ray", "slurm"], default="local")
    parser.add_argument("--tasks", type=int, default=3, help="Tasks of the learn and clean stages.")
    parser.add_argument("--buckets", type=int, default=2, help="Tasks of the reduce stage (each merges its sites).")
    parser.add_argument("--workers", type=int, default=2, help="Tasks running at once (local and Ray).")
    parser.add_argument("--min-pages", type=int, default=3, help="Learn a line on at least this many pages of a site...")
    parser.add_argument("--min-share", type=float, default=0.05, help="...and this share of its pages.")
    parser.add_argument("--partition", default="cpu", help="Slurm partition.")
    parser.add_argument("--time", default="02:00:00", help="Slurm time limit per task.")
    parser.add_argument("--venv", help="Slurm: the virtualenv's activate script on the compute nodes.")
    args = parser.parse_args()
    if args.demo:
        args.input = args.output / "input"
        make_demo_input(args.input)
    elif args.input is None:
        parser.error("give IN and OUT, or --demo OUT")
    return args


def main() -> None:
    args = parse_args()
    if args.executor == "ray":
        import ray

        ray.init()  # joins the cluster this node belongs to, else starts a local one
    last = None
    for name, pipeline, tasks in stages(args):
        last = executor(args, name, pipeline, tasks, last)
    last.run()  # runs (or, on Slurm, submits) the stages it depends on first
    if args.executor == "slurm":
        return print(f"submitted; packs will be in {args.output / 'site-rules'}, cleaned JSONL in {args.output / 'cleaned'}")
    packs = sorted(p.name for p in (args.output / "site-rules").glob("*.toml"))
    print(f"{len(packs)} site pack(s) in {args.output / 'site-rules'}; cleaned JSONL in {args.output / 'cleaned'}")


if __name__ == "__main__":
    main()
