"""The Article Extraction Benchmark metric (scrapinghub/article-extraction-benchmark, evaluate.py).

Texts are split into \\w+ tokens and compared as multisets of 4-token shingles.
Each document's (tp, fp, fn) is normalised to sum to 1 so long pages weigh no more
than short ones. Precision is averaged over documents with a non-empty prediction,
recall over documents with a non-empty truth, and F1 is the harmonic mean of the two
averages. Error bars are 1.96 x the std of each metric over bootstrap resamples of
the documents (a 95% interval half-width, as in the published table).
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from collections.abc import Sequence

Counts = tuple[float, float, float]  # (tp, fp, fn), normalised per document

_TOKEN = re.compile(r"\w+")


def tokenize(text: str | None) -> list[str]:
    """Runs of word characters, case kept."""
    return _TOKEN.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; a text shorter than n tokens is one shingle."""
    tokens = tokenize(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def match(true: str | None, pred: str | None, n: int = 4) -> Counts:
    """Normalised (tp, fp, fn) of predicted against true shingles."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    """Precision with the benchmark's conventions: nothing wrong -> 1, nothing right -> 0."""
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def recall(tp: float, fp: float, fn: float) -> float:
    """Recall with the benchmark's conventions: nothing wrong -> 1, nothing right -> 0."""
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def f1(p: float, r: float) -> float:
    """Harmonic mean, 0 when both are 0."""
    return 2 * p * r / (p + r) if p + r else 0.0


def _mean(values: list[float]) -> float:
    """Mean, 0 for an empty list."""
    return statistics.fmean(values) if values else 0.0


def aggregate(counts: Sequence[Counts]) -> dict[str, float]:
    """Mean precision (non-empty predictions), mean recall (non-empty truths), their F1."""
    p = _mean([precision(*c) for c in counts if c[0] + c[1] > 0])
    r = _mean([recall(*c) for c in counts if c[0] + c[2] > 0])
    return {"f1": f1(p, r), "precision": p, "recall": r}


def bootstrap(counts: Sequence[Counts], n: int = 1000, seed: int = 0, z: float = 1.96) -> dict[str, float]:
    """z x std of each aggregate metric over n resamples of the documents."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(n):
        resample = [counts[rng.randrange(len(counts))] for _ in counts]
        for key, value in aggregate(resample).items():
            samples.setdefault(key, []).append(value)
    return {f"{key}_err": z * statistics.stdev(v) if len(v) > 1 else 0.0 for key, v in samples.items()}


def evaluate(truths: Sequence[str], preds: Sequence[str], n_bootstrap: int = 1000, seed: int = 0) -> dict[str, float]:
    """Aggregate metrics and their bootstrap error bars for paired truth/prediction texts."""
    counts = [match(t, p) for t, p in zip(truths, preds, strict=True)]
    return aggregate(counts) | bootstrap(counts, n_bootstrap, seed)
