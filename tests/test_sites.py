"""Rules scoped to sites (`sites = [...]`): where a document's site comes from, and that documents of
other sites run the plan they would run without such rules."""

import json

import pytest

from cleaner import Cleaner, clean
from cleaner.engine.pipeline import MAX_SITE_PLANS
from cleaner.engine.loader import RuleError, build_rule
from cleaner.engine.sites import site_name, url_site

PACK = """\
[[rule]]
id = "a-com-more-from-a"
kind = "drop_line"
category = "site-template"
sites = ["a.com"]
description = "Drops a.com's 'More from A' heading."
pattern = '^More from A$'

[[rule.example]]
input = "Story.\\nMore from A"
output = "Story."

[[rule]]
id = "a-com-share-box"
kind = "drop_element"
category = "social"
sites = ["a.com"]
description = "Drops a.com's share box."
selector = "div.share"

[[rule.example]]
input = "<html><body><article><p>Story text that is long enough to be kept by extraction.</p><div class='share'><p>Share it now</p></div></article></body></html>"
output = "Story text that is long enough to be kept by extraction."
"""
TEXT = "Story.\nMore from A\n"


def site_rule(site: str, rule_id: str = "r") -> object:
    return build_rule("t.toml", {"id": rule_id, "kind": "drop_line", "category": "site-template", "description": "d",
                                 "pattern": "^More from A$", "sites": [site]})


@pytest.fixture
def pack(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text(PACK, encoding="utf-8")
    return path


@pytest.mark.parametrize("value, name", [("a.com", "a.com"), ("https://www.A.com:8080/x?y", "a.com"),
                                         ("www.a.com/path", "a.com"), ("news.a.com.", "news.a.com")])
def test_site_names(value, name):
    assert site_name(value) == name


@pytest.mark.parametrize("value", ["", "not a site", "https://", 5, "http://[::1"])
def test_what_names_no_site(value):
    with pytest.raises(ValueError, match="not a site name or URL"):
        site_name(value)
    assert not isinstance(value, str) or url_site(value) is None


@pytest.mark.parametrize("sites, message", [(["www.a.com"], "write 'a.com'"), (["https://a.com/"], "write 'a.com'"),
                                            ([], "non-empty list"), (["a b"], "not a site name")])
def test_the_loader_refuses_sites_it_cannot_match(sites, message):
    with pytest.raises(RuleError, match=message):
        build_rule("t.toml", {"id": "r", "kind": "drop_line", "category": "widget", "description": "d", "pattern": "x",
                              "sites": sites})


def test_site_from_site_or_url_only_for_that_site():
    cleaner = Cleaner.from_rules([site_rule("a.com")])
    assert cleaner.clean(TEXT, site="a.com").text == "Story.\n"
    assert cleaner.clean(TEXT, url="https://www.a.com/story").text == "Story.\n"
    for other in ({}, {"site": "b.com"}, {"url": "https://b.com/a"}, {"url": "https://news.a.com/"}, {"url": "junk"}):
        assert cleaner.clean(TEXT, **other).text == TEXT
    with pytest.raises(ValueError, match="not a site"):
        cleaner.clean(TEXT, site="a b")


def test_library_clean_takes_url_and_site():
    assert clean(TEXT, url="https://a.com/x") == clean(TEXT) == TEXT  # no shipped rule is scoped to a site


def test_other_sites_run_the_plan_without_site_rules():
    cleaner = Cleaner.from_rules(Cleaner().rules + [site_rule("a.com")])
    plan = cleaner._plan("en", cleaner.site(url="https://b.com/x"))
    assert plan is cleaner._plan("en", None)
    assert "r" not in {r.id for r in plan[0]} and "r" in {r.id for r in cleaner._plan("en", "a.com")[0]}


def test_site_plans_are_bounded():
    rules = [site_rule(f"s{n}.com", f"r{n}") for n in range(MAX_SITE_PLANS + 20)]
    cleaner = Cleaner.from_rules(rules)
    for n in range(MAX_SITE_PLANS + 20):
        assert cleaner.clean(TEXT, site=f"s{n}.com").text == "Story.\n"
    assert len(cleaner._plans) <= MAX_SITE_PLANS


def test_html_rules_and_examples_scoped_too(pack, run_cli):
    from cleaner.html import clean_page

    cleaner = Cleaner([pack], builtin=False)
    page = PACK.split('input = "', 2)[2].split('"\n', 1)[0]
    assert "Share it now" not in clean_page(cleaner, page, url="https://a.com/x").text
    assert "Share it now" in clean_page(cleaner, page, url="https://b.com/x").text
    done = run_cli("--isolated", "rules", "test", "--rules", pack, "--no-builtin")
    assert done.returncode == 0, done.stdout


def test_batch_site_from_url_or_site_field(pack, run_cli, tmp_path):
    records = [{"text": TEXT, "url": "https://a.com/1"}, {"text": TEXT, "link": "https://a.com/2"},
               {"text": TEXT, "host": "www.a.com"}, {"text": TEXT, "url": "https://b.com/1"}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    def texts(*args):
        done = run_cli("--isolated", "batch", "in.jsonl", "--rules", pack, "-q", *args)
        assert done.returncode == 0, done.stderr
        return [json.loads(line)["text"] for line in done.stdout.decode().splitlines()]
    assert texts() == ["Story.\n", TEXT, TEXT, TEXT]
    assert texts("--url-field", "link") == [TEXT, "Story.\n", TEXT, TEXT]
    assert texts("--site-field", "host") == ["Story.\n", TEXT, "Story.\n", TEXT]
    (tmp_path / "bad.jsonl").write_text(json.dumps({"text": TEXT, "host": 5}) + "\n", encoding="utf-8")
    bad = run_cli("--isolated", "batch", "bad.jsonl", "--rules", pack, "--site-field", "host")
    assert bad.returncode == 2 and b"field 'host'" in bad.stderr


def test_datatrove_site_from_metadata(pack):
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from cleaner.integrations.datatrove import CleanerStep

    docs = [Document(text=TEXT, id="1", metadata={"url": "https://www.a.com/1"}),
            Document(text=TEXT, id="2", metadata={"url": "https://b.com/1"}),
            Document(text=TEXT, id="3", metadata={"url": "https://b.com/1", "domain": "a.com"}),
            Document(text=TEXT, id="4", metadata={"domain": 7})]
    step = CleanerStep([pack], site_key="domain", builtin=False)
    assert [d.text for d in step.run(iter(docs))] == ["Story.\n", TEXT, "Story.\n", TEXT]
    assert step.stats["site_unknown"].total == 1


def test_server_site_field(pack, tmp_path):
    httpx = pytest.importorskip("httpx")
    from test_server import start_server, stop_server

    proc, url = start_server(tmp_path, "--rules", str(pack), "--no-builtin")
    try:
        texts = [httpx.post(url + "/v1/clean", json=body).json().get("text") for body in (
            {"text": TEXT, "site": "a.com"}, {"text": TEXT, "url": "https://a.com/x"}, {"text": TEXT, "site": "b.com"})]
        assert texts == ["Story.\n", "Story.\n", TEXT]
        rules = httpx.get(url + "/v1/rules").json()
        assert rules[0]["sites"] == ["a.com"]
    finally:
        stop_server(proc)
