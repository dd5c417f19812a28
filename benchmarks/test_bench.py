"""pytest-benchmark timings, run only on request: `pytest benchmarks/ --benchmark-enable`.

The one-table comparison with targets is benchmarks/speed.py; these keep history and compare runs
(`--benchmark-autosave`, `--benchmark-compare`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from corpus import corpus, generated_rules, long_text, one_line, pieces, write_jsonl

from cleaner import Cleaner

BIN = Path(sys.executable).parent
ONE_LINE = b"Hello world, this is one line of scraped text.\n"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return corpus()


@pytest.fixture(scope="module")
def shipped() -> Cleaner:
    return Cleaner()


def clean_all(cleaner: Cleaner, docs: list[str]) -> None:
    for doc in docs:
        cleaner.clean(doc)


@pytest.mark.benchmark(group="corpus")
def test_corpus_shipped_rules(benchmark, texts, shipped):
    benchmark(clean_all, shipped, texts)


@pytest.mark.benchmark(group="corpus")
@pytest.mark.parametrize("count", [100, 1000])
def test_corpus_plus_generated_rules(benchmark, texts, tmp_path, count):
    path = tmp_path / "generated.toml"
    path.write_text(generated_rules(count, texts), encoding="utf-8")
    benchmark(clean_all, Cleaner([path]), texts)


@pytest.mark.benchmark(group="corpus")
def test_corpus_datatrove_c4(benchmark, texts):
    from datatrove.data import Document
    from datatrove.pipeline.filters.c4_filters import C4QualityFilter

    step = C4QualityFilter()
    benchmark.pedantic(lambda: [step.filter(Document(text=t, id=str(i))) for i, t in enumerate(texts)], rounds=1)


@pytest.mark.benchmark(group="corpus")
def test_corpus_justext_over_lines(benchmark, texts):
    import html

    import justext

    stoplist = justext.get_stoplist("English")
    pages = ["".join(f"<p>{html.escape(line)}</p>" for line in t.splitlines() if line.strip()) for t in texts]
    benchmark.pedantic(lambda: [justext.justext(f"<html><body>{p}</body></html>", stoplist) for p in pages], rounds=1)


@pytest.mark.benchmark(group="size (10 MB of text in documents of each size)")
@pytest.mark.parametrize("size", [1_000, 100_000, 10_000_000])
def test_document_size(benchmark, texts, shipped, size):
    benchmark.pedantic(clean_all, (shipped, pieces(long_text(texts, 10_000_000), size)), rounds=2)


@pytest.mark.benchmark(group="size (10 MB of text in documents of each size)")
def test_one_10mb_line(benchmark, texts, shipped):
    benchmark.pedantic(clean_all, (shipped, [one_line(texts, 10_000_000)]), rounds=2)


@pytest.mark.benchmark(group="start-up")
@pytest.mark.parametrize("command", ["cleaner", "python -c pass"])
def test_startup(benchmark, command, tmp_path):
    cmd = [str(BIN / "cleaner")] if command == "cleaner" else [sys.executable, "-c", "pass"]
    benchmark(subprocess.run, cmd, input=ONE_LINE, stdout=subprocess.DEVNULL, cwd=tmp_path, check=True)


@pytest.mark.benchmark(group="batch (20 MB of JSONL)")
@pytest.mark.parametrize("jobs", [1, 2])
def test_batch(benchmark, texts, tmp_path, jobs):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, texts, 20_000_000)
    cmd = [str(BIN / "cleaner"), "batch", str(source), "-o", str(tmp_path / "out.jsonl"), "-j", str(jobs), "-q"]
    benchmark.pedantic(subprocess.run, (cmd,), {"check": True}, rounds=2)
