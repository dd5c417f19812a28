"""The datatrove step: same output as `cleaner batch`, through the local executor and a real Ray cluster."""

import inspect
import json
from pathlib import Path

import pytest

pytest.importorskip("datatrove")  # the `datatrove` and `test` extras install it

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.engine.loader import RuleError  # noqa: E402
from cleaner.integrations.datatrove import CleanerStep  # noqa: E402
from cleaner.html import clean_page  # noqa: E402

from conftest import GOLDEN, write_shards  # noqa: E402

SHARDS = 3
# The engine keeps a document whole when rules would remove most of it; off here, to see one emptied.
GUARD_OFF = {"max_removed": None} if "max_removed" in inspect.signature(Cleaner).parameters else {}


def records() -> list[dict]:
    """Each golden article whole, and each of its paragraphs alone (some of which clean to nothing)."""
    out = []
    for path in sorted(GOLDEN.glob("*.input.txt")):
        name = path.name.removesuffix(".input.txt")
        text = path.read_text(encoding="utf-8")
        out.append({"id": name, "text": text, "source": "golden"})
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        out += [{"id": f"{name}/{i}", "text": p, "source": "golden"} for i, p in enumerate(paragraphs)]
    return out


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shards")
    rows = records()
    write_shards(folder, rows, SHARDS)
    return folder


@pytest.fixture(scope="module")
def batch_output(shards, tmp_path_factory) -> dict[str, str]:
    """Cleaned text by id, from `cleaner batch` over the same shards."""
    import subprocess
    import sys

    out_dir = tmp_path_factory.mktemp("batch")
    cleaned = {}
    for shard in sorted(shards.glob("*.jsonl")):
        target = out_dir / shard.name
        subprocess.run([sys.executable, "-m", "cleaner", "--isolated", "batch", str(shard), "-o", str(target),
                        "--quiet"], check=True, capture_output=True)
        cleaned |= {r["id"]: r["text"] for r in map(json.loads, target.read_text(encoding="utf-8").splitlines())}
    return cleaned


def read_output(folder: Path) -> dict[str, str]:
    rows = [json.loads(line) for path in sorted(folder.glob("*.jsonl")) for line in path.open(encoding="utf-8")]
    assert all(r["source"] == "golden" for r in rows), "other fields pass through"
    return {r["id"]: r.get("text", "") for r in rows}


def pipeline(shards: Path, out: Path) -> list:
    return [JsonlReader(str(shards)), CleanerStep(), JsonlWriter(str(out), compression=None, expand_metadata=True)]


def expected(batch_output: dict[str, str]) -> dict[str, str]:
    """What the step forwards by default: the batch output less the records cleaned to nothing."""
    return {key: text for key, text in batch_output.items() if text}


def test_batch_reference_is_meaningful(batch_output):
    cleaner = Cleaner()
    results = {r["id"]: cleaner.clean(r["text"]) for r in records()}
    assert {key: result.text for key, result in results.items()} == batch_output
    assert sum(bool(result.removals) for result in results.values()) >= 5


def step_stats(logs: Path) -> dict[str, float]:
    """Totals of the cleaner step's stats, from the executor's merged stats.json."""
    stats = json.loads((logs / "stats.json").read_text())[1]["stats"]  # [reader, cleaner, writer]
    return {name: value["total"] if isinstance(value, dict) else value for name, value in stats.items()}


def check_stats(logs: Path, batch_output: dict[str, str]) -> None:
    """Per-rule removals add up to the library's; every record counted; emptied ones dropped."""
    totals = step_stats(logs)
    removals = sum(len(Cleaner().clean(r["text"]).removals) for r in records())
    assert sum(v for k, v in totals.items() if k.startswith("rule:")) == removals > 0
    assert totals["total"] == len(records())
    assert totals.get("dropped", 0) == len(batch_output) - len(expected(batch_output))


