"""`cleaner serve --learn-sites`: a real server on loopback learns a site's template from the pages it
cleans, applies the rules once the site has enough pages, exports them as TOML, and keeps its memory
across a restart in a file; the memory's caps and guards, checked on SiteMemory itself."""

import json
import subprocess
import sys
import tomllib

import pytest

httpx = pytest.importorskip("httpx")  # the `server` and `test` extras install it

from cleaner import Cleaner  # noqa: E402
from cleaner import learn  # noqa: E402
from cleaner.learn import Learner  # noqa: E402
from cleaner.service.sites import SiteMemory, read_state, write_state  # noqa: E402

from test_learn import SITE, synthetic_site  # noqa: E402
from test_server import start_server, stop_server  # noqa: E402

READY = 6
PAGES = synthetic_site()[:20]


def url(number: int) -> str:
    return f"https://www.{SITE}/story/{number}"


@pytest.fixture(scope="module")
def learned(tmp_path_factory):
    """A server that learned from 12 pages (one at a time, then a batch), and what it answered."""
    folder = tmp_path_factory.mktemp("serve")
    state = folder / "sites.json"
    proc, address = start_server(folder, "--isolated", "--processes", "1", "--learn-sites", "--learn-after", str(READY),
                                 "--sites-state", str(state))
    answers = []
    try:
        with httpx.Client(base_url=address, timeout=30) as client:
            for number in range(8):
                answers.append(client.post("/v1/clean", json={"text": PAGES[number][0], "url": url(number)}).json())
            before = client.get(f"/v1/sites/{SITE}/rules")
            batch = [{"text": PAGES[n][0], "url": url(n)} for n in range(8, 12)]
            answers += client.post("/v1/clean/batch", json=batch).json()["results"]
            exported = client.get(f"/v1/sites/{SITE}/rules")
            other = client.get("/v1/sites/other.org/rules")
            bad = client.get("/v1/sites/not a site/rules")
    finally:
        stop_server(proc)
    return folder, state, answers, before, exported, other, bad


def test_rules_apply_once_the_site_has_enough_pages(learned):
    _, _, answers, before, _, _, _ = learned
    plain = Cleaner()
    for number, answer in enumerate(answers[:READY]):  # the first READY pages: the shipped rules alone
        assert answer["text"] == plain.clean(PAGES[number][0]).text
    assert all("Updated " not in a["text"] for a in answers[READY + 1:])
    assert all("Updated " in a["text"] for a in answers[:READY])
    assert before.status_code == 200 and before.headers["content-type"].startswith("application/toml")


def test_exported_pack_is_what_applies_and_passes_its_examples(learned):
    folder, _, answers, _, exported, _, _ = learned
    pack = folder / "exported.toml"
    pack.write_text(exported.text, encoding="utf-8")
    rules = tomllib.loads(exported.text)["rule"]
    assert len(rules) >= 8 and all(r["sites"] == [SITE] and r["category"] == "site-template" for r in rules)
    with_pack = Cleaner([pack])
    assert answers[11]["text"] == with_pack.clean(PAGES[11][0], url=url(11)).text
    done = subprocess.run([sys.executable, "-m", "cleaner", "--isolated", "rules", "test", "--rules", str(pack),
                           "--no-builtin"], capture_output=True)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


def test_unknown_and_bad_sites(learned):
    _, _, _, _, _, other, bad = learned
    assert other.status_code == 404 and "0 page(s) seen" in other.json()["detail"]
    assert bad.status_code == 422 and "not a site name" in bad.json()["detail"]


def test_memory_survives_a_restart(learned):
    folder, state, answers, _, exported, _, _ = learned
    assert json.loads(state.read_text())["format"] == "cleaner-sites/1"
    proc, address = start_server(folder, "--isolated", "--processes", "1", "--learn-sites", "--learn-after", str(READY),
                                 "--sites-state", str(state))
    try:
        with httpx.Client(base_url=address, timeout=30) as client:
            assert client.get(f"/v1/sites/{SITE}/rules").text == exported.text
            again = client.post("/v1/clean", json={"text": PAGES[11][0], "url": url(11)}).json()
    finally:
        stop_server(proc)
    assert again["text"] == answers[11]["text"]


