"""Batch's pass two applies the learned rules by their lines' keys (learn.LearnedLines): the same lines go
as with a Cleaner of those rules, because a line matches a learned pattern exactly when line_key gives
it the pattern's key. And exact counts kept by key (not by hash) save and merge as hashed ones do."""

import random
import tomllib

import pytest

from cleaner import Cleaner
from cleaner.engine.fast.regexes import check
from cleaner.engine.loader import build_rule
from cleaner.learn import (LearnedLines, Learner, Sketch, key_hash, key_pattern, line_key, pack_toml, pattern_key,
                           rule_table)

from test_learn import SITE, golden_sentences, synthetic_site

# Characters where Python's str methods and the regex module could part: digits of scripts newer than
# Python's Unicode (Kawi, Nag Mundari), other digits, whitespace of all kinds, separators line_key refuses.
DIGITS = ["0", "7", "\u0663", "\u096a", "\U00011f50", "\U0001e4f3", "\uff15"]
SPACES = [" ", "  ", "\t", "\xa0", "\u2003", "\u3000", "\x0b", "\x0c", "\x85", "\u2028", "\x1c", "\x1f"]
WORDS = ["Comments", "Page", "of", "ab", "Share", "(", ")", "©", "x²", "Ölü", "$", "\\d+", "a.b"]


def joined(words: list[str], gaps: list[str]) -> str:
    return "".join(word + gap for word, gap in zip(words, gaps + [""] * len(words)))


def test_a_line_matches_a_learned_pattern_exactly_when_its_key_is_the_patterns():
    """Both ways, for lines of odd digits and spaces, the same words or others: the premise of LearnedLines."""
    rng = random.Random(5)
    seen = {True: 0, False: 0}
    for _ in range(4000):
        words = [rng.choice(WORDS + DIGITS) for _ in range(rng.randint(1, 5))]
        key = line_key(joined(words, [rng.choice(SPACES) for _ in words]).strip())
        if rng.random() < 0.7:  # the same words, other digits and spaces
            words = [rng.choice(DIGITS) if w in DIGITS else w for w in words]
        else:
            words = [rng.choice(WORDS + DIGITS) for _ in range(rng.randint(1, 5))]
        line = joined(words, [rng.choice(SPACES + ["", "9" * 300]) for _ in words]).strip()
        if key is None or not line:
            continue
        matches = check(key_pattern(key)).match(line) is not None and len(line) <= 500
        assert matches == (line_key(line) == key), (line, key)
        seen[matches] += 1
    assert seen[True] > 500 and seen[False] > 500


def test_digit_runs_are_the_patterns_digit_runs():
    """A digit the regex module knows and Python's re does not (Kawi, Unicode 14+) is a digit run in a key,
    as the pattern's \\d+ matches it."""
    kawi = "Page \U00011f51 of 3"
    assert line_key(kawi) == "Page \0 of \0"
    assert check(key_pattern(line_key("Page 2 of 3"))).match(kawi)


@pytest.mark.parametrize("line", ["Comments (12)", "Share this", "a.b*c \\s+ x", "ab 12", "Page 3 of 7", "\\",
                                  "x \\d+ y", "$ 5 dollars here", "Ölü \u0663\u0664 yıl", "tab\there 5 pages"])
def test_pattern_key_undoes_key_pattern(line):
    key = line_key(line)
    assert pattern_key(key_pattern(key)) == key


@pytest.mark.parametrize("pattern", ["^a.b$", "^a\\s+$", "^\\s+a$", "foo", "^Page\\s+3$", "^ab\\s+\\d+$",
                                     "^Share\\s+this", "^(?i)share$", "^a\\d+\\d+b$"])
def test_pattern_key_refuses_what_no_key_gives(pattern):
    """A pattern no key has (so a rule LearnedLines cannot look up by key)."""
    assert pattern_key(pattern) is None


def learned(pages: list[str], **options) -> tuple[list, Cleaner, LearnedLines]:
    learner = Learner(**options)
    for text in pages:
        learner.add(SITE, text)
    rules = [build_rule("pack.toml", table, number)
             for number, table in enumerate(__import__("tomllib").loads(pack_toml(learner.rules(), "t"))["rule"], 1)]
    fast = LearnedLines.of(rules, 1.0)
    assert fast is not None and len(rules) > 5
    return rules, Cleaner.from_rules(rules, timeout=1.0, max_removed=None), fast