def test_local_executor_matches_batch(shards, batch_output, tmp_path):
    LocalPipelineExecutor(pipeline(shards, tmp_path / "out"), tasks=SHARDS, workers=2,
                          logging_dir=str(tmp_path / "logs")).run()
    assert read_output(tmp_path / "out") == expected(batch_output)
    check_stats(tmp_path / "logs", batch_output)


def test_keep_empty_and_counts():
    docs = [Document(text="Body text.\n\nLeave a Reply\n", id="a"), Document(text="Leave a Reply\n", id="b")]
    kept = list(CleanerStep(drop_empty=False, **GUARD_OFF).run(iter(docs)))
    assert [(d.id, d.text) for d in kept] == [("a", "Body text.\n"), ("b", "")]
    step = CleanerStep(**GUARD_OFF)
    assert [d.id for d in step.run(iter([Document(text="Leave a Reply\n", id="c")]))] == []
    assert step.stats["rule:comments-leave-reply"].total == 1
    assert step.stats["dropped"].total == step.stats["emptied"].total == 1


def test_language_from_metadata_and_bad_rules(tmp_path):
    rule = tmp_path / "fr.toml"
    rule.write_text("[[rule]]\nid='fr-promo'\nkind='drop_line'\ncategory='advertising'\ndescription='d'\n"
                    "pattern='^Abonnez-vous'\nlang='fr'\n", encoding="utf-8")
    step = CleanerStep([rule], select=["fr-promo"], drop_empty=False)
    docs = [Document(text="Texte.\n\nAbonnez-vous\n", id=lang, metadata={"language": lang}) for lang in ("fr", "en")]
    assert [d.text for d in step.run(iter(docs))] == ["Texte.\n", "Texte.\n\nAbonnez-vous\n"]
    with pytest.raises(Exception, match="no-such-rule"):
        CleanerStep(select=["no-such-rule"])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # datatrove 0.10 uses deprecated Ray options
def test_ray_executor_matches_batch(ray_cluster, shards, batch_output, tmp_path):
    from datatrove.executor import RayPipelineExecutor

    RayPipelineExecutor(pipeline(shards, tmp_path / "out"), tasks=SHARDS, workers=2, cpus_per_task=1,
                        mem_per_cpu_gb=0.5, logging_dir=str(tmp_path / "logs")).run()
    assert sorted(p.name for p in (tmp_path / "logs" / "completions").iterdir()) == [f"{r:05d}" for r in range(SHARDS)]
    assert read_output(tmp_path / "out") == expected(batch_output)
    check_stats(tmp_path / "logs", batch_output)


def test_html_documents_go_through_clean_html():
    page = ("<html><body><article><p>The council approved the budget on Tuesday after a long debate "
            "about road repairs.</p></article></body></html>")
    doc = Document(text=page, id="p", metadata={"url": "https://example.org/news/1"})
    expected = clean_page(Cleaner(), page, "https://example.org/news/1")
    [out] = CleanerStep(html=True, drop_empty=False).run(iter([doc]))
    assert out.text == expected.text
    assert "council approved the budget" in out.text




def test_the_step_takes_one_rule_file_as_a_str(tmp_path):
    """As Cleaner does (issue 30 item 8): CleanerStep(rules="x.toml") read 'x' (the str's first letter)."""
    with pytest.raises(RuleError, match=r"missing\.toml: no such rule file"):
        CleanerStep(rules=str(tmp_path / "missing.toml"))
    (tmp_path / "house.toml").write_text(
        "[[rule]]\nid = 'house-promo'\nkind = 'drop_line'\ncategory = 'advertising'\ndescription = 'Promo.'\n"
        "pattern = '^Buy our mug$'\n\n[[rule.example]]\ninput = 'Text.\\n\\nBuy our mug'\noutput = 'Text.'\n",
        encoding="utf-8")
    for rules in (str(tmp_path / "house.toml"), tmp_path / "house.toml"):
        assert "house-promo" in {rule.id for rule in CleanerStep(rules=rules)._cleaner.rules}
