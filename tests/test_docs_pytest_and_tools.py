"""Every code block of docs/pytest-and-tools.md runs as written: `sh` blocks under `bash -e` in a fresh
folder holding a copy of tests/golden/, the `toml` block as that folder's pyproject.toml, under which
plain `pytest` must run every golden case."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.golden import find_cases

from conftest import GOLDEN, ROOT

PAGE = ROOT / "docs" / "pytest-and-tools.md"
BLOCKS = re.findall(r"^```(\w+)\n(.*?)^```$", PAGE.read_text(encoding="utf-8"), re.M | re.S)
BIN = Path(sys.executable).parent


def run(args: list[str], folder: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(args, cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def test_the_page_has_its_blocks():
    assert [language for language, _ in BLOCKS].count("sh") >= 4 and ("toml" in dict(BLOCKS))
    assert {language for language, _ in BLOCKS} <= {"sh", "toml"}


@pytest.mark.parametrize("language, code", BLOCKS, ids=[f"block-{n}" for n in range(1, len(BLOCKS) + 1)])
def test_block_runs(tmp_path, language, code):
    shutil.copytree(GOLDEN, tmp_path / "tests" / "golden")
    if language == "toml":
        (tmp_path / "pyproject.toml").write_text(code, encoding="utf-8")
        proc = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider"], tmp_path)
        assert f"{len(find_cases(GOLDEN))} passed" in proc.stdout, proc.stdout[-3000:]
    else:
        (tmp_path / "block.sh").write_text(code, encoding="utf-8")
        proc = run(["bash", "-e", "-o", "pipefail", "block.sh"], tmp_path)
    assert proc.returncode == 0, f"{code}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
