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
