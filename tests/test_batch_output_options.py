"""`cleaner batch`: an OUT named .gz is gzipped, and --top bounds the summary's list of rules (issue 30, item 8)."""

import gzip
import json
import re

FURNITURE = ["Leave a Reply", "Share this article", "Advertisement", "Read more", "Sign up for our newsletter"]


def test_output_named_gz_is_gzipped(run_cli, tmp_path):
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": "Body.\n\nLeave a Reply\n"}) + "\n", encoding="utf-8")
    proc = run_cli("batch", "in.jsonl", "-o", "out.jsonl.gz", "-q")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(gzip.decompress((tmp_path / "out.jsonl.gz").read_bytes())) == {"text": "Body.\n"}


RANKED = re.compile(r"^ +\d+  \S+$")  # a summary line "         3  rule-id"


def test_top_bounds_the_rules_in_the_summary(run_cli):
    lines = "".join(json.dumps({"text": f"Body of the story.\n\n{line}\n"}) + "\n" for line in FURNITURE)
    everything = run_cli("batch", "-", input=lines).stderr.decode().splitlines()
    ranked = [line for line in everything if RANKED.match(line)]
    assert len(ranked) >= 3 and not any("rule(s) more" in line for line in everything)
    top = run_cli("batch", "-", "--top", "2", input=lines).stderr.decode().splitlines()
    assert [line for line in top if RANKED.match(line)] == ranked[:2]
    assert top[-1].strip() == f"... {len(ranked) - 2} rule(s) more (--top)"


def test_gzipped_stdin_is_read_in_both_modes(run_cli):
    """docs/cli.md: gzip data on stdin is decompressed for `batch -` as for `clean` (was 'invalid UTF-8')."""
    data = gzip.compress((json.dumps({"text": "Body.\n\nLeave a Reply\n", "url": "https://a.example/1"}) + "\n").encode())
    for mode in ([], ["--no-learn-sites"]):
        proc = run_cli("batch", "-", "-q", *mode, input=data)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout) == {"text": "Body.\n", "url": "https://a.example/1"}
    broken = run_cli("batch", "-", "--no-learn-sites", input=b"\x1f\x8b\x08\x00" + bytes(200))
    assert broken.returncode == 2 and b"<stdin>: not valid gzip data" in broken.stderr, broken.stderr
    assert b"Traceback" not in broken.stderr
