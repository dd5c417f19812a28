"""Decisions a user can see: what the over-removal guard put back, removals in line order with
character offsets into the input, and the language the rules ran for (issue 15, item 4)."""

import json

from cleaner import Cleaner
from cleaner.engine.pipeline import MIN_GUARDED_WORDS

BODY = ("The council approved the budget on Tuesday after a long debate about the new bridge.\n\n"
        "The mayor said work would start in spring and take two years.\n")
FURNITURE = ("Leave a Reply\n\nShare this article\n\nADVERTISEMENT\n\nSign up for our newsletter\n\n"
             "Follow us on Instagram\n\nRead the full story at The Independent\n\nAlready a subscriber? Log in\n")


def test_guarded_document_lists_what_the_rules_would_have_removed():
    result = Cleaner().clean(FURNITURE)
    assert result.guard == "kept-original" and result.text == FURNITURE
    assert result.removals == []  # nothing was taken out of the text
    assert len(result.reverted) == 7
    assert {r.text for r in result.reverted} >= {"Leave a Reply", "ADVERTISEMENT"}


def test_explain_shows_the_guard_and_the_reverted_removals(run_cli, tmp_path):
    (tmp_path / "f.txt").write_text(FURNITURE, encoding="utf-8")
    out = run_cli("--isolated", "explain", "f.txt").stdout.decode()
    assert "guard: kept the original (rules would remove 100%)" in out
    assert "f.txt:1: comments-leave-reply [comments] (put back) Leave a Reply" in out
    assert out.count("(put back)") == 7


def test_json_lists_reverted_removals(run_cli):
    report = json.loads(run_cli("--isolated", "--format", "json", input=FURNITURE).stdout)
    assert report["removals"] == [] and report["guard"] == "kept-original"
    assert [r["line"] for r in report["reverted"]] == [1, 3, 5, 7, 9, 11, 13]


def test_a_document_too_small_to_judge_is_not_guarded():
    for text in ("a\n", "Leave a Reply\n\nShare this article\n"):
        result = Cleaner().clean(text)
        assert (result.guard, result.text, result.warnings) == (None, "", []), text
    assert len(FURNITURE.split()) >= MIN_GUARDED_WORDS > len("Leave a Reply Share this article".split())


def test_json_removals_are_in_line_order_with_offsets_into_the_input(run_cli):
    # 60-widgets' ADVERTISEMENT runs after 30-comments' Leave a Reply, but comes first in the text.
    text = ("ADVERTISEMENT\r\n\r\n" + BODY.replace("\n", "\r\n") + "\r\nLeave a Reply\r\n\r\n"
            "The mayor, seen here at the opening (Photo: City Hall), said the bridge would reopen in May.\r\n")
    report = json.loads(run_cli("--isolated", "--format", "json", input=text).stdout)
    removals = report["removals"]
    assert [r["rule"] for r in removals] == ["advertising-label", "comments-leave-reply", "credit-inline-photo"]
    for r in removals:
        assert text[r["start"]:r["end"]] == r["text"], r
    assert [r["line"] for r in removals] == sorted(r["line"] for r in removals)


def test_json_offsets_skip_a_byte_order_mark_and_indentation(run_cli):
    text = "\ufeffBody text of the article, long enough.\n\n   Leave a Reply\n"
    report = json.loads(run_cli("--isolated", "--format", "json", input=text).stdout)
    [removal] = report["removals"]
    assert text[removal["start"]:removal["end"]] == "   Leave a Reply"


def test_json_reports_the_language_and_whether_it_was_given(run_cli):
    german = ("Die Stadt hat am Dienstag den Haushalt beschlossen, und der Bürgermeister sagte, "
              "dass die Arbeiten im Frühjahr beginnen und zwei Jahre dauern werden.\n")
    detected = json.loads(run_cli("--isolated", "--format", "json", input=german).stdout)
    assert (detected["lang"], detected["lang_source"]) == ("de", "detected")
    given = json.loads(run_cli("--isolated", "--format", "json", "--lang", "fr", input=german).stdout)
    assert (given["lang"], given["lang_source"]) == ("fr", "given")
