"""Icons drawn in SVG (<path .../> closed by its slash) do not count as nesting: a shop page full of
them is not flattened as if it were hundreds of levels deep (which tore its text apart)."""

import re

from cleaner import Cleaner
from cleaner.html import _FLAT, _FOREIGN, _NESTING, MAX_DEPTH, _alternation, _peak_depth, clean_page

BODY = "<p>" + "Waterproof leather boots with a grippy sole, made for long days on rough mountain trails. " * 3 + "</p>"
ICON = '<svg viewBox="0 0 9 9"><path d="M0 0h9v9z"/><circle cx="4" cy="4" r="2"/><use href="#i"/></svg>'


def test_self_closed_svg_elements_are_not_nesting():
    assert _peak_depth(ICON * 500) == 1
    assert _peak_depth("<div/>" * (MAX_DEPTH + 10)) == MAX_DEPTH + 10  # in HTML, <div/> opens a div
    assert _peak_depth("<pathology>" * 3) == 3


def test_the_factored_alternations_match_what_the_plain_ones_match():
    words = _FLAT.split("|") + _FOREIGN.split("|") + ["animateMotion", "feBlend", "fe", "tbodyx", "pa", "LINK", "tex"]
    plain = re.compile(rf"<(/?)(?!(?:{_FLAT})[\s/>])(?!(?:{_FOREIGN})(?:[\s/][^>]*)?/>)[a-zA-Z]", re.I)
    for word in words:
        for tag in (f"<{word}>", f"</{word}>", f"<{word}/>", f"<{word} d='1'/>", f"<{word}x>", f"<{word}", f"<{word}-a/>"):
            assert _NESTING.findall(tag) == plain.findall(tag), tag
    assert _alternation(["td", "th", "thead", "p", "fe\\w+"]) == r"(?:fe\w+|t(?:d|h(?:e(?:a(?:d)))?)|p)"


def test_a_page_of_many_icons_is_not_flattened():
    page = f"<html><body><main>{ICON * 400}<h1>Trail boots</h1>{BODY}{ICON * 400}</main></body></html>"
    result = clean_page(Cleaner.from_rules([]), page)
    assert not any("nested deeper" in w for w in result.warnings)
    assert "grippy sole" in result.text


def test_tags_in_a_script_do_not_count():
    script = "<script>var t = '" + "<div>" * (MAX_DEPTH + 50) + "';</script>"
    many = "<span>a</span>" * 2100  # past SCREEN_TAGS: the page is looked at before it is parsed
    page = f"<html><head>{script}</head><body>{BODY}{many}</body></html>"
    assert not any("nested deeper" in w for w in clean_page(Cleaner.from_rules([]), page).warnings)
