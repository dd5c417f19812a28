"""benchmarks/load.py at a small size: load, a SIGKILLed cleaning process, slow clients, oversized
bodies, malformed JSON, a rule at its time limit and a 10,000-item batch, all in one run against a
real server on 127.0.0.1. Every request must get an answer (200, 4xx, 503/504 with a JSON body)."""

import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("uvicorn")


def test_small_load_run_loses_no_request():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load.py"), "--requests", "300",
                           "--concurrency", "20", "--slow-clients", "20", "--kill-after", "0.5",
                           "--read-timeout", "2"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "target no request lost: met" in proc.stdout
    rows = {line[:18].strip(): line[18:].split() for line in proc.stdout.splitlines()[2:10]}
    sent, _, client_error = map(int, rows["slow client"][:3])
    assert sent >= 20 and client_error == sent, proc.stdout  # each slow client was answered 408 and closed
    assert '"restarts": 1' in proc.stdout, proc.stdout
