"""`cleaner batch -o` never replaces its own input by surprise (issue 30)."""

import json
import os
import subprocess
import sys

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


def test_output_over_the_file_on_stdin_is_refused(tmp_path):
    """`cleaner batch - -o in.jsonl < in.jsonl` replaced the input as silently as `in.jsonl -o in.jsonl` did."""
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": BODY}) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    for mode in ([], ["--no-learn-sites"]):
        with open(source, "rb") as stdin:
            proc = subprocess.run([sys.executable, "-m", "cleaner", "batch", "-", "-o", "in.jsonl", *mode],
                                  stdin=stdin, capture_output=True, cwd=tmp_path, env=env)
        err = proc.stderr.decode()
        assert proc.returncode == 2 and err.count("\n") == 1 and "--overwrite" in err and "stdin" in err, err
        assert json.loads(source.read_text(encoding="utf-8")) == {"text": BODY}
