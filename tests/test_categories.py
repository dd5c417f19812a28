"""One category list (cleaner/engine/categories.py): the loader enforces it, `cleaner rules categories`
and docs/rules.md's table show it, and `--ignore comments` keeps every part of a comment section
(issue 15, item 3)."""

import re

import pytest

from cleaner import Cleaner
from cleaner.engine.categories import CATEGORIES, RETIRED
from cleaner.engine.loader import RuleError, build_rule

from conftest import ROOT

RULES = Cleaner(timeout=None).rules

# An article, then a comment section as scraped: its heading, comments, 'Reply' buttons and the form.
ARTICLE = ("The council approved the budget on Tuesday after a long debate about the new bridge over the river, "
           "which has been discussed for twenty years.\n\nThe mayor said work would start in spring and take two "
           "years, with the road closed for most of that time. Drivers will have to use the old ferry or a long "
           "detour through the hills.\n")
COMMENTS = ("12 Comments…\n\nTom Baker\nAbout time. This bridge has been talked about for twenty years.\n\nReply\n\n"
            "Jane Doe\nI agree with Tom, but the cost is far too high.\n\nReply\n\nLeave a Reply\n\n"
            "Your email address will not be published. Required fields are marked *\n\nName:\n\nEmail:\n\n"
            "Post Comment\n")


def test_every_shipped_rule_has_a_listed_category():
    assert {r.category for r in RULES} <= set(CATEGORIES)


def test_the_loader_refuses_an_unlisted_category():
    table = {"id": "my-rule", "kind": "drop_line", "category": "comment-form", "description": "d", "pattern": "x"}
    with pytest.raises(RuleError) as err:
        build_rule("mine.toml", table)
    message = str(err.value)
    assert message.startswith("mine.toml: rule 'my-rule': unknown category 'comment-form'")
    assert ", ".join(CATEGORIES) in message


def test_docs_category_table_is_the_list():
    readme = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = readme.split("<!-- categories: from cleaner/engine/categories.py -->", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| (.+) \|$", section, flags=re.M)
    assert dict(rows) == CATEGORIES
    assert list(dict(rows)) == list(CATEGORIES)
    for old, new in RETIRED.items():
        assert f"`{old}`" in readme and f"`{new}`" in readme


def test_rules_categories_command_prints_the_list(run_cli):
    out = run_cli("--isolated", "rules", "categories").stdout.decode()
    assert [line.split("\t")[0] for line in out.splitlines()] == list(CATEGORIES)


def test_rules_list_shows_each_rule_category(run_cli):
    lines = run_cli("--isolated", "rules", "list").stdout.decode().splitlines()
    by_id = {line.split("\t")[0]: line.split("\t")[1] for line in lines}
    assert by_id["comment-form-notice"] == "comments" and by_id["social-follow-us"] == "newsletter"


def test_ignore_comments_keeps_the_whole_comment_section(run_cli):
    """The README's `--ignore rating,comments` example: nothing of the comments goes."""
    text = ARTICLE + "\n" + COMMENTS
    assert run_cli("--isolated", input=text).stdout.decode() == ARTICLE  # by default the section goes
    kept = run_cli("--isolated", "--ignore", "rating,comments", input=text).stdout.decode()
    assert kept == text


@pytest.mark.parametrize("name, hint", [("comment-form", "did you mean 'comments'?"),
                                        ("coments", "did you mean 'comments'?")])
def test_retired_or_misspelt_names_are_refused_with_a_hint(run_cli, name, hint):
    proc = run_cli("--isolated", "--ignore", name, input="Text.\n")
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1 and hint in err, err


def test_a_category_no_loaded_rule_has_is_still_a_category(run_cli, tmp_path):
    """site-template rules come only from a learned pack; without one, --ignore site-template is no error."""
    (tmp_path / "a.txt").write_text("Body of the story.\n", encoding="utf-8")
    proc = run_cli("--ignore", "site-template", "a.txt")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b"Body of the story.\n"
    proc = run_cli("--ignore", "site-templates", "a.txt")
    assert proc.returncode == 2 and b"site-template" in proc.stderr  # a misspelt one still gets the hint
