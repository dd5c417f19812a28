"""The WCXB metric (word-bag F1 per page, the mean) on hand-made cases, and the quality benchmark's
page-type table on three vendored pages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import quality  # noqa: E402
from scraped import Page, load_set  # noqa: E402

DATA = ROOT / "tests" / "fixtures" / "wcxb-data"


def test_words_are_a_lower_cased_bag():
    assert quality.words("The cat, the HAT.") == {"the": 2, "cat": 1, "hat": 1}


def test_page_scores_count_shared_words_as_a_multiset():
    precision, recall, f1 = quality.page_scores("a a b c", "a b b d")
    assert (precision, recall) == (0.5, 0.5)
    assert f1 == pytest.approx(0.5)


def test_empty_gold_scores_one_only_for_an_empty_output():
    assert quality.page_scores("", "") == (1.0, 1.0, 1.0)
    assert quality.page_scores("", "menu") == (0.0, 0.0, 0.0)
    assert quality.page_scores("some words", "") == (0.0, 0.0, 0.0)


def test_the_set_score_is_the_mean_over_pages():
    pages = [Page("1", "", "", truth="a b"), Page("2", "", "", truth="c d")]
    scores = quality.wcxb_evaluate(pages, ["a b", "x y"])
    assert scores["f1"] == pytest.approx(0.5)
    assert scores["precision"] == pytest.approx(0.5)


def test_loads_pages_with_their_type_and_main_content():
    pages = load_set("wcxb", DATA)
    assert [p.page_type for p in pages] == ["article", "forum", "product"]
    assert pages[1].truth.startswith("Which tent")
    assert pages[2].url == ""  # a page without a URL loads (and is split into a half by its id)


def test_benchmark_prints_the_page_type_table_for_each_half(capsys, tmp_path):
    assert quality.main(["--data", str(DATA), "--sets", "wcxb", "--html", "--halves",
                         "--cache-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "wcxb by page type, all 3 pages" in out
    assert "wcxb half 0 by site hash" in out and "wcxb half 1 by site hash" in out
    table = out[out.index("wcxb by page type, all 3 pages"):out.index("wcxb half 0 by site hash")]
    assert [line.split()[0] for line in table.splitlines()[3:] if line] == ["article", "forum", "product", "all"]
    assert "trafilatura favor_precision" not in out  # two systems only on wcxb
