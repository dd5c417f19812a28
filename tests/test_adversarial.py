"""Screen every shipped rule for super-linear time on adversarial lines (issue 6).

Each rule runs alone, with no time limit, on long lines built from a short unit (a run of
one character, two alternating characters, prose), with and without the first line of the
rule's own example in front, and ended so that anchored patterns fail only at the very end.
The time on 100k lines must stay within 30x the time on 10k lines: linear would be 10x,
quadratic 100x. Ratios are taken within one test, so the check does not depend on the
machine's speed, and on CPU time, so other processes' load does not disturb it."""

import time

import pytest

from cleaner import Cleaner

from conftest import GOLDEN

RULES = [r for r in Cleaner().rules if hasattr(r.step, "apply")]  # text rules (HTML element rules work on trees)
PROSE = (GOLDEN / "metro-kyiv-getty-captions.expected.txt").read_text(encoding="utf-8").replace("\n", " ")
UNITS = [
    " ", "a", ".", "(", "1",  # runs of one character
    "ab", "a ", "1 ", ". ", "Aa ", "( ", ", ",  # alternations: the regex module backtracks worst on these
    PROSE[:300],
]
END = " !"
SLACK = 30  # linear time gives about 10, quadratic 100
EPSILON = 0.05  # CPU seconds: below this, timer noise dominates


def prefixes(rule) -> list[str]:
    """No prefix, and the first line of the rule's first example: it holds the literals that the
    literal prefilter looks for, so that the rule's regex really runs on the long line."""
    lines = [line for ex in rule.examples for line in ex.input.splitlines() if line.strip()]
    return ["", lines[0]] if lines else [""]


def adversarial_lines(rule, size: int) -> list[str]:
    return [prefix + unit * (size // len(unit)) + END for prefix in prefixes(rule) for unit in UNITS]


def seconds(cleaner: Cleaner, text: str, lang: str, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        cleaner.clean(text, lang)
        best = min(best, time.process_time() - start)
    return best


def super_linear(cleaner: Cleaner, lang: str, small: str, large: str) -> tuple[float, float] | None:
    """The times on `small` and on the ten times larger `large` when the growth looks super-linear
    (confirmed by a best-of-three second measurement), else None."""
    cleaner.clean(small, lang)  # warm-up: the first call builds the rule plan and compiles the regex
    t_small, t_large = seconds(cleaner, small, lang), seconds(cleaner, large, lang)
    if t_large < SLACK * t_small + EPSILON:
        return None
    t_small, t_large = seconds(cleaner, small, lang, 3), seconds(cleaner, large, lang, 3)
    return (t_small, t_large) if t_large >= SLACK * t_small + EPSILON else None


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_time_grows_linearly(rule):
    """All the adversarial lines as one document first (fast); line by line only to name the culprit."""
    cleaner = Cleaner.from_rules([rule], timeout=None, max_removed=None)
    lang = rule.lang[0] if rule.lang else "en"
    small, large = adversarial_lines(rule, 10_000), adversarial_lines(rule, 100_000)
    if super_linear(cleaner, lang, "\n".join(small), "\n".join(large)) is None:
        return
    slow = []
    for line_small, line_large in zip(small, large):
        times = super_linear(cleaner, lang, line_small, line_large)
        if times:
            slow.append(f"{line_small[:40]!r}...: 10k {times[0]:.3f}s, 100k {times[1]:.3f}s")
    assert slow, "the whole document grew super-linearly, but no single line did"
    assert not slow, "super-linear on:\n" + "\n".join(slow)


QUADRATIC = r"^.*a$"  # the regex module backtracks quadratically on 'abab...b!'


def test_screen_catches_a_quadratic_pattern():
    """The screen itself can fail: a known quadratic pattern (on this regex engine) is flagged."""
    from cleaner.engine.loader import build_rule

    rule = build_rule("<test>", {"id": "quadratic", "kind": "drop_line", "category": "widget",
                                 "description": "d", "pattern": QUADRATIC})
    cleaner = Cleaner.from_rules([rule], timeout=None, max_removed=None)
    assert super_linear(cleaner, "en", "ab" * 5_000 + END, "ab" * 50_000 + END) is not None
