"""Every shipped rule's own examples, one test per rule (`pytest -k RULE-ID`)."""

import pytest

from cleaner import Cleaner
from cleaner.selftest import check_rule

RULES = Cleaner().rules


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule):
    assert check_rule(rule) == []


def test_enough_rules_across_categories():
    assert len(RULES) >= 40
    assert len({r.category for r in RULES}) >= 10


def test_ids_are_unique_and_kebab_case():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(i == i.lower() and " " not in i and "_" not in i for i in ids)
