"""Terminal conventions (issue 15): colour only when wanted, golden checks that miss nothing,
stdin on a terminal announced, `cleaner FILE`, and .gz input."""

import gzip
import os
import pty
import subprocess
import sys

import pytest

BODY = "Body text here.\n\nLeave a Reply\n"
CLEANED = "Body text here.\n"
ESC = b"\x1b["


def run_on_tty(args, cwd, env=None, stdin_tty=False, typed=b""):
    """Run cleaner with stdout on a pseudo-terminal (or stdin, with `stdin_tty`); returns
    (status, what the terminal showed, stderr)."""
    master, slave = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")} | (env or {})
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", *map(str, args)], cwd=cwd, env=full_env,
                            stdin=slave if stdin_tty else subprocess.DEVNULL,
                            stdout=subprocess.PIPE if stdin_tty else slave, stderr=subprocess.PIPE)
    os.close(slave)
    if typed:
        os.write(master, typed)
    shown = b""
    if not stdin_tty:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed: the process ended
                break
            if not chunk:
                break
            shown += chunk
    out, err = proc.communicate(timeout=60)
    os.close(master)
    return proc.returncode, out if stdin_tty else shown, err


@pytest.fixture
def article(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    return tmp_path / "a.txt"


def test_explain_colour_on_a_terminal_and_no_color(article, tmp_path):
    assert ESC in run_on_tty(["explain", article], tmp_path)[1]
    assert ESC not in run_on_tty(["explain", article], tmp_path, env={"NO_COLOR": "1"})[1]
    assert ESC in run_on_tty(["explain", article], tmp_path, env={"NO_COLOR": ""})[1]  # empty: not set


@pytest.mark.parametrize("where", ["before", "after"])
def test_color_option(run_cli, article, tmp_path, where):
    def explain(value):
        return ["--color", value, "explain", article] if where == "before" else ["explain", article, "--color", value]

    assert ESC in run_cli(*explain("always"), env={"NO_COLOR": "1"}).stdout  # the option wins over NO_COLOR
    assert ESC not in run_cli(*explain("auto")).stdout  # piped
    assert ESC not in run_on_tty(explain("never"), tmp_path)[1]


def golden_dir(tmp_path, **files):
    folder = tmp_path / "g"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return folder


def test_golden_diff_coloured_on_a_terminal_only(run_cli, tmp_path):
    folder = golden_dir(tmp_path, one_input_txt=BODY, one_expected_txt="Changed.\n")
    status, shown, _ = run_on_tty(["golden", "check", folder], tmp_path)
    assert status == 1 and ESC in shown and b"Changed." in shown
    piped = run_cli("golden", "check", folder)
    assert piped.returncode == 1 and ESC not in piped.stdout


def test_golden_check_fails_on_an_orphan_expected_file(run_cli, tmp_path):
    folder = golden_dir(tmp_path, one_input_txt=BODY, one_expected_txt=CLEANED, two_expected_txt="Lost.\n")
    proc = run_cli("golden", "check", folder)
    out = proc.stdout.decode()
    assert proc.returncode == 1
    assert "FAIL two" in out and "no input" in out and out.endswith("1 passed, 1 failed\n")


def test_golden_update_of_an_empty_folder_fails_like_check(run_cli, tmp_path):
    folder = golden_dir(tmp_path)
    for command in ("check", "update"):
        proc = run_cli("golden", command, folder)
        assert proc.returncode == 2 and b"no golden cases" in proc.stderr, command


def test_golden_update_one_case_by_name(run_cli, tmp_path):
    folder = golden_dir(tmp_path, one_input_txt=BODY, two_input_txt=BODY)
    proc = run_cli("golden", "update", folder, "two")
    assert proc.returncode == 0, proc.stderr
    assert sorted(os.listdir(folder)) == ["one.input.txt", "two.expected.txt", "two.input.txt"]
    proc = run_cli("golden", "update", folder, "three")
    assert proc.returncode == 2 and b"three" in proc.stderr


def test_bare_cleaner_on_a_terminal_says_it_waits_for_stdin(tmp_path):
    status, out, err = run_on_tty([], tmp_path, stdin_tty=True, typed=b"Body text here.\n\x04")
    assert status == 0
    assert out == CLEANED.encode()
    assert b"stdin" in err and b"--help" in err and err.count(b"\n") == 1


def test_piped_stdin_gets_no_note(run_cli):
    proc = run_cli(input=BODY)
    assert proc.stdout == CLEANED.encode() and proc.stderr == b""


def test_cleaner_file_cleans_the_file(run_cli, article):
    proc = run_cli(article.name)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == CLEANED
    assert run_cli("--ignore", "comments", article.name).stdout.decode() == BODY
    missing = run_cli("missing.txt")
    assert missing.returncode == 2 and b"missing.txt: cannot read" in missing.stderr
    assert run_cli("no-such-command").returncode == 2  # a word is still a command name


def test_gz_input_is_read_transparently(run_cli, tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(BODY.encode()))
    assert run_cli("clean", "a.txt.gz").stdout.decode() == CLEANED
    proc = run_cli("clean", "a.txt.gz", "-o", "out")
    assert proc.returncode == 0, proc.stderr
    assert os.listdir(tmp_path / "out") == ["a.txt"]
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == CLEANED
    (tmp_path / "bad.txt.gz").write_bytes(b"\x1f\x8b not really gzip")
    proc = run_cli("clean", "bad.txt.gz")
    assert proc.returncode == 2 and b"bad.txt.gz: not valid gzip data" in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_gz_jsonl_in_batch(run_cli, tmp_path):
    (tmp_path / "in.jsonl.gz").write_bytes(gzip.compress(b'{"text": "Body text here.\\n\\nLeave a Reply\\n"}\n'))
    proc = run_cli("batch", "in.jsonl.gz", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b'{"text": "Body text here.\\n"}\n'
    (tmp_path / "bad.jsonl.gz").write_bytes(b"\x1f\x8b not really gzip")
    proc = run_cli("batch", "bad.jsonl.gz")
    assert proc.returncode == 2 and b"bad.jsonl.gz: not valid gzip data" in proc.stderr
    assert b"Traceback" not in proc.stderr
