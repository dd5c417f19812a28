"""The AEB metric on hand-made cases, and a smoke test of the benchmark runner on vendored pages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import aeb  # noqa: E402
from aeb_inputs import block_text, load_pages  # noqa: E402
from aeb_metric import aggregate, bootstrap, evaluate, match, precision, recall, shingles, tokenize  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "aeb"


def test_tokenize_keeps_word_runs_and_case():
    assert tokenize("Hello, world! It's 2019.") == ["Hello", "world", "It", "s", "2019"]
    assert tokenize(None) == tokenize("") == []


def test_shingles_of_long_short_and_empty_texts():
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("a b") == {("a", "b"): 1}
    assert shingles(" ... ") == {}


def test_identical_texts_score_one():
    text = "The quick brown fox jumps over the lazy dog."
    assert match(text, text) == (1.0, 0.0, 0.0)
    assert evaluate([text, text], [text, text], n_bootstrap=10) == pytest.approx(
        {"f1": 1, "precision": 1, "recall": 1, "f1_err": 0, "precision_err": 0, "recall_err": 0})


def test_disjoint_texts_score_zero():
    scores = evaluate(["one two three four five"], ["six seven eight nine ten"], n_bootstrap=10)
    assert match("one two three four five", "six seven eight nine ten") == (0.0, 0.5, 0.5)
    assert (scores["f1"], scores["precision"], scores["recall"]) == (0, 0, 0)


def test_partial_match_is_normalised_per_document():
    # truth has 3 shingles, the prediction 2 of them: tp=2, fp=0, fn=1 out of 3
    counts = match("a b c d e f", "a b c d e")
    assert counts == pytest.approx((2 / 3, 0, 1 / 3))
    assert (precision(*counts), recall(*counts)) == pytest.approx((1, 2 / 3))
    # averaged with a perfect document: P = 1, R = 5/6, F1 = 10/11
    scores = aggregate([counts, match("x y z w", "x y z w")])
    assert scores == pytest.approx({"precision": 1, "recall": 5 / 6, "f1": 10 / 11})


def test_repeated_shingles_count_as_a_multiset():
    assert match("a b c d a b c d", "a b c d") == pytest.approx((1 / 5, 0, 4 / 5))


def test_empty_text_conventions():
    assert match("", "") == (0.0, 0.0, 0.0)
    assert (precision(0, 0, 0), recall(0, 0, 0)) == (1.0, 1.0)
    assert precision(*match("some true text here", "")) == 0.0  # nothing predicted
    assert recall(*match("", "some predicted text here")) == 0.0  # nothing to find
    # empty predictions are left out of precision, empty truths out of recall, both-empty out of both
    docs = [match("a b c d", ""), match("", "a b c d"), match("", ""), match("a b c d", "a b c d")]
    assert aggregate(docs) == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5})


def test_bootstrap_is_seeded_and_spreads_with_mixed_documents():
    counts = [match("a b c d e f", "a b c d e"), match("a b c d", "w x y z"), match("a b c d", "a b c d")]
    assert bootstrap(counts, n=200, seed=1) == bootstrap(counts, n=200, seed=1)
    assert all(err > 0 for err in bootstrap(counts, n=200).values())


def test_block_text_keeps_article_and_furniture():
    pages = {p.id[:10]: p for p in load_pages(FIXTURES)}
    text = block_text(pages["ea25dd7edf"].html)
    assert "Pneumonic plague is the most deadly form of the disease." in text
    assert "SIGN UP for our newsletter" in text
    assert "Comment on this Story" in text


def test_runner_smoke(tmp_path, capsys):
    out = tmp_path / "aeb.json"
    argv = [str(FIXTURES), "--cache-dir", str(tmp_path), "--json", str(out), "--n-bootstrap", "20", "--show-changes"]
    assert aeb.main(argv) == 0
    table = capsys.readouterr().out
    assert "3 pages" in table and "trafilatura default" in table and "passthrough" in table
    rows = {r["system"]: r for r in json.loads(out.read_text())["rows"]}
    assert rows["trafilatura default"]["scores"]["f1"] > 0.8
    assert rows["block-text raw"]["scores"]["recall"] > 0.9
    assert len(list(tmp_path.glob("aeb-inputs-*.json"))) == 1
