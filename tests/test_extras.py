"""Without an optional extra installed, one line says which extra to install (issue 15).

The missing module is simulated in a real subprocess: a `sitecustomize` on a temporary path
sets its `sys.modules` entry to None, so importing it fails as if it were not installed."""

import os
import subprocess
import sys

import pytest

from cleaner.extras import INSTALL_HINT


def run_without(modules, args, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import sys\n" + "".join(f"sys.modules[{m!r}] = None\n" for m in modules), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, *args], capture_output=True, cwd=tmp_path, env=env, timeout=120)


def test_datatrove_step_without_the_extra(tmp_path):
    proc = run_without(["datatrove"], ["-c", "from cleaner.integrations.datatrove import CleanerStep"], tmp_path)
    assert proc.returncode == 1
    last = proc.stderr.decode().splitlines()[-1]
    assert last == ("ModuleNotFoundError: cleaner.integrations.datatrove needs the datatrove extra (datatrove is not "
                    f"installed): {INSTALL_HINT.format(extra='datatrove')}")
    assert b"During handling" not in proc.stderr  # the hint, not a chain of errors


@pytest.mark.parametrize("module", ["fastapi", "fastapi_offline", "uvicorn"])
def test_serve_without_the_extra(tmp_path, module):
    proc = run_without([module], ["-m", "cleaner", "serve", "--port", "0"], tmp_path)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and INSTALL_HINT.format(extra="server") in err and module in err
