"""A <noscript> is read as a browser running scripts reads it: its content is never the page's."""

from cleaner import Cleaner
from cleaner.html import clean_page, without_noscript

BODY = "<p>" + "The council approved the budget for the new bridge on Tuesday after a long debate. " * 3 + "</p>"
TAG_MANAGER = "<noscript><iframe src='https://tags.example.com/ns.html' height='0' width='0' /></noscript>"


def test_an_iframe_closed_by_a_slash_in_a_noscript_does_not_take_the_page():
    page = f"<html><body>{TAG_MANAGER}<main><h1>Bridge budget approved</h1>{BODY}</main></body></html>"
    text = clean_page(Cleaner(), page).text
    assert text.startswith("Bridge budget approved\n\nThe council approved the budget") and "<" not in text


def test_only_the_noscript_goes():
    assert without_noscript(f"<p>a</p><NoScript>b</NoScript><p>c</p>") == "<p>a</p> <p>c</p>"
    assert without_noscript("<p>a</p><noscript>b") == "<p>a</p><noscript>b"  # (never closed: left to the parser)
