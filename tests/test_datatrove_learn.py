"""Learning sites over shards with datatrove (SiteLearnStep, SiteRulesReduce, CleanerStep(site_rules=...)):
the same output as `cleaner batch --learn-sites` on the same records, on the local executor and on a real
Ray cluster over loopback; counts that merge as if they were made in one process."""

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("datatrove")  # the `datatrove` and `test` extras install it

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.integrations.datatrove import CleanerStep, SiteLearnStep, SiteRulesReduce, bucket, pack_name  # noqa: E402
from cleaner.learn import Learner, SiteCounts  # noqa: E402

from conftest import write_shards  # noqa: E402
from test_learn import synthetic_site  # noqa: E402

SHARDS = 4  # prime to the 3 sites: each site's pages spread over every shard
BUCKETS = 2
# Two sites whose rule ids start alike (example-news-com-...): they must land in one bucket, ids apart.
SITES = {"example-news.com": 19, "example.news.com": 7, "other.org": 3}


SPLIT = "Weekend edition"  # on 3 pages of other.org, one in each of 3 shards: learned only from merged counts


def records() -> list[dict]:
    """30 pages of each site, interleaved, and two records without a site."""
    rows = []
    for site, seed in SITES.items():
        rows += [{"id": f"{site}/{n}", "url": f"https://www.{site}/story/{n}",
                  "text": f"{SPLIT}\n{text}" if site == "other.org" and n < 3 else text}
                 for n, (text, _, _) in enumerate(synthetic_site(seed)[:30])]
    rows.sort(key=lambda r: (int(r["id"].rsplit("/", 1)[1]), r["id"]))
    rows += [{"id": f"nosite/{n}", "text": synthetic_site(5)[n][0]} for n in range(2)]
    return rows


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shards")
    rows = records()
    write_shards(folder, rows, SHARDS)
    (folder.parent / "all.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def batch(source: Path, *options: str) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-m", "cleaner", "--isolated", "batch", str(source), "--quiet", *options],
                          check=True, capture_output=True)
    return {r["id"]: r["text"] for r in map(json.loads, done.stdout.decode().splitlines())}


@pytest.fixture(scope="module")
def learned_batch(shards) -> dict[str, str]:
    """Cleaned text by id, from `cleaner batch --learn-sites` over all the records in one file."""
    return batch(shards.parent / "all.jsonl", "--learn-sites")


def stages(shards: Path, out: Path) -> list[list]:
    """The three pipelines: learn (a task per shard), reduce (a task per bucket), clean."""
    learn = [JsonlReader(str(shards)), SiteLearnStep(out / "counts", buckets=BUCKETS)]
    reduce = [SiteRulesReduce(out / "counts", out / "packs", buckets=BUCKETS)]
    clean = [JsonlReader(str(shards)), CleanerStep(site_rules=out / "packs", drop_empty=False),
             JsonlWriter(str(out / "cleaned"), compression=None, expand_metadata=True)]
    return [learn, reduce, clean]


def read_output(folder: Path) -> dict[str, str]:
    rows = [json.loads(line) for path in sorted(folder.glob("*.jsonl")) for line in path.open(encoding="utf-8")]
    return {r["id"]: r["text"] for r in rows}


def check_packs(packs: Path) -> None:
    """A reviewable pack per site, rules scoped to it, ids unique across packs, each pack passing its examples."""
    files = sorted(p.name for p in packs.glob("*.toml"))
    assert files == sorted(f"{site}.toml" for site in SITES)
    ids = []
    for path in packs.glob("*.toml"):
        rules = tomllib.loads(path.read_text(encoding="utf-8"))["rule"]
        assert {tuple(r["sites"]) for r in rules} == {(path.name.removesuffix(".toml"),)}
        ids += [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) > 20
    assert bucket("example-news.com", BUCKETS) == bucket("example.news.com", BUCKETS)
    done = subprocess.run([sys.executable, "-m", "cleaner", "--isolated", "rules", "test", "--rules", str(packs),
                           "--no-builtin"], capture_output=True)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


def test_batch_reference_is_meaningful(learned_batch):
    cleaner = Cleaner()
    plain = {r["id"]: cleaner.clean(r["text"], url=r.get("url")).text for r in records()}
    changed = [key for key in plain if plain[key] != learned_batch[key]]
    assert len(changed) >= 80 and not any(key.startswith("nosite/") for key in changed)
    assert all("Updated " not in learned_batch[key] for key in changed)
    assert SPLIT in plain["other.org/0"] and SPLIT not in learned_batch["other.org/0"]
    shards = {number % SHARDS for number, row in enumerate(records()) if row["text"].startswith(SPLIT)}
    assert len(shards) == 3


