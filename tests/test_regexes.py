"""Regexes built from the compiler's kept output (regexes.py) are the same regexes: same
pattern, flags and groups, and the same matches on every line of the golden inputs."""

import marshal
import sys

import pytest
import regex
from regex import _main

from cleaner import Cleaner

from cleaner.engine.fast import cache, regexes
from conftest import GOLDEN

LINES = [line for p in sorted(GOLDEN.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()] + [
    "", " ", "Photo: AP", "PHOTO CREDIT: Getty Images", "Leave a Reply", "caf\u00e9 \u00c9T\u00c9 \u00df \u0130",
    "\u017fhare this", "x" * 5000,
]


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty start-up cache of this process's own, in tmp_path."""
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_cache", None)
    return tmp_path / "cache"


def shipped_patterns() -> list[str]:
    steps = [rule.step for rule in Cleaner(timeout=None).rules]
    found = {getattr(step, name).source for step in steps for name in ("pattern", "follower", "marker")
             if getattr(getattr(step, name, None), "source", None)}
    return sorted(found)


def test_every_shipped_pattern_is_kept_and_rebuilt_the_same(fresh_cache):
    patterns = shipped_patterns()  # a cold cache: every pattern is checked, and its code kept
    assert len(patterns) > 200
    for pattern in patterns:
        kept = cache.get().code(pattern)
        assert kept is not None, pattern
        rebuilt = regexes._from_code(marshal.loads(marshal.dumps(kept)))  # as saved and read back
        normal = regex.compile(regexes.SIMPLE_CASE + pattern, regex.VERSION1)
        assert (rebuilt.pattern, rebuilt.flags, rebuilt.groupindex) == (normal.pattern, normal.flags, normal.groupindex)
        for line in LINES:
            got, want = rebuilt.search(line), normal.search(line)
            assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups())), (pattern, line)


def test_a_kept_pattern_needs_no_compiler(fresh_cache, monkeypatch):
    regexes.check(r"(?i)^leave a (?:reply|comment)\b")

    def no_compiler(*args, **kwargs):
        raise AssertionError("regex's compiler was called")

    monkeypatch.setattr(_main, "_compile", no_compiler)
    assert regexes.load(r"(?i)^leave a (?:reply|comment)\b").match("Leave a Reply")
    with pytest.raises(AssertionError):  # the check can fail: a pattern not kept goes to the compiler
        regexes.load(r"^not kept")


@pytest.mark.parametrize("damage", [
    lambda kept: (*kept[:4], kept[4][:-4], *kept[5:]),   # code cut short (the C part would crash on it)
    lambda kept: (*kept[:4], kept[4][:-160], *kept[5:]),  # ... or loop forever
    lambda kept: (*kept[:4], "not code", *kept[5:]),     # wrong type
    lambda kept: kept[:5],                               # arguments missing (the CRC still holds)
    lambda kept: ("2000.1.1/0/4", *kept[1:]),            # made by another regex
    "not a tuple",
])
def test_a_damaged_entry_falls_back_to_compiling(fresh_cache, damage):
    pattern = r"(?i)^share (?:this|on) (?:facebook|twitter)$"
    regexes.check(pattern)
    cache.get().put_code(pattern, damage(cache.get().code(pattern)) if callable(damage) else damage)
    assert regexes.load(pattern).match("Share on Twitter")
    assert not regexes.load(pattern).match("Share the road")


def test_the_real_compiler_is_put_back(fresh_cache):
    real = _main._regex
    regexes.check(r"^ok$")
    with pytest.raises(regex.error):
        regexes.check(r"^(unclosed")
    assert _main._regex is real


def test_a_regex_laid_out_otherwise_still_compiles(fresh_cache, monkeypatch):
    monkeypatch.delitem(sys.modules, "regex._main")  # (as if a later regex named its parts otherwise)
    assert regexes.check(r"(?i)^photo: \w+$").match("Photo: Reuters")
    assert cache.get().code(r"(?i)^photo: \w+$") is None
