"""The cut_comments kind and its guards."""

import pytest

from cleaner import Cleaner
from cleaner.engine.kinds import KINDS
from cleaner.engine.loader import RuleError, build_rule

MARKER = r"(?i)^(?:\d+\s+)?comments?$|^\d+ thoughts on .+$"
BODY = ("The council approved the budget on Tuesday after a long debate about the new bridge over the river, "
        "which has been planned for twenty years.\n\n"
        "The mayor said work would start in spring and take two years, with the road closed for most of that "
        "time and drivers sent on a long detour.")


def cleaner(**options):
    table = {"id": "comments-section", "kind": "cut_comments", "category": "comments", "description": "d",
             "marker": MARKER, **options}
    return Cleaner.from_rules([build_rule("test.toml", table)], max_removed=None)


def test_registered_as_a_kind():
    assert "cut_comments" in KINDS


def test_cuts_from_the_heading_to_the_end():
    text = BODY + "\n\n3 thoughts on “Bridge budget”\n\nAbout time.\n\nToo expensive, if you ask me."
    result = cleaner().clean(text)
    assert result.text == BODY + "\n"
    assert [r.text for r in result.removals] == ["3 thoughts on “Bridge budget”", "About time.",
                                                 "Too expensive, if you ask me."]


def test_a_long_comment_thread_is_cut_too():
    """Unlike cut_tail, the section may be far longer than the article."""
    comment = "I read this twice and I still do not understand why the council waited so long to decide. "
    text = BODY + "\n\nComments\n\n" + "\n\n".join([comment * 3] * 40)
    assert cleaner().clean(text).text == BODY + "\n"


def test_heading_above_the_article_cuts_nothing():
    text = "Bridge budget approved\n\nBy Jane Smith\n\nComments\n\n" + BODY
    assert cleaner().clean(text).text == text + "\n"


def test_first_heading_after_the_body_wins():
    text = ("Headline\n\n12 Comments\n\n" + BODY + "\n\nComments\n\nFirst!\n\n2 comments\n\nSecond.")
    assert cleaner().clean(text).text == "Headline\n\n12 Comments\n\n" + BODY + "\n"


def test_short_body_is_not_enough():
    text = "Short note on the bridge vote.\n\nComments\n\nGreat news."
    assert cleaner().clean(text).text == text + "\n"
    assert cleaner(min_words_before=5, min_sentences_before=0).clean(text).text == "Short note on the bridge vote.\n"


def test_prose_sentences_are_required_before_the_heading():
    labels = "\n".join(["Home", "News", "Local", "Sport", "Weather"] * 12)  # many words, no sentence
    text = labels + "\n\nComments\n\n" + BODY
    assert cleaner().clean(text).text == text + "\n"
    assert "Comments" not in cleaner(min_sentences_before=0).clean(text).text


def test_marker_must_match_the_whole_line_shape():
    text = BODY + "\n\nComments from residents were mostly positive, the clerk said."
    assert cleaner().clean(text).text == text + "\n"


def test_no_marker_no_cut():
    assert cleaner().clean(BODY).text == BODY + "\n"


def test_a_marker_line_longer_than_max_chars_is_not_a_marker():
    text = BODY + "\n\n3 thoughts on “Bridge budget”\n\nAbout time."
    assert cleaner(max_chars=20).clean(text).text == text + "\n"
    assert cleaner(max_chars=40).clean(text).text == BODY + "\n"


def test_cut_tail_takes_max_chars_too():
    table = {"id": "related", "kind": "cut_tail", "category": "related", "description": "d",
             "marker": r"(?i)^related(?: stories)?$", "max_chars": 7}
    tail = BODY + "\n\nRelated stories\n\nBridge closes for repairs"
    shorter = BODY + "\n\nRelated\n\nBridge closes for repairs"
    tail_cleaner = Cleaner.from_rules([build_rule("test.toml", table)], max_removed=None)
    assert tail_cleaner.clean(tail).text == tail + "\n"
    assert tail_cleaner.clean(shorter).text == BODY + "\n"


@pytest.mark.parametrize(("options", "message"), [
    ({"min_words_before": 0}, "'min_words_before' must be greater than 0"),
    ({"min_sentences_before": -1}, "'min_sentences_before' must be 0 or more"),
    ({"max_chars": 0}, "'max_chars' must be greater than 0"),
    ({"marker": "("}, "bad regex in 'marker'"),
    ({"min_words_before": "50"}, "option 'min_words_before' must be int"),
    ({"max_share": 0.5}, "unknown option(s) ['max_share']"),
])
def test_options_are_validated(options, message):
    with pytest.raises(RuleError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        cleaner(**options)


def test_missing_marker_is_an_error():
    table = {"id": "c", "kind": "cut_comments", "category": "comments", "description": "d"}
    with pytest.raises(RuleError, match="missing option"):
        build_rule("test.toml", table)


def test_shipped_rule_cuts_a_wordpress_thread_but_keeps_the_article():
    text = (BODY + "\n\n2 thoughts on “Council approves bridge budget”\n\nAbout time.\n\n"
            "Too expensive for a town this size.\n\nComments are closed.")
    assert Cleaner().clean(text).text == BODY + "\n"


@pytest.mark.parametrize("prompt", ["Join the conversation", "Leave a Reply", "Leave a comment", "Post a comment"])
def test_shipped_rules_drop_a_mid_article_prompt_without_cutting(prompt):
    """Comment prompts also sit between paragraphs: they are not section headings."""
    second = "The work will be paid for from the roads budget, which the council raised by a fifth last year."
    text = BODY + "\n\n" + prompt + "\n\n" + second
    assert Cleaner().clean(text).text == BODY + "\n\n" + second + "\n"


def test_a_comment_link_inside_the_article_is_not_the_section():
    """A 'Comments' link before the last paragraph, then the real heading: the cut starts at the
    heading, and the last paragraph stays."""
    last = "When the council finally votes next week, the bridge will be the first built here in fifty years."
    text = BODY + "\n\nComments\n\n" + last + "\n\nComments\n\nFirst!\n\nAbout time."
    assert cleaner().clean(text).text == BODY + "\n\nComments\n\n" + last + "\n"