def test_local_executor_matches_batch_learn_sites(shards, learned_batch, tmp_path):
    for number, (pipeline, tasks) in enumerate(zip(stages(shards, tmp_path), (SHARDS, BUCKETS, SHARDS))):
        LocalPipelineExecutor(pipeline, tasks=tasks, workers=2, logging_dir=str(tmp_path / f"logs-{number}")).run()
    assert read_output(tmp_path / "cleaned") == learned_batch
    check_packs(tmp_path / "packs")
    stats = json.loads((tmp_path / "logs-1" / "stats.json").read_text())[0]["stats"]
    totals = {name: value["total"] if isinstance(value, dict) else value for name, value in stats.items()}
    assert totals["sites"] == 3 and totals["pages"] == 90 and totals["sites_with_rules"] == 3


def test_counts_merged_equal_counts_made_at_once():
    """A site's counts saved from three shards and merged give the rules one Learner gives (and its sketch merges)."""
    rows = [r for r in records() if r["id"].startswith("other.org/")]
    cleaner, whole, parts = Cleaner(), Learner(), [Learner(entry=1) for _ in range(3)]
    for number, row in enumerate(rows):
        text = cleaner.clean(row["text"]).text
        whole.add("other.org", text)
        parts[number % 3].add("other.org", text)
    merged = SiteCounts.load(json.loads(json.dumps(parts[0].sites["other.org"].state())))
    for part in parts[1:]:
        merged.merge(SiteCounts.load(json.loads(json.dumps(part.sites["other.org"].state()))))
    learner = Learner()
    learner.sites["other.org"] = merged
    key = [(r.pattern, r.anywhere, r.pages) for r in whole.rules()]
    assert [(r.pattern, r.anywhere, r.pages) for r in learner.rules()] == key and len(key) > 8
    sketched = [Learner(entry=1, exact_keys=10) for _ in range(2)]
    for number, row in enumerate(rows):
        sketched[number % 2].add("other.org", cleaner.clean(row["text"]).text)
    counts = SiteCounts.load(json.loads(json.dumps(sketched[0].sites["other.org"].state())))
    counts.merge(sketched[1].sites["other.org"])
    assert counts.sketch.exact is None  # the sketch took over, and never counts below the truth
    assert all(counts.sketch.count(key) >= c for key, c in whole.sites["other.org"].sketch.exact.items())


def test_pack_names_are_file_names():
    assert pack_name("example.com") == "example.com.toml"
    odd = pack_name("bücher.example")  # an IDN host as urlsplit gives it
    assert odd.startswith("b-cher-example-") and odd.endswith(".toml") and odd.isascii()
    assert odd != pack_name("b-cher.example")


def test_site_rules_folder_may_come_later(tmp_path):
    step = CleanerStep(site_rules=tmp_path / "packs")  # the reduce has not run yet: built in the worker
    (tmp_path / "packs").mkdir()
    assert [r.id for r in step.cleaner.rules] == [r.id for r in Cleaner().rules]
    with pytest.raises(ValueError, match="buckets"):
        SiteLearnStep(tmp_path / "counts", buckets=0)
    with pytest.raises(ValueError, match="min_pages"):
        SiteRulesReduce(tmp_path / "counts", tmp_path / "packs", min_pages=0)
    with pytest.raises(ValueError, match="no counts under"):
        list(SiteRulesReduce(tmp_path / "counts", tmp_path / "packs").run())
    learned = SiteLearnStep(tmp_path / "counts", buckets=3)
    list(learned.run(iter([Document(text="Text.\n", id="a", metadata={"url": "https://a.com/1"})])))
    with pytest.raises(ValueError, match="the buckets SiteLearnStep had, not 2"):
        list(SiteRulesReduce(tmp_path / "counts", tmp_path / "packs", buckets=2).run())
    list(SiteRulesReduce(tmp_path / "counts", tmp_path / "packs", buckets=3).run())


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # datatrove 0.10 uses deprecated Ray options
def test_ray_executor_matches_batch_learn_sites(ray_cluster, shards, learned_batch, tmp_path):
    from datatrove.executor import RayPipelineExecutor

    for number, (pipeline, tasks) in enumerate(zip(stages(shards, tmp_path), (SHARDS, BUCKETS, SHARDS))):
        RayPipelineExecutor(pipeline, tasks=tasks, workers=2, cpus_per_task=1, mem_per_cpu_gb=0.5,
                            logging_dir=str(tmp_path / f"logs-{number}")).run()
    assert read_output(tmp_path / "cleaned") == learned_batch
    check_packs(tmp_path / "packs")
