"""`cleaner batch` never writes a lone surrogate (issue 30, item 5): a record holding one is malformed."""

import json

BODY = "Body text here.\n\nLeave a Reply\n"


def test_a_lone_surrogate_stops_the_run_naming_the_line_and_field(run_cli):
    lines = json.dumps({"text": BODY}) + "\n" + '{"text": "Body \\ud800 here."}\n'
    proc = run_cli("batch", "-", input=lines)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "line 2: field 'text': lone surrogate" in err and "Traceback" not in err


def test_with_skip_the_record_is_left_out_and_every_line_is_strict_utf8(run_cli):
    lines = (json.dumps({"text": BODY}) + "\n" + '{"text": "Fine.", "meta": {"title": "x\\udc80"}}\n'
             + json.dumps({"text": "Plain é."}) + "\n")
    proc = run_cli("batch", "-", "--on-error", "skip", input=lines)
    assert proc.returncode == 0, proc.stderr
    assert "line 2: field 'meta.title': lone surrogate" in proc.stderr.decode()
    out = proc.stdout.decode("utf-8", errors="strict")
    assert "\\ud" not in out and "\\udc" not in out
    assert [json.loads(line)["text"] for line in out.splitlines()] == ["Body text here.\n", "Plain é.\n"]
