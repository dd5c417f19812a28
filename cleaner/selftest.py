"""Run every rule's own examples: each rule alone, input in, expected output out."""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.document import normalize
from cleaner.engine import Cleaner
from cleaner.loader import Example, Rule


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    number: int
    message: str


def check_example(rule: Rule, number: int, example: Example) -> ExampleFailure | None:
    """None when the rule alone turns the input into the expected output."""
    expected = normalize(example.input if example.output is None else example.output)
    lang = rule.lang[0] if rule.lang else None  # a language rule's examples are in its language
    got = Cleaner.from_rules([rule], max_removed=None).clean(example.input, lang).text
    if got == expected:
        return None
    return ExampleFailure(rule.id, number, f"expected {expected!r}, got {got!r}")


def check_rule(rule: Rule) -> list[ExampleFailure]:
    """All failing examples of a rule, plus a failure if no example shows it removing anything."""
    failures = [f for n, ex in enumerate(rule.examples, 1) if (f := check_example(rule, n, ex))]
    if not any(ex.output is not None and normalize(ex.output) != normalize(ex.input) for ex in rule.examples):
        failures.append(ExampleFailure(rule.id, 0, "has no example that removes something"))
    return failures
