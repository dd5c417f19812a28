"""Bad input at the command line (issue 6), each run as a real `python -m cleaner` process:
invalid UTF-8, binary data, empty input, unreadable files among good ones, a 50 MB line,
a catastrophically backtracking user rule, and the over-removal guard's flags."""

import json
import resource
import subprocess
import sys

import pytest

from conftest import GOLDEN

ARTICLE = (GOLDEN / "metro-kyiv-getty-captions.expected.txt").read_text(encoding="utf-8")
# At least MIN_GUARDED_WORDS words: a shorter document is too small for the guard to judge.
FURNITURE_ONLY = ("Leave a Reply\n\nShare this article\n\nADVERTISEMENT\n\nSign up for our newsletter\n\n"
                  "Follow us on Instagram\n\nRead the full story at The Independent\n\nAlready a subscriber? Log in\n")


# ---- invalid UTF-8 -----------------------------------------------------------------------------

BAD_UTF8 = "Caf\u00e9 owners met on Monday.\n\nLeave a Reply\n".encode() + b"Second \xff\xfe paragraph.\n"
BAD_OFFSET = BAD_UTF8.index(b"\xff")


def test_invalid_utf8_is_replaced_with_a_warning_naming_the_offset(run_cli):
    proc = run_cli("--isolated", input=BAD_UTF8)
    assert proc.returncode == 0
    assert proc.stdout.decode() == "Caf\u00e9 owners met on Monday.\n\nSecond \ufffd\ufffd paragraph.\n"
    assert proc.stderr.decode() == f"cleaner: warning: <stdin>: invalid UTF-8 at byte {BAD_OFFSET}; replaced\n"


def test_invalid_utf8_is_refused_with_strict(run_cli, tmp_path):
    (tmp_path / "bad.txt").write_bytes(BAD_UTF8)
    for args in (["--strict"], ["clean", "--strict", "bad.txt"]):
        proc = run_cli("--isolated", *args, input=BAD_UTF8)
        assert proc.returncode == 2, args
        assert proc.stdout == b""
        assert f"invalid UTF-8 at byte {BAD_OFFSET} (--strict)".encode() in proc.stderr
        assert b"Traceback" not in proc.stderr


def test_strict_accepts_valid_utf8(run_cli):
    proc = run_cli("--isolated", "--strict", input=ARTICLE)
    assert (proc.returncode, proc.stdout.decode(), proc.stderr) == (0, ARTICLE, b"")


# ---- binary input --------------------------------------------------------------------------------

BINARY = {
    "nul-in-first-kb": b"%PDF-1.7\n" + bytes(range(256)) * 4,
    "nul-late-in-sniff-window": b"a" * 8000 + b"\x00rest",
    "control-bytes": bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 65, 66]) * 100,
    "utf-16": "Plain text saved as UTF-16.\n".encode("utf-16"),
}  # (gzip on stdin is decompressed: tests/test_small_fixes.py)


@pytest.mark.parametrize("name", BINARY)
def test_binary_input_is_refused(run_cli, name):
    proc = run_cli("--isolated", input=BINARY[name])
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert err.startswith("cleaner: error: <stdin>: looks like binary data (") and err.count("\n") == 1, err


def test_text_with_tabs_form_feeds_and_a_late_nul_is_not_binary(run_cli):
    """Only the first 8 KB are judged; tabs, form feeds and CR are text."""
    text = "Col\tumn one.\fPage two.\r\n" + "A long article line. " * 500 + "\x00 late.\n"
    proc = run_cli("--isolated", input=text)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().startswith("Col\tumn one.\fPage two.\n")


# ---- empty input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"\xef\xbb\xbf"], ids=["empty", "blank-lines", "bom-only"])
def test_empty_input_gives_empty_output(run_cli, tmp_path, data):
    proc = run_cli("--isolated", input=data)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    (tmp_path / "empty.txt").write_bytes(data)
    proc = run_cli("--isolated", "clean", "empty.txt", "--format", "json")
    assert proc.returncode == 0
    report = json.loads(proc.stdout)
    assert (report["text"], report["removals"], report["guard"]) == ("", [], None)


# ---- missing and unreadable files among good ones ------------------------------------------------------

