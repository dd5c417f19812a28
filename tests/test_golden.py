"""The golden articles run as test items of the pytest plugin (`cleaner_goldens` in pyproject.toml): one
item per case, tests/golden/NAME.input.txt::NAME. Here: that the plugin collects every case, and that
cleaning an expected output changes nothing."""

import subprocess
import sys

import pytest

from cleaner import Cleaner
from cleaner.golden import find_cases

from conftest import GOLDEN, ROOT

CASES = find_cases(GOLDEN)
CLEANER = Cleaner()


def test_there_are_goldens():
    assert len(CASES) >= 5


def test_the_plugin_collects_every_case():
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "tests/golden"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    items = [line for line in proc.stdout.splitlines() if "::" in line]
    assert items == [f"tests/golden/{case.input.name}::{case.name}" for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expected_is_stable(case):
    expected = case.expected.read_text(encoding="utf-8")
    assert CLEANER.clean(expected).text == expected
