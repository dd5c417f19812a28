"""Run every rule's own examples: each rule alone, input in, expected output out."""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.engine.document import normalize
from cleaner.engine.elements import ElementStep
from cleaner.engine.pipeline import Cleaner
from cleaner.engine.loader import Example, Rule


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    number: int
    message: str


def check_example(rule: Rule, number: int, example: Example) -> ExampleFailure | None:
    """None when the rule alone turns the input into the expected output."""
    if isinstance(rule.step, ElementStep):
        expected, got = _html_example(rule, example)
    else:
        expected = normalize(example.input if example.output is None else example.output)
        lang = rule.lang[0] if rule.lang else None  # a language rule's examples are in its language
        site = rule.sites[0] if rule.sites else None  # a site rule's, from its site
        got = Cleaner.from_rules([rule], max_removed=None).clean(example.input, lang, site=site).text
    if got == expected:
        return None
    return ExampleFailure(rule.id, number, f"expected {expected!r}, got {got!r}")


def _html_example(rule: Rule, example: Example) -> tuple[str, str]:
    """(expected, got) through the HTML path; without an output, expected is what no rule at all gives."""
    from cleaner.html import clean_page

    if example.output is None:
        expected = clean_page(Cleaner.from_rules([], max_removed=None), example.input).text
    else:
        expected = normalize(example.output)
    site = rule.sites[0] if rule.sites else None
    return expected, clean_page(Cleaner.from_rules([rule], max_removed=None), example.input, site=site).text


def _removes(rule: Rule, example: Example) -> bool:
    """The expected output lacks something of the input (for HTML: of the page's whole text)."""
    if example.output is None:
        return False
    if isinstance(rule.step, ElementStep):
        from cleaner.html import page_text

        return example.output.split() != page_text(example.input).split()
    return normalize(example.output) != normalize(example.input)


def check_rule(rule: Rule) -> list[ExampleFailure]:
    """All failing examples of a rule, plus a failure if no example shows it removing anything."""
    failures = [f for n, ex in enumerate(rule.examples, 1) if (f := check_example(rule, n, ex))]
    if not any(_removes(rule, ex) for ex in rule.examples):
        failures.append(ExampleFailure(rule.id, 0, "has no example that removes something"))
    return failures
