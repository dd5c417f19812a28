"""Clean a folder of JSONL shards with cleaner inside a datatrove pipeline: locally, on Ray or on Slurm.

Needs `pip install 'scrape-cleaner[datatrove]'` (and `'scrape-cleaner[ray]'` for --executor ray).

    # try it: makes 3 shards from the repository's golden articles, cleans them on this machine
    python examples/datatrove_pipeline.py --demo out/
    # your data: every *.jsonl(.gz) under IN, one record per line with "id" and "text"
    python examples/datatrove_pipeline.py IN OUT --tasks 64 --workers 8

Ray: start the cluster first (`ray start --head` on one node, `ray start --address HEAD:6379` on the
others), run this script on a node of it with `--executor ray` (without a cluster, ray.init() starts a local one).
Paths must be on storage every node sees (a shared file system, or s3://... with `datatrove[s3]`).

Slurm: run it on the login node with `--executor slurm --partition P`; datatrove submits a job array
of --tasks tasks that run this same pipeline in the virtualenv given by --venv (default: the one
running this script). Logs, per-task stats and completion markers land in OUT/logs; re-running skips
completed tasks. OUT/logs/stats.json then holds the merged stats, with a `rule:<id>` entry per rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleaner.integrations.datatrove import CleanerStep

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"


def make_demo_input(folder: Path, shards: int = 3) -> None:
    """Write the golden articles as JSONL shards, one article per record."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"id": p.name.removesuffix(".input.txt"), "text": p.read_text(encoding="utf-8")}
            for p in sorted(GOLDEN.glob("*.input.txt"))]
    for shard in range(shards):
        with open(folder / f"part-{shard}.jsonl", "w", encoding="utf-8") as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[shard::shards])


def build_pipeline(args: argparse.Namespace) -> list:
    """Read JSONL, clean, write JSONL with the metadata fields back at the top level."""
    step = CleanerStep(args.rules, ignore=args.ignore, html=args.html, drop_empty=not args.keep_empty)
    return [JsonlReader(str(args.input)), step,
            JsonlWriter(str(args.output / "cleaned"), compression=None, expand_metadata=True)]


def build_executor(args: argparse.Namespace, pipeline: list):
    """The executor named by --executor, with logs in OUT/logs."""
    common = {"tasks": args.tasks, "logging_dir": str(args.output / "logs")}
    if args.executor == "ray":
        import ray
        from datatrove.executor import RayPipelineExecutor

        ray.init()  # joins the cluster this node belongs to, else starts a local one
        return RayPipelineExecutor(pipeline, workers=args.workers, **common)
    if args.executor == "slurm":
        from datatrove.executor import SlurmPipelineExecutor

        return SlurmPipelineExecutor(pipeline, time=args.time, partition=args.partition, job_name="cleaner",
                                     venv_path=args.venv or str(Path(sys.prefix) / "bin" / "activate"), **common)
    from datatrove.executor import LocalPipelineExecutor

    return LocalPipelineExecutor(pipeline, workers=args.workers, **common)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path, nargs="?", help="Folder of JSONL shards (omit with --demo).")
    parser.add_argument("output", type=Path, help="Output folder: cleaned/ and logs/ go here.")
    parser.add_argument("--demo", action="store_true", help="Make demo shards in OUT/input first.")
    parser.add_argument("--executor", choices=["local", "ray", "slurm"], default="local")
    parser.add_argument("--tasks", type=int, default=3, help="Tasks (the input files are split among them).")
    parser.add_argument("--workers", type=int, default=2, help="Tasks running at once (local and Ray).")
    parser.add_argument("--rules", type=Path, nargs="*", default=[], help="Extra rule files or folders.")
    parser.add_argument("--ignore", nargs="*", default=[], help="Rule ids or categories to skip.")
    parser.add_argument("--html", action="store_true", help="Records hold HTML in 'text' and the page in 'url'.")
    parser.add_argument("--keep-empty", action="store_true", help="Keep documents cleaned to nothing.")
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
    build_executor(args, build_pipeline(args)).run()
    print(f"cleaned JSONL in {args.output / 'cleaned'}; merged stats in {args.output / 'logs' / 'stats.json'}")


if __name__ == "__main__":
    main()
