"""A bad rule file stops with one clear line on stderr, status 2 and nothing on stdout."""

import os
import subprocess
import sys

import pytest

HEAD = "[[rule]]\nid = 'my-rule'\nkind = 'drop_line'\ncategory = 'widget'\ndescription = 'd'\n"

CASES = {
    "invalid-toml": ("[[rule]\nid = 'x'", ["bad.toml", "invalid TOML", "line 1"]),
    "bad-regex": (HEAD + "pattern = 'ab(c'\n", ["bad.toml", "'my-rule'", "position 4", "missing )"]),
    "unknown-kind": (HEAD.replace("drop_line", "drop_everything") + "pattern = 'x'\n",
                     ["'my-rule'", "unknown kind 'drop_everything'"]),
    "unknown-option": (HEAD + "pattern = 'x'\npaterns = 'y'\n", ["'my-rule'", "unknown option", "paterns"]),
    "missing-option": (HEAD, ["'my-rule'", "missing option", "pattern"]),
    "wrong-type": (HEAD + "pattern = 'x'\nmax_words = 'ten'\n", ["'my-rule'", "max_words", "must be int"]),
    "duplicate-id": (HEAD + "pattern = 'x'\n" + HEAD + "pattern = 'y'\n", ["'my-rule'", "duplicate id"]),
    "bad-id": (HEAD.replace("my-rule", "My Rule") + "pattern = 'x'\n", ["bad.toml", "kebab-case"]),
    "missing-category": (HEAD.replace("category = 'widget'\n", "") + "pattern = 'x'\n", ["'my-rule'", "category"]),
    # Patterns that take regex long to compile (20 s and 5 s) are refused before compiling.
    "slow-to-compile": (HEAD + "pattern = '(?:(?:a{1000}){1000}){1000}'\n",
                        ["bad.toml", "'my-rule'", "too large to compile", "1,000,000,000"]),
    "huge-alternation": (HEAD + "pattern = '" + "|".join(f"w{n}x" for n in range(100_000)) + "'\n",
                         ["bad.toml", "'my-rule'", "too large to compile"]),
    "slow-next-line": (HEAD + "pattern = 'x'\nnext_line = 'a{1000}(?:b{1000}){1000}'\n",
                       ["'my-rule'", "'next_line'", "too large to compile"]),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_rule_file(run_cli, tmp_path, name):
    content, needles = CASES[name]
    (tmp_path / "bad.toml").write_text(content, encoding="utf-8")
    proc = run_cli("--rules", "bad.toml", input="Some text.\n")
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


def test_missing_rule_path(run_cli):
    proc = run_cli("--rules", "nowhere.toml", input="x\n")
    assert proc.returncode == 2
    assert b"nowhere.toml" in proc.stderr and b"no such rule file" in proc.stderr


def test_every_kind_takes_keyword_only_options():
    """The loader reads a kind's options off its keyword-only parameters; a positional one would go unchecked."""
    from cleaner.engine.kinds import KINDS
    from cleaner.engine.loader import _schema

    for name, factory in KINDS.items():
        assert factory.__code__.co_argcount == 0, name
        hints, required = _schema(name)
        assert set(required) <= set(hints) and hints, name


HANG_GUARD = 60  # seconds: only a hang gets near this


def _run(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.run([sys.executable, "-m", "cleaner", *map(str, args)], input=b"Some text.\n",
                          capture_output=True, cwd=tmp_path, env=env, timeout=HANG_GUARD)


def _one_clear_line(proc, *needles):
    err = proc.stderr.decode()
    assert (proc.returncode, proc.stdout) == (2, b""), err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.mark.parametrize("given", ["folder", "file"])
def test_a_fifo_rule_file_is_refused_not_waited_on(tmp_path, given):
    (tmp_path / "rules").mkdir()
    os.mkfifo(tmp_path / "rules" / "pipe.toml")
    target = "rules" if given == "folder" else "rules/pipe.toml"
    _one_clear_line(_run(tmp_path, "--rules", target), "pipe.toml", "not a regular file")


def test_a_device_behind_a_rule_file_is_refused(tmp_path):
    """A symlink to /dev/zero in a rules folder once read until MemoryError."""
    (tmp_path / "rules").mkdir()
    os.symlink("/dev/zero", tmp_path / "rules" / "zero.toml")
    _one_clear_line(_run(tmp_path, "--rules", "rules"), "zero.toml", "not a regular file")


def test_a_huge_rule_file_is_refused_before_it_is_read(tmp_path):
    from cleaner.engine.loader import MAX_RULE_FILE

    with open(tmp_path / "huge.toml", "wb") as file:  # (sparse: 100 MB that take no disk)
        file.truncate(100_000_000)
    _one_clear_line(_run(tmp_path, "--rules", "huge.toml"), "huge.toml", "100,000,000 bytes",
                    f"limit {MAX_RULE_FILE:,}")


def test_shipped_patterns_are_far_from_the_size_limit():
    from cleaner import Cleaner
    from cleaner.engine.fast.regexes import MAX_SIZE, expanded_size

    steps = [rule.step for rule in Cleaner(timeout=None).rules]
    sources = [p.source for s in steps for name in ("pattern", "follower") if (p := getattr(s, name, None))]
    assert sources and max(map(expanded_size, sources)) < MAX_SIZE / 10


@pytest.mark.parametrize(("pattern", "size"), [
    ("abc", 3), ("a{3}", 3), ("(?:ab){10}", 20), ("(?:(?:a{10}){10}){10}", 1000), ("a{2,5}b{7,}", 12),
    (r"\{3}[a{9}]{4}\p{L}{2}", 3 + 4 + 2), ("x{,4}", 4), ("a{b}", 4), ("[]{]{5}(", 5),
])
def test_expanded_size(pattern, size):
    from cleaner.engine.fast.regexes import expanded_size

    assert expanded_size(pattern) == size


@pytest.mark.parametrize("hostile", ["slow-pattern", "fifo"])
def test_hostile_rule_file_in_batch_with_two_jobs(tmp_path, hostile):
    (tmp_path / "rules").mkdir()
    if hostile == "fifo":
        os.mkfifo(tmp_path / "rules" / "bad.toml")
    else:
        (tmp_path / "rules" / "bad.toml").write_text(CASES["slow-to-compile"][0], encoding="utf-8")
    (tmp_path / "in.jsonl").write_text('{"id": 1, "text": "Some text."}\n', encoding="utf-8")
    proc = _run(tmp_path, "--rules", "rules", "batch", "in.jsonl", "-o", "out.jsonl", "--jobs", "2")
    _one_clear_line(proc, "bad.toml", "not a regular file" if hostile == "fifo" else "too large to compile")
    assert not (tmp_path / "out.jsonl").exists()