def test_bad_files_are_reported_counted_and_the_rest_cleaned(run_cli, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE + "\nLeave a Reply\n", encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()  # a folder with no pages in it
    (tmp_path / "binary.txt").write_bytes(BINARY["nul-in-first-kb"])
    (tmp_path / "c.txt").write_text("Second article.\n\nShare this article\n", encoding="utf-8")
    proc = run_cli("--isolated", "clean", "a.txt", "missing.txt", "folder.txt", "binary.txt", "c.txt", "-o", "out")
    err = proc.stderr.decode().splitlines()
    assert proc.returncode == 2
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == ARTICLE
    assert (tmp_path / "out" / "c.txt").read_text(encoding="utf-8") == "Second article.\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "c.txt"]
    assert err[0] == "cleaner: error: missing.txt: cannot read: No such file or directory"
    assert err[1] == "cleaner: error: folder.txt: a folder with no page files (.txt, .html, .htm, .xhtml, .shtml) in it"
    assert err[2].startswith("cleaner: error: binary.txt: looks like binary data")
    assert err[-1] == "cleaner: error: 3 of 5 file(s) not cleaned"
    assert len(err) == 4


def test_missing_single_file_and_explain(run_cli):
    for args in (["clean", "missing.txt"], ["explain", "missing.txt"]):
        proc = run_cli("--isolated", *args)
        assert proc.returncode == 2, args
        assert b"missing.txt: cannot read" in proc.stderr and b"Traceback" not in proc.stderr


# ---- a 50 MB single line ----------------------------------------------------------------------------

def _clean_file_cpu_seconds(run_cli, tmp_path, name: str, data: bytes) -> float:
    """CPU time of one `cleaner clean` process: unlike wall time, other processes' load does not count."""
    (tmp_path / name).write_bytes(data)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = run_cli("--isolated", "clean", name, "-o", "out")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr[:500]  # no rule timed out or was skipped
    assert (tmp_path / "out" / name).stat().st_size > len(data) * 0.9
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_fifty_megabyte_line_takes_linear_time(run_cli, tmp_path):
    """A 50 MB line of prose takes under 25x the time of a 5 MB line (linear: about 10x,
    plus start-up; quadratic: about 100x). Timed in the same test, so no absolute bound."""
    prose = ARTICLE.replace("\n", " ").encode()
    line = prose * (50_000_000 // len(prose) + 1)
    small = min(_clean_file_cpu_seconds(run_cli, tmp_path, f"small{n}.txt", line[:5_000_000]) for n in range(2))
    large = _clean_file_cpu_seconds(run_cli, tmp_path, "large.txt", line[:50_000_000])
    assert large < 25 * small, f"5 MB: {small:.1f}s, 50 MB: {large:.1f}s (CPU)"


# ---- a user rule that backtracks catastrophically --------------------------------------------------

CATASTROPHIC = """
[[rule]]
id = "defended-by-regex"
kind = "drop_line"
category = "widget"
description = "The classic nested quantifier: the regex module's own guards keep it fast."
pattern = '^(a+)+$'

[[rule]]
id = "runaway"
kind = "drop_line"
category = "widget"
description = "Exponential even for the regex module: a lookahead inside the repeat defeats its guards."
pattern = '^(?:a|(?=a)a)+$'
"""


def test_catastrophic_user_rule_is_skipped_with_a_warning(tmp_path):
    """The runaway rule is skipped for the document, named in a warning, and the shipped rules
    still clean it. The subprocess timeout only guards against a hang."""
    (tmp_path / "mine.toml").write_text(CATASTROPHIC, encoding="utf-8")
    lines = "\n".join(["a" * 50 + "b"] * 40) + "\n"
    text = ARTICLE + "\n" + lines + "\nLeave a Reply\n"
    proc = subprocess.run([sys.executable, "-m", "cleaner", "--isolated", "--rules", "mine.toml",
                           "--timeout", "0.2", "--format", "json"],
                          input=text.encode(), capture_output=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["text"] == ARTICLE + "\n" + lines
    assert len(report["warnings"]) == 1 and "'runaway'" in report["warnings"][0]
    assert proc.stderr.decode() == f"cleaner: warning: <stdin>: {report['warnings'][0]}\n"
    assert report["counts"] == {"comments-leave-reply": 1}


def test_rule_that_exhausts_regex_memory_is_skipped_with_a_warning(tmp_path):
    """'(?R)' recurses without consuming anything: the regex module gives up with MemoryError
    within about a second, before a generous time limit; that must not end the cleaning."""
    from cleaner import Cleaner

    (tmp_path / "mine.toml").write_text("[[rule]]\nid = 'left-recursion'\nkind = 'drop_line'\ncategory = 'widget'\n"
                                        "description = 'd'\npattern = '(?R)'\n", encoding="utf-8")
    result = Cleaner([tmp_path / "mine.toml"], timeout=30).clean("Body text.\n\nLeave a Reply\n")
    assert result.text == "Body text.\n"
    assert len(result.warnings) == 1 and "'left-recursion'" in result.warnings[0]


# ---- the over-removal guard -----------------------------------------------------------------------

def test_guard_keeps_the_original_by_default_and_reports_it(run_cli):
    proc = run_cli("--isolated", "--format", "json", input=FURNITURE_ONLY)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0
    assert report["text"] == FURNITURE_ONLY
    assert report["guard"] == "kept-original" and report["removed_share"] > 0.8
    assert len(report["warnings"]) == 1
    assert proc.stderr.decode() == f"cleaner: warning: <stdin>: {report['warnings'][0]}\n"


def test_guard_clean_anyway(run_cli):
    proc = run_cli("--isolated", "--on-excess", "clean", "--format", "json", input=FURNITURE_ONLY)
    report = json.loads(proc.stdout)
    assert (proc.returncode, report["text"], report["guard"]) == (0, "", "cleaned-anyway")
    assert b"cleaned anyway" in proc.stderr


def test_guard_fail_exits_3_and_writes_nothing_for_that_file(run_cli, tmp_path):
    proc = run_cli("--isolated", "--on-excess", "fail", input=FURNITURE_ONLY)
    assert (proc.returncode, proc.stdout) == (3, b"")
    assert proc.stderr.decode().startswith("cleaner: error: <stdin>: cleaning would remove")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(FURNITURE_ONLY, encoding="utf-8")
    proc = run_cli("--isolated", "clean", "a.txt", "b.txt", "-o", "out", "--on-excess", "fail")
    assert proc.returncode == 3
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt"]
    assert proc.stderr.decode().splitlines()[-1] == "cleaner: error: 1 of 2 file(s) not cleaned"


def test_max_removed_threshold(run_cli):
    text = ARTICLE + "\nLeave a Reply\n"
    report = json.loads(run_cli("--isolated", "--format", "json", input=text).stdout)
    assert report["guard"] is None and report["text"] == ARTICLE and report["warnings"] == []
    assert 0 < report["removed_share"] < 0.05
    strict = json.loads(run_cli("--isolated", "--format", "json", "--max-removed", "0.001", input=text).stdout)
    assert (strict["guard"], strict["text"]) == ("kept-original", text)
    loose = json.loads(run_cli("--isolated", "--format", "json", "--max-removed", "1", input=FURNITURE_ONLY).stdout)
    assert (loose["guard"], loose["text"]) == (None, "")


@pytest.mark.parametrize("args", [["--max-removed", "0"], ["--max-removed", "1.5"], ["--max-removed", "most"],
                                  ["--on-excess", "ignore"], ["--timeout", "0"], ["--timeout", "-1"]])
def test_bad_limit_values_are_usage_errors(run_cli, args):
    proc = run_cli("--isolated", *args, input="Text.\n")
    assert proc.returncode == 2 and proc.stdout == b"" and b"Traceback" not in proc.stderr


def _catastrophic_cleaner(tmp_path):
    from cleaner import Cleaner

    (tmp_path / "mine.toml").write_text(CATASTROPHIC, encoding="utf-8")
    return Cleaner([tmp_path / "mine.toml"], builtin=False, timeout=0.2)


def test_runaway_rule_is_stopped_by_the_alarm_and_the_alarm_is_put_away(tmp_path):
    """In the main thread one SIGALRM timer per document stops the rule; afterwards no timer is
    left running and the program's own SIGALRM disposition is back."""
    import signal

    result = _catastrophic_cleaner(tmp_path).clean("a" * 50 + "b\n")
    assert result.text == "a" * 50 + "b\n"
    assert len(result.warnings) == 1 and "'runaway'" in result.warnings[0]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_runaway_rule_is_stopped_outside_the_main_thread_too(tmp_path):
    """Threads cannot use the alarm: every search then carries the time limit itself."""
    import threading

    cleaner, results = _catastrophic_cleaner(tmp_path), []
    worker = threading.Thread(target=lambda: results.append(cleaner.clean("a" * 50 + "b\n")))
    worker.start()
    worker.join(timeout=60)
    assert results and len(results[0].warnings) == 1 and "'runaway'" in results[0].warnings[0]


def test_a_host_programs_alarm_handler_is_left_alone(tmp_path):
    import signal

    calls = []
    previous = signal.signal(signal.SIGALRM, lambda *_: calls.append(1))
    try:
        result = _catastrophic_cleaner(tmp_path).clean("a" * 50 + "b\n")
        assert len(result.warnings) == 1 and signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert calls == []


def test_a_host_programs_pending_alarm_is_left_running(tmp_path):
    """A program that set alarm() for itself must find its timer still running after cleaning."""
    import signal

    signal.setitimer(signal.ITIMER_REAL, 300)
    try:
        result = _catastrophic_cleaner(tmp_path).clean("a" * 50 + "b\n")
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    assert len(result.warnings) == 1  # stopped by the per-search limit instead
    assert 250 < remaining <= 300
