"""`cleaner batch` learns each site's template by default (two passes over IN; stdin spooled first):
the same output as learning with `cleaner learn` and cleaning with the pack, the fault promises kept."""

import json
import os
import re
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


def said(proc) -> list[str]:
    """The warnings and the summary on stderr, but its timing and learning lines."""
    return [line for line in proc.stderr.decode().splitlines() if not line.startswith(("cleaner batch:", "learned "))]


def mixed_corpus(path):
    """40 pages of the site, then records each taking another way through pass two: a page of the site that
    only the learned rules push over max_removed, one behind a byte-order mark, a page of a site without
    learned rules, one without a URL, a bad record."""
    pages = synthetic_site()[:40]
    corpus_jsonl(path, pages)
    text, article, furniture = synthetic_site(seed=5)[0]
    template_only = "\n".join(furniture + article[:1]) + "\n"
    with path.open("a", encoding="utf-8") as out:
        for record in ({"url": f"https://{SITE}/template", "text": template_only},
                       {"url": f"https://{SITE}/bom", "text": "\ufeff" + pages[3][0]},
                       {"id": "no url", "text": pages[4][0]},
                       {"url": f"https://{SITE}/x", "text": 3},
                       {"url": f"https://{SITE}/last", "text": pages[5][0], "lang": "en"}):
            out.write(json.dumps(record) + "\n")


def test_every_way_through_pass_two_gives_what_cleaning_again_gives(run_cli, tmp_path):
    """Pass two keeps pass one's line, resumes from it, or cleans again: the output and the removals counted
    per rule are those of `cleaner learn` then a plain batch with the pack, whatever the options."""
    mixed_corpus(tmp_path / "corpus.jsonl")
    good = [line for line in (tmp_path / "corpus.jsonl").read_text().splitlines(True) if '"text": 3' not in line]
    (tmp_path / "good.jsonl").write_text("".join(good))  # what pass one learns from: the bad record is skipped
    assert run_cli("--isolated", "learn", "good.jsonl", "-o", "pack.toml").returncode == 0
    for options in ([], ["--with-removals"], ["--output-field", "clean", "-j", "2"], ["--on-excess", "clean"],
                    ["--max-removed", "0.3"], ["--ignore", "site-template"], ["--on-excess", "fail"]):
        common = ["--isolated", "batch", "corpus.jsonl", "--on-error", "skip", *options]
        two_steps = run_cli(*common, "--rules", "pack.toml", "--no-learn-sites")
        default = run_cli(*common)
        assert default.returncode == two_steps.returncode == (3 if "fail" in options else 0), default.stderr
        assert default.stdout == two_steps.stdout, options
        assert said(default) == said(two_steps), options
    records = lines(run_cli("--isolated", "batch", "corpus.jsonl", "--on-error", "skip", "--with-removals").stdout)
    assert [r.get("guard") for r in records if r.get("url") == f"https://{SITE}/template"] == ["kept-original"]
    assert any(r["rule"].startswith("example-news-com-") for r in records[-1]["removals"])


def test_pass_two_cleans_again_from_where_the_input_no_longer_matches_pass_one():
    """Input changed between the passes (a record's line number or size is not the one pass one saw): that
    record and every later one are cleaned again from the input, never given another record's state."""
    from io import BytesIO

    from cleaner.batch import Planner

    state = b'[%d, %d, "a.org", true, 0, 10, {}, false]\n'
    states = BytesIO(state % (1, 5) + state % (2, 5) + state % (3, 5))
    planner = Planner(states, BytesIO(b'{"text": "1"}\n{"text": "2"}\n{"text": "3"}\n'), frozenset(["a.org"]), True)
    first, changed, after = planner.plan(1, b"x" * 5), planner.plan(2, b"y" * 6), planner.plan(3, b"z" * 5)
    assert first[2] == b'{"text": "1"}\n' and first[3] is not None
    assert changed == (2, b"y" * 6, None, None) and after == (3, b"z" * 5, None, None)
    assert Planner(BytesIO(b""), BytesIO(b""), frozenset(), True).plan(1, b"{}") == (1, b"{}", None, None)


def test_a_learned_pack_over_the_rule_file_limit_stops_the_run_as_any_rule_file_does(tmp_path):
    """Batch hands the loader its pack's tables instead of the file to parse, and keeps the loader's size limit
    (lowered here, in a real process, so that a small pack passes it)."""
    corpus_jsonl(tmp_path / "corpus.jsonl", synthetic_site()[:40])
    code = ("import sys, cleaner, cleaner.engine.loader as loader; cleaner.Cleaner(); loader.MAX_RULE_FILE = 2000; "
            "from cleaner.cli import main; "
            "sys.argv = ['cleaner', '--isolated', 'batch', 'corpus.jsonl', '-o', 'out.jsonl']; main()")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True)
    assert proc.returncode == 2 and not (tmp_path / "out.jsonl").exists()
    assert re.search(r"learned/example-news\.com\.toml: rule file is [\d,]+ bytes \(limit 2,000\)$",
                     proc.stderr.decode().strip())


def test_a_crawl_whose_packs_together_pass_the_rule_file_limit_is_cleaned(run_cli, tmp_path):
    """Batch keeps one pack per site, so the rule-file limit (lowered here, in a real process) bounds a site's
    rules, not the crawl's: two sites of about 19 KB each pass a limit of 25,000 bytes. (A crawl of a few
    hundred sites made a single pack of 24 MB, and the run stopped.)"""
    with (tmp_path / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for seed, host in ((19, f"www.{SITE}"), (23, "news.second-site.org")):
            for number, (text, _, _) in enumerate(synthetic_site(seed)[:40]):
                out.write(json.dumps({"url": f"https://{host}/story/{number}", "text": text}) + "\n")
    code = ("import sys, cleaner, cleaner.engine.loader as loader; cleaner.Cleaner(); loader.MAX_RULE_FILE = 25_000; "
            "from cleaner.cli import main; "
            "sys.argv = ['cleaner', '--isolated', 'batch', 'corpus.jsonl', '-o', 'limited.jsonl']; main()")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert "for 2 of 2 site(s)" in proc.stderr.decode()
    assert run_cli("--isolated", "batch", "corpus.jsonl", "-o", "plain.jsonl").returncode == 0
    assert (tmp_path / "limited.jsonl").read_bytes() == (tmp_path / "plain.jsonl").read_bytes()
