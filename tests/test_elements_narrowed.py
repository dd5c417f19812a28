"""Page.narrowed: a selector list without the class and id tests whose word the page never writes matches
what the whole list matches (the Prune rules run it: lexbor walks the tree once per selector of a list)."""

import pytest

from cleaner import Cleaner
from cleaner.engine.elements import Page, Prune

SELECTOR = "nav, [class*=promo i], .comments, #respond, [id^=div-gpt-ad], [rel~=tag]:not(p *), [class~=share]"


def ids(page: Page, selector: str) -> list[int]:
    return [node.mem_id for node in page.tree.css(selector)] if selector else []


def test_tests_of_absent_words_are_left_out():
    page = Page("<body><nav>Home</nav><div class='PROMO-box'>Buy</div><p class=comment>x</p></body>")
    assert page.narrowed(SELECTOR) == "nav, [class*=promo i], [rel~=tag]:not(p *)"
    assert ids(page, page.narrowed(SELECTOR)) == ids(page, SELECTOR) != []


def test_nothing_left_when_no_word_is_written():
    page = Page("<body><p>Plain text.</p></body>")
    assert page.narrowed("[class*=promo i], #respond") == ""
    assert page.tree.css("[class*=promo i], #respond") == []


@pytest.mark.parametrize("html", [
    "<div CLASS = PromoBox>a</div>",  # unquoted, upper case, spaces around '='
    "<div\nclass='x promo'>a</div>",
    '<div class="a&amp;promo">a</div>',  # a named reference that gives no word character
    '<div id="div-gpt-ad-1">a</div>',
    "<div class=share>a</div><div class=shares>b</div>",
])
def test_same_matches_as_the_whole_list(html):
    page = Page(f"<body>{html}</body>")
    assert ids(page, page.narrowed(SELECTOR)) == ids(page, SELECTOR) != []


@pytest.mark.parametrize("value", ["pr&#111;mo", "pr&#x6f;mo-box", "x&lowbar;y promo"])
def test_a_reference_that_may_give_a_word_character_runs_every_selector(value):
    page = Page(f'<body><div class="{value}">a</div></body>')
    assert page.narrowed(SELECTOR) == SELECTOR
    assert ids(page, SELECTOR) != []


def test_escapes_and_commas_inside_brackets_are_left_alone():
    page = Page("<body><p>x</p></body>")
    assert page.narrowed(r"[class*=pro\6do i], .a") == r"[class*=pro\6do i], .a"
    assert page.narrowed(":is(.promo, p), [title='a, .promo']") == ":is(.promo, p), [title='a, .promo']"


def test_shipped_rules_match_as_their_whole_lists(tmp_path):
    page_html = ("<body><header class='site-masthead'><nav><a href='/'>Home</a></nav></header><article>"
                 "<p class='lead'>The council approved the budget on Monday after a long debate.</p>"
                 "<div class='related-links'><a href='/a'>One story of the day</a></div>"
                 "<div class='Newsletter'>Sign up</div><aside class='sidebar'>More</aside></article>"
                 "<footer id='colophon'>(c) The Daily</footer></body>")
    rules = [rule for rule in Cleaner().rules if type(rule.step) is Prune]
    assert rules
    for rule in rules:
        page = Page(page_html)
        assert ids(page, page.narrowed(rule.step.selector)) == ids(page, rule.step.selector), rule.id


def test_a_word_first_planned_after_a_page_was_narrowed_is_still_found():
    """The words a page's values hold are found once for the words planned so far, and again when a later
    selector list brings a new word."""
    page = Page("<body><div class='newsbox-zqxv'>a</div><div class=promo>b</div></body>")
    assert page.narrowed("[class*=promo i], [class*=absentword i]") == "[class*=promo i]"
    assert page.narrowed("[class*=newsbox-zqxv i], #nowhere-zqxv") == "[class*=newsbox-zqxv i]"
    assert ids(page, "[class*=newsbox-zqxv i]") != []
