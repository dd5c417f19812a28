import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Keep the rule cache of test runs apart from the user's (subprocesses inherit this).
os.environ.setdefault("CLEANER_CACHE_DIR", tempfile.mkdtemp(prefix="cleaner-test-cache-"))
GOLDEN = ROOT / "tests" / "golden"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture
def run_cli(tmp_path):
    """Run the installed `cleaner` command in a fresh process; returns CompletedProcess."""

    def run(*args, input=None, cwd=None, env=None):
        full_env = {k: v for k, v in os.environ.items() if k != "CI"} | (env or {})
        return subprocess.run(
            [sys.executable, "-m", "cleaner", *map(str, args)],
            input=input.encode() if isinstance(input, str) else input,
            capture_output=True, cwd=cwd or tmp_path, env=full_env,
        )

    return run


@pytest.fixture(scope="session")
def ray_cluster():
    """A real local Ray cluster, 2 CPUs, every service on loopback (the datatrove tests share it)."""
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # Ray's switch for local-only: node IP 127.0.0.1
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray = pytest.importorskip("ray")
    context = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    assert context.address_info["node_ip_address"] == "127.0.0.1"
    yield ray
    ray.shutdown()


def write_shards(folder: Path, rows: list[dict], shards: int) -> None:
    """`rows` as JSONL shards part-0.jsonl ... in `folder`, dealt round-robin (row i in shard i % shards)."""
    for shard in range(shards):
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in rows[shard::shards]]
        (folder / f"part-{shard}.jsonl").write_text("".join(lines), encoding="utf-8")
