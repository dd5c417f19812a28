"""A page of cards (a listing, a shop's category page): its entries are kept, taken from its main region
when the extractor leaves them out; a product page and an article with a thread under it are not taken so."""

from cleaner import Cleaner
from cleaner.engine.cards import block_lines, region_text
from cleaner.engine.elements import Page
from cleaner.html import ARTICLE_GAIN, CARD_GAIN, FORUM_GAIN, PROSE_CHARS, PROSE_KEPT, as_cards, clean_page

N = 20
INTRO = "<p>The latest stories from our science desk, with reporting on space, climate and health every day.</p>"
CARDS = "".join(f"<article><h2><a href='/s/{i}'>Probe number {i} reaches the outer moons of the giant planet</a></h2>"
                f"<span>Space, {i + 2} hours ago</span></article>" for i in range(N))
NAV = "<nav><ul>" + "".join(f"<li><a href='/{w}'>{w}</a></li>" for w in ("Home", "World", "Sport", "Weather")) + "</ul></nav>"
FOOTER = "<footer><p>Copyright 2026 The Daily Example. All rights reserved by the publisher and its owners.</p></footer>"
SECTION = f"<html><head><title>Science</title></head><body>{NAV}<main><h1>Science</h1>{INTRO}" \
          f"<section>{CARDS}</section></main>{FOOTER}</body></html>"


def test_a_page_of_cards_keeps_its_entries():
    result = clean_page(Cleaner(), SECTION)
    assert all(f"Probe number {i} reaches the outer moons" in result.text for i in range(N))
    assert "Copyright" not in result.text and "Weather" not in result.text
    assert any("a page of cards" in warning for warning in result.warnings)


def test_the_main_region_is_main_without_furniture():
    page = Page(f"<body>{NAV}<main><h1>Science</h1><div hidden>Sign in to read</div>{CARDS}</main>{FOOTER}</body>")
    lines = region_text(page).split("\n\n")
    assert lines[:3] == ["Science", "Probe number 0 reaches the outer moons of the giant planet", "Space, 2 hours ago"]
    assert not any(word in line for line in lines for word in ("Home", "Copyright", "Sign in"))


def test_what_a_closed_details_holds_is_not_in_the_region():
    page = Page("<body><main><h1>Result</h1><details open><summary>impl Result</summary><p>Returns the value.</p>"
                "</details><details><summary>impl Clone for Result</summary><div><p>Returns a copy of the value.</p>"
                "</div></details></main></body>")
    assert region_text(page).split("\n\n") == ["Result", "impl Result", "Returns the value.", "impl Clone for Result"]


def test_block_lines_walks_any_depth():
    page = Page("<div>" * 3000 + "deep<br>below" + "</div>" * 3000 + "<p>after <b>bold</b></p>")
    assert block_lines(page.tree.body) == ["deep", "below", "after bold"]  # (no recursion: no RecursionError)


def test_a_text_that_holds_the_region_stays():
    region = region_text(Page(SECTION))
    for kind, gain in (("listing", CARD_GAIN), ("article", ARTICLE_GAIN), ("forum", FORUM_GAIN)):
        assert as_cards(SECTION, region[: int(len(region) / gain) + 1], kind, 10**6, [], Cleaner().clean)[1] == []
        assert as_cards(SECTION, region[: int(len(region) / gain) - 1], kind, 10**6, [], Cleaner().clean)[1] != []
    assert as_cards(SECTION, "Science", "product", 10**6, [], Cleaner().clean) == ("Science", [])  # a product's own


def test_a_collection_whose_text_is_prose_keeps_it():
    guide = "Our trail boots are stitched by hand in Portugal from waxed leather that softens as you walk. " * 3
    assert len(guide) >= PROSE_CHARS
    text = "\n\n".join([guide] * (PROSE_KEPT // len(guide) + 1))  # a buyer's guide the extractor took
    shop = SECTION.replace(CARDS, CARDS * 3)
    assert as_cards(shop, text[:PROSE_KEPT // 4], "collection", 10**6, [], Cleaner().clean)[1] != []
    assert as_cards(shop, text, "collection", 10**6, [], Cleaner().clean) == (text, [])
    assert as_cards(shop, text, "listing", 10**6, [], Cleaner().clean)[1] != []  # a listing's entries all the same


POSTS = ["I pitched mine on the ridge in a gale and it held all night, though the poles bent a little at dawn.",
         "Mine survived three storms in the Alps, but only after I replaced the stock pegs with longer ones.",
         "Check the hydrostatic head rating too: anything under two thousand millimetres leaks in real rain."]
ARTICLE = "The council approved the budget for the new bridge on Tuesday after a long debate. " * 5
THREAD = f"<html><body><main><h1>Bridge budget approved</h1><p>{ARTICLE}</p><h2>12 Comments</h2>" + \
         "".join(f"<div><b>Reader {i}</b><p>{post}</p></div>" for i, post in enumerate(POSTS * 4)) + "</main></body></html>"


def test_an_article_keeps_its_text_when_its_region_is_a_thread_under_it():
    assert as_cards(THREAD, ARTICLE, "article", 10**6, [], Cleaner().clean) == (ARTICLE, [])
    text, warnings = as_cards(THREAD, ARTICLE, "listing", 10**6, [], Cleaner().clean)  # a listing's entries
    assert POSTS[0] in text and "a page of cards" in warnings[0]


def test_on_an_article_only_a_main_the_page_marks_is_its_region():
    page = f"<html><body><h1>Science</h1>{INTRO}<section>{CARDS}</section></body></html>"  # no <main>
    assert as_cards(page, "Science", "article", 10**6, [], Cleaner().clean) == ("Science", [])
    assert "Probe number 3" in as_cards(page, "Science", "listing", 10**6, [], Cleaner().clean)[0]
