"""`cleaner batch`: an unwritable output, the limit options in both places, --on-excess fail (issue 15)."""

import json

import pytest

BODY = "Body text here.\n\nLeave a Reply\n"
ALL_FURNITURE = "Leave a Reply\n\n" * 8  # every character is removed: over any --max-removed
# (24 words: the guard judges documents of 20 words or more)


def jsonl(*records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def test_output_in_a_missing_folder_is_one_line_exit_2(run_cli, tmp_path):
    proc = run_cli("batch", "-", "-o", tmp_path / "missing" / "out.jsonl", input=jsonl({"text": BODY}))
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "missing/out.jsonl" in err and "No such file or directory" in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_limit_options_before_and_after_batch(run_cli, where):
    options = ["--max-removed", "0.5", "--on-excess", "clean", "--timeout", "5"]
    args = [*options, "batch", "-"] if where == "before" else ["batch", "-", *options]
    proc = run_cli(*args, "--with-removals", input=jsonl({"text": "Body.\n\n" + ALL_FURNITURE}))
    assert proc.returncode == 0, proc.stderr
    (record,) = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert record["guard"] == "cleaned-anyway"  # --max-removed 0.5 and --on-excess clean both applied


def test_on_excess_fail_stops_with_status_3(run_cli, tmp_path):
    (tmp_path / "out.jsonl").write_text("previous\n", encoding="utf-8")
    proc = run_cli("batch", "-", "-o", "out.jsonl", "--on-excess", "fail",
                   input=jsonl({"text": BODY}, {"text": ALL_FURNITURE}))
    assert proc.returncode == 3, proc.stderr
    err = proc.stderr.decode()
    assert "line 2:" in err and "would remove 100%" in err and "Traceback" not in err
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == "previous\n"


def test_on_excess_fail_with_skip_writes_the_rest_and_exits_3(run_cli):
    proc = run_cli("batch", "-", "--on-excess", "fail", "--on-error", "skip",
                   input=jsonl({"text": ALL_FURNITURE}, {"text": BODY}))
    assert proc.returncode == 3, proc.stderr
    assert [json.loads(line) for line in proc.stdout.decode().splitlines()] == [{"text": "Body text here.\n"}]
    assert "line 1:" in proc.stderr.decode()
