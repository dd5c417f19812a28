"""The library call and the output conventions."""

from cleaner import Cleaner, Removal, clean
from cleaner.engine.document import normalize

from conftest import GOLDEN


def test_clean_returns_text():
    assert clean("Body text.\n\n\n\nLeave a Reply\n") == "Body text.\n"


def test_result_lists_removals_with_line_numbers():
    result = Cleaner().clean("Body text.\n\nLeave a Reply\n\nMore text.   \n")
    assert result.text == "Body text.\n\nMore text.\n"
    assert result.removals == [Removal("comments-leave-reply", "comments", 3, "Leave a Reply", True)]
    assert result.counts == {"comments-leave-reply": 1}


def test_span_removal_keeps_rest_of_paragraph():
    text = ("The attack lasted six hours. A drone lights up the sky over the city during a strike, "
            "in Kyiv, Ukraine July 4, 2025.(Reuters)\n")
    result = Cleaner().clean(text)
    assert result.text == "The attack lasted six hours.\n"
    assert not result.removals[0].whole_line


def test_output_conventions():
    messy = "\ufeffTitle  \r\n\r\n\r\n\r\nPara one\rstill para one\n\n\n\nPara two\t\n"
    assert clean(messy) == "Title\n\nPara one\nstill para one\n\nPara two\n"
    assert clean("") == ""
    assert clean("\n\n  \n") == ""


def test_idempotent_on_goldens():
    for path in GOLDEN.glob("*.input.txt"):
        once = clean(path.read_text(encoding="utf-8"))
        assert clean(once) == once


def test_normalize_matches_clean_when_nothing_removed():
    text = "A plain paragraph about a council meeting.\n\nAnother one, about the budget.\n"
    assert clean(text) == normalize(text) == text


def test_extra_rules_and_ignore(tmp_path):
    rule = tmp_path / "mine.toml"
    rule.write_text("[[rule]]\nid='house-promo'\nkind='drop_line'\ncategory='advertising'\n"
                    "description='d'\npattern='^Buy our mug'\n", encoding="utf-8")
    cleaner = Cleaner([rule], ignore=["comments"])
    assert cleaner.clean("Body.\n\nBuy our mug!\n\nLeave a Reply\n").text == "Body.\n\nLeave a Reply\n"


def test_a_line_revealed_by_a_span_cut_meets_the_later_rules(tmp_path):
    """Cutting a span can put a later rule's literal at the start of a line ('^Subscribe'):
    the engine asks the prefilter again about every line it edited."""
    (tmp_path / "mine.toml").write_text(
        "[[rule]]\nid = 'ad-tag'\nkind = 'strip_span'\ncategory = 'advertising'\ndescription = 'd'\n"
        "pattern = '^\\[AD\\] '\n\n"
        "[[rule]]\nid = 'subscribe-line'\nkind = 'drop_line'\ncategory = 'newsletter'\ndescription = 'd'\n"
        "pattern = '^Subscribe now\\b'\n", encoding="utf-8")
    cleaner = Cleaner([tmp_path / "mine.toml"], builtin=False, max_removed=None)
    result = cleaner.clean("The article.\n\n[AD] Subscribe now for a dollar a week\n")
    assert result.text == "The article.\n"
    assert [r.rule_id for r in result.removals] == ["ad-tag", "subscribe-line"]


def test_a_span_cut_that_makes_two_lines_equal_lets_the_repeat_rule_see_it(tmp_path):
    """The repeat rule is skipped for documents without a repeated line; a span cut can create one."""
    (tmp_path / "mine.toml").write_text(
        "[[rule]]\nid = 'ad-tag'\nkind = 'strip_span'\ncategory = 'advertising'\ndescription = 'd'\n"
        "pattern = '^\\[AD\\] '\n\n"
        "[[rule]]\nid = 'repeated'\nkind = 'drop_repeated'\ncategory = 'duplicate'\ndescription = 'd'\n",
        encoding="utf-8")
    cleaner = Cleaner([tmp_path / "mine.toml"], builtin=False, max_removed=None)
    line = "The council met on Tuesday to discuss the budget for the new bridge."
    result = cleaner.clean(f"[AD] {line}\n\n{line}\n")
    assert result.text == line + "\n"
    assert [r.rule_id for r in result.removals] == ["ad-tag", "repeated"]
