"""`cleaner batch` learns each site's template by default (two passes over IN; stdin spooled first):
the same output as learning with `cleaner learn` and cleaning with the pack, the fault promises kept."""

import json
import os
import signal
import subprocess
import sys
import time

from test_learn import SITE, corpus_jsonl, synthetic_site

PREVIOUS = "the previous run\n"


def lines(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().splitlines()]


def test_default_equals_learn_then_rules_and_the_flag(run_cli, tmp_path):
    """The default path gives what --learn-sites gave: `cleaner learn`'s pack, then a plain batch with it."""
    corpus_jsonl(tmp_path / "corpus.jsonl", synthetic_site()[:40])
    assert run_cli("--isolated", "learn", "corpus.jsonl", "-o", "pack.toml").returncode == 0
    two_steps = run_cli("--isolated", "batch", "corpus.jsonl", "--rules", "pack.toml", "--no-learn-sites", "-q")
    plain = run_cli("--isolated", "batch", "corpus.jsonl", "--no-learn-sites", "-q")
    default = run_cli("--isolated", "batch", "corpus.jsonl")
    flag = run_cli("--isolated", "batch", "corpus.jsonl", "--learn-sites", "-j", "2", "-q")
    assert default.returncode == 0, default.stderr
    assert default.stdout == two_steps.stdout == flag.stdout != plain.stdout
    rules = len(__import__("tomllib").loads((tmp_path / "pack.toml").read_text())["rule"])
    assert f"learned {rules} rule(s) for 1 of 2 site(s) from 41 page(s); 0 record(s) without a site" in \
        default.stderr.decode()


def test_records_without_a_site_are_cleaned_as_before_in_one_pass(run_cli, tmp_path):
    pages = synthetic_site()[:20]
    data = "".join(json.dumps({"id": n, "text": text}) + "\n" for n, (text, _, _) in enumerate(pages))
    default = run_cli("--isolated", "batch", "-", input=data)
    plain = run_cli("--isolated", "batch", "-", "--no-learn-sites", input=data)
    assert default.returncode == 0 and default.stdout == plain.stdout
    assert "learned 0 rule(s) for 0 of 0 site(s) from 0 page(s); 20 record(s) without a site" in default.stderr.decode()


def test_a_bad_record_is_reported_once_and_left_out(run_cli, tmp_path):
    corpus_jsonl(tmp_path / "corpus.jsonl", synthetic_site()[:10])
    with (tmp_path / "corpus.jsonl").open("a") as out:
        out.write('{"url": "https://x.org/", "text": 3}\n')
    for learning in ("--learn-sites", "--no-learn-sites"):
        proc = run_cli("--isolated", "batch", "corpus.jsonl", "--on-error", "skip", "--min-pages", "2", learning)
        assert proc.returncode == 0 and len(lines(proc.stdout)) == 11
        assert proc.stderr.decode().count("line 12: field 'text' is a number, not a string; skipped") == 1


def test_fail_on_stdout_writes_nothing_before_the_bad_record_is_met(run_cli, tmp_path):
    corpus_jsonl(tmp_path / "corpus.jsonl", synthetic_site()[:10])
    data = (tmp_path / "corpus.jsonl").read_bytes() + b"{not json\n"
    proc = run_cli("--isolated", "batch", "-", input=data)
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode().splitlines() == [
        "cleaner: error: line 12: invalid JSON: Expecting property name enclosed in double quotes at column 2; "
        "stopped (output on stdout is incomplete; --on-error skip to go on)"]


def test_save_sites_writes_one_pack_per_site_and_never_over_a_file(run_cli, tmp_path):
    corpus_jsonl(tmp_path / "corpus.jsonl", synthetic_site()[:40])
    done = run_cli("--isolated", "batch", "corpus.jsonl", "-o", "out.jsonl", "--save-sites", "packs")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "packs").iterdir()) == [f"{SITE}.toml"]
    assert run_cli("--isolated", "rules", "test", "--rules", "packs", "--no-builtin").returncode == 0
    again = run_cli("--isolated", "batch", "corpus.jsonl", "--rules", "packs", "--no-learn-sites", "-q")
    assert again.stdout == (tmp_path / "out.jsonl").read_bytes()
    pack = (tmp_path / "packs" / f"{SITE}.toml").read_bytes()
    (tmp_path / "out.jsonl").write_text(PREVIOUS)
    refused = run_cli("--isolated", "batch", "corpus.jsonl", "-o", "out.jsonl", "--save-sites", "packs")
    assert refused.returncode == 2 and refused.stderr.decode().splitlines() == [
        "cleaner: error: --save-sites: packs is not an empty folder; give a new or empty one (nothing was read)"]
    assert (tmp_path / "packs" / f"{SITE}.toml").read_bytes() == pack
    assert (tmp_path / "out.jsonl").read_text() == PREVIOUS
    off = run_cli("--isolated", "batch", "corpus.jsonl", "--save-sites", "new", "--no-learn-sites")
    assert off.returncode == 2 and b"cannot go with --no-learn-sites" in off.stderr


def test_sigterm_in_the_first_pass_leaves_the_output_and_no_temp_files(tmp_path):
    """SIGTERM while learning: OUT as it was, no temp file beside it, the spool's folder removed."""
    line = json.dumps({"url": "https://example.org/a", "text": "A sentence of the article, on and on. " * 40})
    (tmp_path / "in.jsonl").write_text((line + "\n") * 30_000, encoding="utf-8")  # 45 MB: seconds of work
    (tmp_path / "out.jsonl").write_text(PREVIOUS, encoding="utf-8")
    spools = tmp_path / "tmp"
    spools.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "--isolated", "batch", "in.jsonl", "-o", "out.jsonl",
                             "--jobs", "2"], stderr=subprocess.PIPE, cwd=tmp_path, env={**os.environ, "TMPDIR": str(spools)})
    deadline = time.monotonic() + 60
    while not list(spools.glob("cleaner-learned-*/pass-one.jsonl")) or not os.path.getsize(
            next(spools.glob("cleaner-learned-*/pass-one.jsonl"))):
        assert time.monotonic() < deadline and proc.poll() is None, "the first pass did not start"
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == -signal.SIGTERM
    assert proc.stderr.read().decode().splitlines() == ["cleaner: error: terminated; out.jsonl not written"]
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == PREVIOUS
    assert list(spools.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl", "tmp"]