def variants(text: str, rng: random.Random) -> str:
    """The page with its whitespace and digits varied, lines glued into prose and long lines added: what
    the rules must treat alike (or not) both ways."""
    out = []
    for line in text.splitlines():
        roll = rng.random()
        if roll < 0.15:
            line = line.replace(" ", rng.choice(SPACES[:9]))
        elif roll < 0.3:
            line = "".join(rng.choice(DIGITS) if c.isdigit() else c for c in line)
        elif roll < 0.35:
            line = line + " " + "9" * 600  # over max_chars
        elif roll < 0.4:
            line = rng.choice(SPACES[:6]) + line + rng.choice(SPACES[:6])
        out.append(line)
        if rng.random() < 0.05:
            out.append(rng.choice(["", "Comments (\U00011f52)", "Updated \u0663 hours ago", "Advertisement\x1c"]))
    return "\n".join(out) + "\n"


def test_learned_lines_remove_what_a_cleaner_of_the_rules_removes():
    shipped = Cleaner()
    pages = [shipped.clean(text).text for text, _, _ in synthetic_site(seed=5)[:60]]
    rng = random.Random(11)
    sentences = golden_sentences()
    for min_pages, min_share in ((3, 0.05), (2, 0.0)):
        removed = 0
        rules, slow, fast = learned(pages, min_pages=min_pages, min_share=min_share)
        for number, page in enumerate(pages):
            text = variants(page, rng)
            if number % 4 == 0:  # template lines between the article's prose lines (outside_body decides)
                lines = text.splitlines()
                text = "\n".join([sentences[number], *lines[:3], sentences[number + 1], *lines[3:]]) + "\n"
            want, got = slow.clean(text, site=SITE), fast.clean(text, site=f"www.{SITE}")
            assert (got.text, got.removals, got.warnings) == (want.text, want.removals, want.warnings)
            removed += len(got.removals)
        assert removed > 5 * len(pages) and fast.clean(pages[0], site="other.org").removals == []


def test_rules_that_are_not_learned_ones_are_left_to_a_cleaner():
    rule = build_rule("t.toml", {"id": "c", "kind": "drop_line", "category": "site-template", "description": "d",
                                 "pattern": "^Comments", "max_chars": 500, "sites": ["a.com"]})
    assert LearnedLines.of([rule], 1.0) is None
    unscoped = build_rule("t.toml", {"id": "c", "kind": "drop_line", "category": "site-template", "description": "d",
                                     "pattern": key_pattern("Comments"), "max_chars": 500})
    assert LearnedLines.of([unscoped], 1.0) is None


def test_exact_counts_by_key_save_and_merge_as_counts_by_hash():
    keys = [f"line {n}" for n in range(30)]
    plain = Sketch()
    for number, key in enumerate(keys):
        plain.add(key, number + 1)
    assert not plain.hashed and plain.count("line 4") == 5
    state = plain.state()
    assert sorted(state["exact"]) == sorted([key_hash(k), n + 1] for n, k in enumerate(keys))
    loaded = Sketch.load(state)
    assert loaded.hashed and all(loaded.count(k) == plain.count(k) for k in keys)
    loaded.merge(plain)
    plain.merge(Sketch.load(state))
    assert plain.hashed and all(plain.count(k) == loaded.count(k) == 2 * (n + 1) for n, k in enumerate(keys))
    small = Sketch(exact_keys=10)
    for key in keys:
        small.add(key)
    assert small.exact is None and all(small.count(k) >= 1 for k in keys)


def test_a_rules_table_is_what_its_toml_reads_back_as(tmp_path):
    """Batch hands the loader the pack's tables (learn.rule_table) instead of having it parse the file."""
    shipped = Cleaner()
    learner = Learner(min_pages=2, min_share=0.0)
    for text, _, _ in synthetic_site(seed=8)[:30]:
        learner.add(SITE, shipped.clean(text).text)
    for number in range(3):
        learner.add("q.org", f"It's \"quoted\" \\ back\tslash\nÖlü\x7f ☃\nStory {number}: its own line.\n")
    rules = learner.rules()
    assert len(rules) > 10 and any(not r.anywhere for r in rules) and any(r.site == "q.org" for r in rules)
    assert tomllib.loads(pack_toml(rules, "t")) == {"rule": [rule_table(rule) for rule in rules]}
