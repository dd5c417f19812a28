"""`cleaner rules list` (text and JSON) and `cleaner rules show ID`, and their hints for a mistyped name."""

import json
import tomllib

import pytest

from cleaner import Cleaner
from cleaner.engine.loader import build_rule
from cleaner.cli.rule_text import rule_toml

RULE = """\
[[rule]]
id = "house-promo"
kind = "drop_line"
category = "advertising"
description = "Drops the house promo line ('Buy our mugs.')."
lang = ["en", "de"]
pattern = '^Buy our (?:mugs|Tassen)\\.$'
max_words = 6

[[rule.example]]
input = "Body.\\n\\nBuy our mugs.\\n"
output = "Body.\\n"

[[rule.example]]
input = "We did not buy our mugs."
"""


def shown_rule(text: str):
    """The rule that the TOML `rules show` printed loads to."""
    (table,) = tomllib.loads(text)["rule"]
    return build_rule("<shown>", table)


def same(a, b) -> bool:
    keys = ("id", "kind", "category", "description", "options", "examples", "lang", "sites", "page_types")
    return all(getattr(a, key) == getattr(b, key) for key in keys)


def test_show_prints_the_rule_as_a_table_that_loads_back(run_cli, tmp_path):
    (tmp_path / "house.toml").write_text(RULE, encoding="utf-8")
    proc = run_cli("--isolated", "--rules", "house.toml", "rules", "show", "house-promo")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    first, second = out.splitlines()[:2]
    assert first == "# house-promo: from house.toml (in force)"
    assert second == "# category advertising: ad labels, app and subscription promos, affiliate disclosures"
    assert "pattern = '^Buy our (?:mugs|Tassen)\\.$'" in out and "max_words = 6" in out and "lang = ['en', 'de']" in out
    assert same(shown_rule(out), Cleaner([tmp_path / "house.toml"], builtin=False).rules[0])


def test_every_shipped_rule_shows_as_a_table_that_loads_back():
    rules = Cleaner().rules
    assert len(rules) > 300
    for rule in rules:
        assert same(shown_rule(rule_toml(rule)), rule), rule.id


@pytest.mark.parametrize("text", ["it's", "ends with a quote'", "has ''' three", "two\nlines", "\nleading newline",
                                  "tab\there", "bell\x07", "del\x7f", 'back\\slash "quoted"', ""])
def test_strings_of_every_shape_load_back(text):
    rule = build_rule("<t>", {"id": "t-rule", "kind": "drop_line", "category": "widget", "description": text or "d",
                              "pattern": "^x$", "example": [{"input": text, "output": text}]})
    assert same(shown_rule(rule_toml(rule)), rule)


def test_a_site_scoped_rule_loads_back():
    rule = build_rule("<t>", {"id": "t-site", "kind": "drop_line", "category": "site-template", "description": "d",
                              "pattern": "^x$", "sites": ["example.com", "news.example.org"]})
    back = shown_rule(rule_toml(rule))
    assert back.sites == ("example.com", "news.example.org") and same(back, rule)


def test_a_rule_scoped_to_page_types_loads_back():
    rule = build_rule("<t>", {"id": "t-type", "kind": "drop_line", "category": "comments", "description": "d",
                              "pattern": "^x$", "page_types": ["article", "service"]})
    back = shown_rule(rule_toml(rule))
    assert back.page_types == ("article", "service") and same(back, rule)


def test_show_json(run_cli, tmp_path):
    (tmp_path / "house.toml").write_text(RULE, encoding="utf-8")
    proc = run_cli("--isolated", "--rules", "house.toml", "rules", "show", "house-promo", "--format", "json")
    assert json.loads(proc.stdout) == {
        "id": "house-promo", "kind": "drop_line", "category": "advertising",
        "description": "Drops the house promo line ('Buy our mugs.').", "lang": ["en", "de"], "sites": [],
        "page_types": [], "options": {"pattern": "^Buy our (?:mugs|Tassen)\\.$", "max_words": 6},
        "examples": [{"input": "Body.\n\nBuy our mugs.\n", "output": "Body.\n"},
                     {"input": "We did not buy our mugs.", "output": None}],
        "file": "house.toml", "in_force": True}


def test_show_a_rule_left_out_by_ignore(run_cli):
    proc = run_cli("--isolated", "--ignore", "comments", "rules", "show", "comments-disqus")
    assert proc.returncode == 0
    assert proc.stdout.decode().splitlines()[0].endswith(
        "30-comments.toml (not in force: left out by --select, --ignore or the settings)")
    proc = run_cli("--isolated", "rules", "show", "comments-disqus", "--format", "json")
    assert json.loads(proc.stdout)["in_force"] is True


@pytest.mark.parametrize("name, message", [
    ("comments-disqs", "cleaner: error: no rule 'comments-disqs' (did you mean 'comments-disqus'?)"),
    ("caption", "cleaner: error: no rule 'caption': that is a category; 'cleaner rules list --select caption' "
                "lists its rules"),
    ("comment-form", "cleaner: error: no rule 'comment-form': a retired category; "
                     "'cleaner rules list --select comments' lists its rules"),
    ("zzzzzz", "cleaner: error: no rule 'zzzzzz'"),
])
def test_show_an_unknown_name_is_a_usage_error_with_a_hint(run_cli, name, message):
    proc = run_cli("--isolated", "rules", "show", name)
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode() == message + "\n"


def test_list_has_language_and_category_columns(run_cli):
    lines = run_cli("--isolated", "rules", "list").stdout.decode().splitlines()
    rows = {line.split("\t")[0]: line.split("\t") for line in lines}
    assert all(len(row) == 5 for row in rows.values())
    assert rows["comments-disqus"][1:4] == ["comments", "drop_line", "all"]
    assert rows["de-credit-label-line"][1:4] == ["credit", "drop_line", "de"]


def test_list_json_matches_the_text_list(run_cli):
    text = run_cli("--isolated", "rules", "list").stdout.decode().splitlines()
    data = json.loads(run_cli("--isolated", "rules", "list", "--format", "json").stdout)
    assert [row["id"] for row in data] == [line.split("\t")[0] for line in text]
    by_id = {row["id"]: row for row in data}
    assert by_id["de-credit-label-line"]["lang"] == ["de"] and by_id["comments-disqus"]["lang"] == []
    assert by_id["comments-disqus"]["category"] == "comments"
    assert by_id["comments-disqus"]["file"].endswith("30-comments.toml")
    assert set(by_id["comments-disqus"]) == {"id", "category", "kind", "lang", "sites", "description", "file"}


@pytest.mark.parametrize("args, hint", [
    (["rules", "list", "--select", "captoin"], "unknown rule id or category: captoin (did you mean 'caption'?)"),
    (["rules", "list", "--ignore", "comments-disqs"],
     "unknown rule id or category: comments-disqs (did you mean 'comments-disqus'?)"),
    (["rules", "show", "--format", "yaml", "x"], "Invalid value for '--format'"),
    (["rules", "show"], "Missing argument 'ID'"),
])
def test_usage_errors_exit_2(run_cli, args, hint):
    proc = run_cli("--isolated", *args)
    assert proc.returncode == 2 and hint in proc.stderr.decode()