def test_bad_options_and_state_file(run_cli, tmp_path):
    (tmp_path / "bad.json").write_text('{"format": "something else"}', encoding="utf-8")
    done = run_cli("--isolated", "serve", "--learn-sites", "--sites-state", "bad.json")
    assert done.returncode == 2 and b"bad.json: not a sites state file" in done.stderr
    assert b"Traceback" not in done.stderr
    done = run_cli("--isolated", "serve", "--sites-state", "s.json")
    assert done.returncode == 2 and b"needs --learn-sites" in done.stderr
    done = run_cli("--isolated", "serve", "--learn-sites", "--workers", "2")
    assert done.returncode == 2 and b"--workers 1" in done.stderr


def texts() -> list[str]:
    cleaner = Cleaner()
    return [cleaner.clean(text).text for text, _, _ in synthetic_site()[:60]]


def test_memory_learns_what_cleaner_learn_learns():
    """Under its caps, the memory's rules are those of `cleaner learn` (same thresholds and guards)."""
    memory, learner = SiteMemory(ready_pages=1), Learner()
    for text in texts():
        memory.learner.add(SITE, text)
        learner.add(SITE, text)
    mine = [(r.pattern, r.anywhere, r.pages) for r in memory.rules(SITE)]
    assert mine == [(r.pattern, r.anywhere, r.pages) for r in learner.rules()] and len(mine) >= 8
    assert any(not r.anywhere for r in memory.rules(SITE)) and any(r.anywhere for r in memory.rules(SITE))


def test_caps_drop_the_least_recently_seen(tmp_path):
    memory = SiteMemory(max_sites=2, max_keys=50, ready_pages=1)
    for number, text in enumerate(texts()):
        memory.learner.add(SITE, text)
        if number == 0:
            memory.learner.add("a.com", text)
    memory.learner.add("b.com", "One line.\n")
    assert list(memory.learner.sites) == [SITE, "b.com"]  # a.com, seen least recently, went
    assert len(memory.learner.sites[SITE].sketch.keys) == 50  # the template's lines stay, the stories' go
    assert memory.rules(SITE) and all(r.pages >= 3 for r in memory.rules(SITE))
    write_state(tmp_path / "s.json", memory.state())
    again = SiteMemory(max_sites=2, max_keys=50, ready_pages=1)
    read_state(again, tmp_path / "s.json")
    assert [r.pattern for r in again.rules(SITE)] == [r.pattern for r in memory.rules(SITE)]
    (tmp_path / "s.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="s.json"):
        read_state(again, tmp_path / "s.json")


def test_lines_taken_out_by_learned_rules_still_count():
    """Once a site's rules drop its template, the answers lack those lines: they are counted all the same."""
    memory = SiteMemory(ready_pages=1)
    for text in texts()[:6]:
        memory.learn(SITE, json.dumps({"text": text}).encode(), {}, {})
    rules, keys = memory.shipped(SITE)
    assert rules is not None and keys
    rule_id, key = next(iter(keys.items()))
    before = memory.learner.sites[SITE].sketch.count(key)
    memory.learn(SITE, json.dumps({"text": "A story of its own, nothing else.\n"}).encode(), {rule_id: 1}, keys)
    assert memory.learner.sites[SITE].sketch.count(key) == before + 1


def test_repeats_are_caught_among_the_last_pages():
    recent = Learner(max_keys=50, max_seen=2)
    for page in ("A.\n", "B.\n", "A.\n", "C.\n", "A.\n", "C.\n"):
        recent.add("a.com", page)
    counts = recent.sites["a.com"]
    assert (counts.pages, counts.duplicates) == (4, 2)  # the second A is a repeat; the third came after two others
    first = Learner(max_seen=2)
    for page in ("A.\n", "B.\n", "C.\n", "A.\n", "C.\n"):
        first.add("a.com", page)
    assert (first.sites["a.com"].pages, first.sites["a.com"].duplicates) == (4, 1)  # batch keeps the first ones
