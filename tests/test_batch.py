"""`cleaner batch`, run as a real subprocess."""

import json
import os
import stat

import pytest

from cleaner import Cleaner

BODY = "Body text here.\n\nLeave a Reply\n"
CLEANED = "Body text here.\n"


def jsonl(*records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def records(data: bytes | str) -> list[dict]:
    return [json.loads(line) for line in (data.decode() if isinstance(data, bytes) else data).splitlines()]


def test_cleans_text_and_passes_other_fields_through(run_cli, tmp_path):
    record = {"id": 7, "url": "https://example.com/a", "meta": {"tags": ["x", "é"], "n": None}, "text": BODY}
    (tmp_path / "in.jsonl").write_text(jsonl(record), encoding="utf-8")
    proc = run_cli("batch", "in.jsonl", "-o", "out.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert records((tmp_path / "out.jsonl").read_text(encoding="utf-8")) == [record | {"text": CLEANED}]


def test_output_field_keeps_the_original(run_cli):
    proc = run_cli("batch", "-", "--text-field", "body", "--output-field", "clean", input=jsonl({"body": BODY}))
    assert records(proc.stdout) == [{"body": BODY, "clean": CLEANED}]


def test_with_removals_adds_removals_and_counts(run_cli):
    proc = run_cli("batch", "-", "--with-removals", input=jsonl({"text": BODY}))
    (out,) = records(proc.stdout)
    assert out["counts"] == {"comments-leave-reply": 1}
    assert out["removals"] == [{"rule": "comments-leave-reply", "category": "comments", "line": 3,
                                "text": "Leave a Reply", "whole_line": True}]


def test_order_preserved_with_two_jobs(run_cli, tmp_path):
    # uneven record sizes and one record per task, so workers finish out of order
    texts = [f"Paragraph {i}.\n\nLeave a Reply\n" + "Some more words in a sentence.\n" * (i % 7 * 300)
             for i in range(60)]
    (tmp_path / "in.jsonl").write_text(jsonl(*({"id": i, "text": t} for i, t in enumerate(texts))), encoding="utf-8")
    proc = run_cli("batch", "in.jsonl", "-o", "out.jsonl", "--jobs", "2", "--chunk-records", "1")
    assert proc.returncode == 0, proc.stderr
    out = records((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert [r["id"] for r in out] == list(range(60))
    cleaner = Cleaner()
    assert [r["text"] for r in out] == [cleaner.clean(t).text for t in texts]


def test_stdin_to_stdout_with_summary_on_stderr(run_cli):
    proc = run_cli("batch", "-", input=jsonl({"text": BODY}, {"text": "Plain."}))
    assert proc.returncode == 0
    assert records(proc.stdout) == [{"text": CLEANED}, {"text": "Plain.\n"}]
    err = proc.stderr.decode()
    assert "2 record(s)" in err and "comments-leave-reply" in err
    assert "\r" not in err  # no progress bar when stderr is not a terminal


def test_quiet_prints_nothing_on_success(run_cli):
    proc = run_cli("batch", "-", "-q", input=jsonl({"text": BODY}))
    assert proc.returncode == 0 and proc.stderr == b""


BAD = jsonl({"id": 1, "text": BODY}, "{not json", {"id": 3}, "", {"id": 5, "text": 12}, {"id": 6, "text": "Fine."})


def test_skip_reports_line_numbers_and_counts(run_cli):
    proc = run_cli("batch", "-", "--on-error", "skip", input=BAD)
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in records(proc.stdout)] == [1, 6]
    err = proc.stderr.decode()
    assert "line 2: invalid JSON" in err
    assert "line 3: field 'text' is missing" in err
    assert "line 5: field 'text' is a number, not a string" in err  # the blank line 4 still counts
    assert "3 skipped with errors" in err


def test_fail_is_the_default_and_leaves_no_output_file(run_cli, tmp_path):
    (tmp_path / "in.jsonl").write_text(BAD, encoding="utf-8")
    (tmp_path / "out.jsonl").write_text("previous run\n", encoding="utf-8")
    proc = run_cli("batch", "in.jsonl", "-o", "out.jsonl")
    assert proc.returncode == 2
    assert "line 2: invalid JSON" in proc.stderr.decode()
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]  # no temp file left


def test_fail_on_stdout_says_output_is_incomplete(run_cli):
    proc = run_cli("batch", "-", "--jobs", "2", "--no-learn-sites", input=BAD)  # streaming: what precedes is out
    assert proc.returncode == 2
    assert records(proc.stdout) == [{"id": 1, "text": CLEANED}]
    assert "line 2" in proc.stderr.decode() and "incomplete" in proc.stderr.decode()


def test_invalid_utf8_is_a_record_error(run_cli):
    proc = run_cli("batch", "-", "--on-error", "skip", input=b'{"text": "caf\xe9"}\n{"text": "ok"}\n')
    assert records(proc.stdout) == [{"text": "ok\n"}]
    assert "line 1: invalid UTF-8" in proc.stderr.decode()


def test_empty_input_gives_empty_output(run_cli):
    proc = run_cli("batch", "-", input="")
    assert proc.returncode == 0 and proc.stdout == b""


@pytest.mark.parametrize("args", [["missing.jsonl"], ["-", "--select", "no-such-rule"], ["-", "--jobs", "0"]])
def test_usage_and_config_errors_exit_2(run_cli, args):
    proc = run_cli("batch", *args, input="")
    assert proc.returncode == 2
    assert proc.stdout == b""


def test_group_options_apply(run_cli):
    proc = run_cli("--ignore", "comments", "batch", "-", input=jsonl({"text": BODY}))
    assert records(proc.stdout) == [{"text": BODY}]


def test_html_field_cleans_html_records(run_cli):
    html = "<html><body><article><p>" + "An article sentence with words. " * 20 + "</p></article></body></html>"
    proc = run_cli("batch", "-", "--html-field", "html", input=jsonl({"html": html}, {"text": BODY}))
    assert proc.returncode == 0, proc.stderr
    first, second = records(proc.stdout)
    assert "An article sentence with words." in first["text"] and first["html"] == html
    assert second == {"text": CLEANED}


def test_output_to_a_pipe_is_written_in_place(run_cli, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO opens at once for reading
    try:
        proc = run_cli("batch", "-", "-o", "fifo", input=jsonl({"text": BODY}))
        data = os.read(reader, 65536)
    finally:
        os.close(reader)
    assert proc.returncode == 0, proc.stderr
    assert records(data) == [{"text": CLEANED}]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_killed_worker_stops_the_run_with_a_message(tmp_path):
    """A worker killed mid-run (as the OOM killer would): status 2 and a message, no hang, no output file."""
    import signal
    import subprocess
    import sys
    import threading
    import time

    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "batch", "-", "-o", "out.jsonl", "--jobs", "2",
                             "--isolated", "--no-learn-sites"],  # (endless stdin: it cannot be spooled to learn)
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)

    def feed():  # records until the run ends, so it cannot finish before the kill
        line = jsonl({"text": "A sentence of the article that goes on for a while. " * 40}).encode()
        try:
            while proc.poll() is None:
                proc.stdin.write(line * 50)
        except (BrokenPipeError, ValueError):
            pass

    threading.Thread(target=feed, daemon=True).start()
    children: list[str] = []
    deadline = time.monotonic() + 60
    while len(children) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        children = open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split()
    assert len(children) >= 2, "the workers did not start"
    os.kill(int(children[0]), signal.SIGKILL)
    assert proc.wait(timeout=60) == 2
    stderr = proc.stderr.read().decode()
    assert "a worker process died" in stderr and "out.jsonl not written" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "out.jsonl").exists()
