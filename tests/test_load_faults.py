"""benchmarks/load.py at a small size: a closed-loop and a paced phase, each with a SIGKILLed cleaning
process, oversized bodies, malformed JSON, a rule at its time limit and a 10,000-item batch, slow
clients throughout, all in one run against a real server on 127.0.0.1. Every request must get an
answer (200, 4xx, 503/504 with a JSON body)."""

import json
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
    lines = proc.stdout.splitlines()
    table = lines[2:next(i for i, line in enumerate(lines) if line.startswith("closed loop:"))]
    rows = {line[:18].strip(): [int(x) for x in line[18:].split()[:6]] for line in table}
    for phase in ("closed", "paced"):
        assert rows[phase][0] == 300 and rows[phase][1] >= 290, proc.stdout  # sent; 200 (a killed one: 503)
    assert rows["10,000-item batch"][:3] == [2, 0, 2] and rows["malformed JSON"][:3] == [100, 0, 100]
    sent, _, client_error = rows["slow client"][:3]
    assert sent >= 20 and client_error == sent, proc.stdout  # each slow client was answered 408 and closed
    health = json.loads(next(line for line in lines if line.startswith("health after the run:")).split(":", 1)[1])
    assert health["restarts"] == 2 and health["alive"] == health["processes"], proc.stdout  # one kill per phase
