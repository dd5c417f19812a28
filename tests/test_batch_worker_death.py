"""`cleaner batch` stops, rather than hangs, when a worker dies halfway through sending its results.

concurrent.futures' reader of the results pipe then waits for the rest of a message that never comes
(the test of a killed worker in test_batch.py hung once so, under load). Made certain here: the parent
is stopped (SIGSTOP) while a worker cleans a large record, so that the worker blocks writing its results
into the full pipe; it is killed there, and the parent continued."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux's /proc")


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(predicate, what: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def busy_worker(pid: int) -> int | None:
    """A worker that has spent a while cleaning (it has its task whole: it is past reading it)."""
    for child in children(pid):
        try:
            if cpu_seconds(child) > 0.3:
                return child
        except FileNotFoundError:
            pass
    return None


def test_a_worker_killed_while_sending_its_results_stops_the_run(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "batch", "-", "-o", "out.jsonl", "--jobs", "2",
                             "--isolated", "--chunk-records", "1", "-q",
                             "--no-learn-sites"],  # (stdin stays open: it cannot be spooled to learn)
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    small = (json.dumps({"text": "Warm."}) + "\n").encode()  # (the first chunk is cleaned in the parent)
    large = (json.dumps({"text": "A sentence of the article that goes on for a while.\n" * 150_000}) + "\n").encode()
    try:
        proc.stdin.write(small + large)
        proc.stdin.flush()
        worker = wait_for(lambda: busy_worker(proc.pid), "a worker cleaning the large record")
        os.kill(proc.pid, signal.SIGSTOP)  # nobody reads the results pipe now: the worker blocks writing to it
        wait_for(lambda: "pipe_write" in Path(f"/proc/{worker}/wchan").read_text(), "the worker to block writing")
        os.kill(worker, signal.SIGKILL)
        os.kill(proc.pid, signal.SIGCONT)
        proc.stdin.close()
        assert proc.wait(timeout=60) == 2
    finally:
        if proc.poll() is None:  # (a failure above: leave nothing stopped or running)
            os.kill(proc.pid, signal.SIGCONT)
            proc.kill()
    stderr = proc.stderr.read().decode()
    assert "a worker process died" in stderr and "out.jsonl not written" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "out.jsonl").exists()
