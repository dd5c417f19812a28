"""`cleaner batch` under faults: SIGTERM and SIGKILL mid-run with --jobs 2, a full disk and a
read-only target (real tmpfs mounts, root only: CI runs as root), stdin or stdout closed."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from test_output_faults import cleaner, full_disk, one_error_line, read_only  # noqa: F401 - fixtures

LINE = (json.dumps({"text": "A sentence of the article that goes on for a while. " * 40}) + "\n").encode()
PREVIOUS = "the previous run\n"


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def wait_until(predicate, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what} not reached within {timeout} s"
        time.sleep(0.1)


def start_batch(cwd: Path) -> subprocess.Popen:
    """`cleaner batch - -o out.jsonl --jobs 2 --no-learn-sites` fed records until it ends; returns once both workers run
    and output is being written (a temp file beside out.jsonl)."""
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "batch", "-", "-o", "out.jsonl", "--jobs", "2",
                             "--isolated", "--no-learn-sites"],  # (endless stdin: it cannot be spooled to learn)
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)

    def feed():
        try:
            while proc.poll() is None:
                proc.stdin.write(LINE * 50)
        except (BrokenPipeError, ValueError, OSError):
            pass

    threading.Thread(target=feed, daemon=True).start()
    wait_until(lambda: len(children(proc.pid)) >= 2 and temps(cwd), what="workers and a temp file")
    return proc


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".out.jsonl.*.tmp"))


def test_sigterm_leaves_the_output_as_it_was_and_no_temp_file(tmp_path):
    (tmp_path / "out.jsonl").write_text(PREVIOUS, encoding="utf-8")
    proc = start_batch(tmp_path)
    workers = children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == -signal.SIGTERM
    err = proc.stderr.read().decode()
    assert "Traceback" not in err and err.strip().splitlines() == ["cleaner: error: terminated; out.jsonl not written"]
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == PREVIOUS
    assert temps(tmp_path) == []
    wait_until(lambda: not any(map(running, workers)), what="the workers gone")


def test_sigkill_workers_exit_and_the_next_run_removes_the_temp_file(tmp_path):
    (tmp_path / "out.jsonl").write_text(PREVIOUS, encoding="utf-8")
    proc = start_batch(tmp_path)
    workers = children(proc.pid)
    proc.kill()
    proc.wait(timeout=60)
    wait_until(lambda: not any(map(running, workers)), what="the workers gone after their parent was killed")
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == PREVIOUS
    assert len(temps(tmp_path)) == 1  # a killed process cannot remove it...
    (tmp_path / "in.jsonl").write_bytes(LINE)
    again = cleaner("batch", "in.jsonl", "-o", "out.jsonl", "-q", "--isolated", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert temps(tmp_path) == []  # ...the next run into the same output does
    assert (tmp_path / "out.jsonl").read_bytes().count(b"\n") == 1


def test_full_disk_is_one_line_and_the_output_kept(tmp_path, full_disk):  # noqa: F811
    (tmp_path / "in.jsonl").write_bytes(LINE * 1000)  # 2 MB
    (full_disk / "out.jsonl").write_text(PREVIOUS, encoding="utf-8")
    for jobs in ("1", "2"):
        proc = cleaner("batch", "in.jsonl", "-o", full_disk / "out.jsonl", "--jobs", jobs, "--isolated", cwd=tmp_path)
        one_error_line(proc, "out.jsonl: cannot write: No space left on device")
        assert (full_disk / "out.jsonl").read_text(encoding="utf-8") == PREVIOUS
        assert sorted(p.name for p in full_disk.iterdir()) == ["out.jsonl"]


def test_full_disk_on_stdout_is_one_line(tmp_path, full_disk):  # noqa: F811
    (tmp_path / "in.jsonl").write_bytes(LINE * 1000)
    with open(full_disk / "out.jsonl", "wb") as out:
        proc = subprocess.run([sys.executable, "-m", "cleaner", "batch", "in.jsonl", "--isolated"], stdout=out,
                              stderr=subprocess.PIPE, cwd=tmp_path)
    one_error_line(proc, "<stdout>: cannot write: No space left on device")


def test_read_only_target_is_one_line(tmp_path, read_only):  # noqa: F811
    (tmp_path / "in.jsonl").write_bytes(LINE)
    proc = cleaner("batch", "in.jsonl", "-o", read_only / "out.jsonl", "--isolated", cwd=tmp_path)
    one_error_line(proc, "out.jsonl: cannot write: Read-only file system")


@pytest.mark.parametrize("redirect, message", [(">&-", "<stdout>: cannot write: stdout is closed"),
                                               ("<&-", "<stdin>: cannot read: stdin is closed"),
                                               (">/dev/full", "<stdout>: cannot write: No space left on device")])
def test_closed_or_full_stdio_is_one_line(tmp_path, redirect, message):
    (tmp_path / "in.jsonl").write_bytes(LINE * 100)
    source = "-" if redirect == "<&-" else "in.jsonl"
    proc = cleaner("batch", source, "--isolated", "--jobs", "2", shell_redirect=redirect, cwd=tmp_path)
    one_error_line(proc, message)
