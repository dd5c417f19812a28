"""`cleaner batch -o` never replaces its own input by surprise (issue 30)."""

import json
import os

BODY = "Body text here.\n\nLeave a Reply\n"


def test_output_over_the_input_is_refused(run_cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": BODY}) + "\n", encoding="utf-8")
    proc = run_cli("batch", "in.jsonl", "-o", "in.jsonl")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and "--overwrite" in err and "in.jsonl" in err
    assert json.loads(source.read_text(encoding="utf-8")) == {"text": BODY}


def test_output_through_a_link_to_the_input_is_refused(run_cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": BODY}) + "\n", encoding="utf-8")
    os.symlink(source, tmp_path / "link.jsonl")
    proc = run_cli("batch", "./in.jsonl", "-o", "link.jsonl")
    assert proc.returncode == 2 and "--overwrite" in proc.stderr.decode()
    assert json.loads(source.read_text(encoding="utf-8")) == {"text": BODY}


def test_overwrite_allows_it(run_cli, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": BODY}) + "\n", encoding="utf-8")
    proc = run_cli("batch", "in.jsonl", "-o", "in.jsonl", "--overwrite", "-q")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(source.read_text(encoding="utf-8")) == {"text": "Body text here.\n"}
