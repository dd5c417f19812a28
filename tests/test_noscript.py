"""A <noscript> is read as a browser running scripts reads it: its content is not the page's, unless the page
gives its content there alone (a page rendered by script, such as a Flarum forum's)."""

from cleaner import Cleaner
from cleaner.html import NOSCRIPT_CHARS, clean_page, without_noscript

BODY = "<p>" + "The council approved the budget for the new bridge on Tuesday after a long debate. " * 3 + "</p>"
TAG_MANAGER = "<noscript><iframe src='https://tags.example.com/ns.html' height='0' width='0' /></noscript>"


def test_an_iframe_closed_by_a_slash_in_a_noscript_does_not_take_the_page():
    page = f"<html><body>{TAG_MANAGER}<main><h1>Bridge budget approved</h1>{BODY}</main></body></html>"
    text = clean_page(Cleaner(), page).text
    assert text.startswith("Bridge budget approved\n\nThe council approved the budget") and "<" not in text


def test_only_the_noscript_goes():
    assert without_noscript(f"<p>a</p><NoScript>b</NoScript><p>c</p>") == "<p>a</p> <p>c</p>"
    assert without_noscript("<p>a</p><noscript>b") == "<p>a</p><noscript>b"  # (never closed: left to the parser)


POSTS = ["I pitched mine on the ridge in a gale and it held all night, though the poles bent a little at dawn.",
         "Mine survived three storms in the Alps, but only after I replaced the stock pegs with longer ones.",
         "Check the hydrostatic head rating too: anything under two thousand millimetres leaks in real rain."]


def test_a_page_whose_content_is_only_in_a_noscript_keeps_it():
    thread = "".join(f"<article><h3>Poster {i}</h3><p>{post}</p></article>" for i, post in enumerate(POSTS * 3))
    page = (f"<html><body>{TAG_MANAGER}<div id='app'><p>Loading the forum, please wait a moment.</p></div>"
            f"<noscript id='content'><h1>Which tent for the Alps?</h1>{thread}</noscript></body></html>")
    result = clean_page(Cleaner(), page, page_type="forum")
    assert all(post in result.text for post in POSTS) and "<" not in result.text
    assert any("<noscript> elements held" in warning for warning in result.warnings)
    assert clean_page(Cleaner(), page.replace("<noscript id='content'>", "<div>").replace("</noscript></body>", "</div>"
                                              "</body>"), page_type="forum").warnings == []  # (nothing hidden)


def test_a_notice_to_turn_scripts_on_is_no_content():
    notice = "<noscript><p>Please enable JavaScript to view this page.</p></noscript>"
    assert len(notice) < NOSCRIPT_CHARS
    result = clean_page(Cleaner(), f"<html><body>{notice}<div id='app'></div></body></html>", page_type="collection")
    assert result.text == "" and result.warnings == []
