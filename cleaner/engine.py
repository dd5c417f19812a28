"""The pipeline: fold the selected rules, in order, over one document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.document import Removal, join_lines, split_lines
from cleaner.loader import Rule, RuleError, builtin_rules_dir, load_paths


@dataclass
class Result:
    """The cleaned text and everything that was taken out, in rule order."""

    text: str
    removals: list[Removal] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many lines or spans each rule removed."""
        return dict(Counter(r.rule_id for r in self.removals))


class Cleaner:
    """Loads and compiles the rules once; `clean` is then cheap to call per document."""

    def __init__(
        self,
        rules: Iterable[str | Path] = (),
        *,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        builtin: bool = True,
    ) -> None:
        paths = ([builtin_rules_dir()] if builtin else []) + [Path(p) for p in rules]
        self.rules: list[Rule] = select_rules(load_paths(paths), select, ignore)

    @classmethod
    def from_rules(cls, rules: list[Rule]) -> Cleaner:
        cleaner = cls.__new__(cls)
        cleaner.rules = list(rules)
        return cleaner

    def clean(self, text: str, lang: str | None = None) -> Result:
        """Clean one document; rules declaring languages run only when `lang` is one of them."""
        lines = split_lines(text)
        removals: list[Removal] = []
        for rule in self.rules:
            if rule.lang and lang not in rule.lang:
                continue
            lines, cuts = rule.step(lines)
            removals.extend(Removal(rule.id, rule.category, c.line, c.text, c.whole_line) for c in cuts)
        return Result(join_lines(lines), removals)


def select_rules(rules: list[Rule], select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """Keep rules whose id or category is selected (all if none), minus the ignored ones."""
    known = {r.id for r in rules} | {r.category for r in rules}
    for option, names in (("select", select), ("ignore", ignore)):
        unknown = sorted(set(names) - known)
        if unknown:
            raise RuleError(f"--{option}", f"unknown rule id or category: {', '.join(unknown)}")
    chosen = set(select)
    dropped = set(ignore)
    return [
        r for r in rules
        if (not chosen or r.id in chosen or r.category in chosen) and not ({r.id, r.category} & dropped)
    ]


_default: Cleaner | None = None


def clean(text: str) -> str:
    """Clean text with the shipped rules."""
    global _default
    if _default is None:
        _default = Cleaner()
    return _default.clean(text).text
