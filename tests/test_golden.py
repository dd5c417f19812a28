"""The golden articles: exact expected output, and cleaning the expected output changes nothing."""

import pytest

from cleaner import Cleaner
from cleaner.golden import check_case, find_cases

from conftest import GOLDEN

CASES = find_cases(GOLDEN)
CLEANER = Cleaner()


def test_there_are_goldens():
    assert len(CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case):
    outcome = check_case(CLEANER, case)
    assert outcome.ok, outcome.diff


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expected_is_stable(case):
    expected = case.expected.read_text(encoding="utf-8")
    assert CLEANER.clean(expected).text == expected
