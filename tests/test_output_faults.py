"""Output that cannot be written whole: a full disk (a real 1 MB tmpfs), a read-only target,
/dev/full, stdout or stdin closed. Each gives one line on stderr and status 2, and never leaves a
partial file under its final name. The tmpfs tests need root (CI runs as root) and skip otherwise."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIG = "".join(f"Paragraph {i} of the article, a plain sentence that stays.\n\n" for i in range(36_000))  # 2.2 MB


def cleaner(*args, stdin=None, cwd=None, shell_redirect: str = "", env=None):
    """Run `python -m cleaner ARGS` in a shell, so that `>&-` or `<&-` can close its stdio."""
    command = 'exec "$0" -m cleaner "$@" ' + shell_redirect
    return subprocess.run(["sh", "-c", command, sys.executable, *map(str, args)], input=stdin,
                          capture_output=True, cwd=cwd, env={k: v for k, v in os.environ.items() if k != "CI"} | (env or {}))


def run_to(args, target: str, stdin: bytes | None = None, cwd=None):
    """Run with stdout redirected to `target` by the shell; stderr captured."""
    command = 'exec "$0" -m cleaner "$@" > ' + target
    return subprocess.run(["sh", "-c", command, sys.executable, *map(str, args)], input=stdin,
                          stderr=subprocess.PIPE, cwd=cwd)


def one_error_line(proc, *words: str) -> str:
    """Status 2 and one error line, for `clean -o` with the count of files not cleaned after it."""
    err = proc.stderr.decode()
    assert proc.returncode == 2, (proc.returncode, err)
    lines = [line for line in err.strip().splitlines() if not line.endswith("file(s) not cleaned")]
    assert "Traceback" not in err and len(lines) == 1, err
    assert all(w in err for w in words), err
    return err


def mounted_tmpfs(folder: Path, options: str):
    """A tmpfs mounted at `folder` for the test (skipped where it cannot be), unmounted after it."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    folder.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if proc.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def full_disk(tmp_path):
    """A 1 MB tmpfs: a 2 MB output cannot fit."""
    yield from mounted_tmpfs(tmp_path / "full", "size=1m")


@pytest.fixture
def read_only(tmp_path):
    yield from mounted_tmpfs(tmp_path / "ro", "ro,size=1m")


@pytest.mark.parametrize("args", [[], ["--format", "json"], ["clean", "big.txt"]], ids=["pipe", "json", "clean"])
def test_dev_full_is_one_line_and_status_2(tmp_path, args):
    (tmp_path / "big.txt").write_text(BIG, encoding="utf-8")
    proc = run_to(args, "/dev/full", stdin=BIG.encode(), cwd=tmp_path)
    one_error_line(proc, "<stdout>: cannot write: No space left on device")


@pytest.mark.parametrize("args", [[], ["clean", "big.txt"]], ids=["pipe", "clean"])
def test_full_disk_on_stdout_is_not_exit_0(tmp_path, full_disk, args):
    (tmp_path / "big.txt").write_text(BIG, encoding="utf-8")
    proc = run_to(args, str(full_disk / "p.txt"), stdin=BIG.encode(), cwd=tmp_path)
    one_error_line(proc, "<stdout>: cannot write: No space left on device")


def test_clean_into_a_full_disk_leaves_no_partial_file(tmp_path, full_disk):
    (tmp_path / "a.txt").write_text("A short article.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(BIG, encoding="utf-8")
    (full_disk / "out").mkdir()
    (full_disk / "out" / "b.txt").write_text("the previous run\n", encoding="utf-8")
    proc = cleaner("clean", "a.txt", "b.txt", "-o", full_disk / "out", cwd=tmp_path)
    one_error_line(proc, "b.txt: cannot write: No space left on device")
    assert sorted(p.name for p in (full_disk / "out").iterdir()) == ["a.txt", "b.txt"]  # no temp file left
    assert (full_disk / "out" / "a.txt").read_text(encoding="utf-8") == "A short article.\n"
    assert (full_disk / "out" / "b.txt").read_text(encoding="utf-8") == "the previous run\n"


def test_clean_into_a_read_only_folder_is_one_line(tmp_path, read_only):
    (tmp_path / "a.txt").write_text("A short article.\n", encoding="utf-8")
    proc = cleaner("clean", "a.txt", "-o", read_only, cwd=tmp_path)
    one_error_line(proc, "a.txt: cannot write: Read-only file system")


def test_closed_stdout_is_one_line_and_status_2(tmp_path):
    proc = cleaner(stdin=b"Body.\n", shell_redirect=">&-", cwd=tmp_path)
    one_error_line(proc, "<stdout>: cannot write: stdout is closed")


def test_closed_stdin_is_one_line_and_status_2(tmp_path):
    proc = cleaner(shell_redirect="<&-", cwd=tmp_path)
    one_error_line(proc, "<stdin>: cannot read: stdin is closed")
    assert proc.stdout == b""
