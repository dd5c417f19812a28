"""The HTML kinds that find furniture by the page's structure: captions, related boxes, comment runs."""

from __future__ import annotations

import pickle

import pytest

from cleaner import Cleaner
from cleaner.engine.loader import RuleError, build_rule
from cleaner.html import clean_page

P1 = "The city council approved the budget on Monday after a long debate about schools and roads."
P2 = "The vote was seven to two, and the new budget takes effect in January next year."
P3 = "The mayor thanked the council and said the roads would be fixed by the summer."
CAPTION = "Council members vote on Monday. Jane Doe / The Daily"
PHOTO = f"<figure><div class='media'><img src='council.jpg'></div><div class='txt'>{CAPTION}</div></figure>"
RELATED = ("<ul class='more'><li><a href='/a'>Mayor unveils a plan for the city's roads</a></li>"
           "<li><a href='/b'>School repairs are delayed again this year</a></li>"
           "<li><a href='/c'>Bridge over the river will close in May</a></li></ul>")
COMMENTS = ("<div class='talk'>" + "".join(
    f"<div class='c'><b>{who}</b> March 12, 2024<p>{said}</p></div>" for who, said in (
        ("Mark", "About time they fixed the roads in this part of town, honestly."),
        ("Ann", "Schools needed this money more than anything else."),
        ("Joe", "Seven to two is not much of a debate at all."))) + "</div>")
PAGE = f"<html><body><article><p>{P1}</p>{PHOTO}<p>{P2}</p><p>{P3}</p>{RELATED}</article>{COMMENTS}</body></html>"


def test_shipped_rules_remove_each_shape_and_name_the_element():
    result = clean_page(Cleaner(), PAGE)
    assert result.text == f"{P1}\n\n{P2}\n\n{P3}\n"
    by_rule = {r.rule_id: r for r in result.removals}
    assert (by_rule["html-caption-by-shape"].element, by_rule["html-caption-by-shape"].category) == ("div.txt", "caption")
    assert by_rule["html-related-by-shape"].element == "ul.more"
    assert by_rule["html-comments-by-shape"].element == "div.talk"
    assert by_rule["html-comments-by-shape"].category == "comments"


@pytest.mark.parametrize(("category", "rule"), [("caption", "html-caption-by-shape"), ("related", "html-related-by-shape"),
                                              ("comments", "html-comments-by-shape")])
def test_ignoring_a_category_switches_its_shape_rule_off(category, rule):
    assert rule in {r.rule_id for r in clean_page(Cleaner(), PAGE).removals}
    assert rule not in {r.rule_id for r in clean_page(Cleaner(ignore=[category]), PAGE).removals}


def test_ignoring_captions_keeps_a_caption_found_by_shape():
    """A caption in the table cell under its picture (trafilatura drops a figure's text itself)."""
    page = PAGE.replace(PHOTO, f"<table><tr><td><img src='council.jpg'></td></tr><tr><td>{CAPTION}</td></tr></table>")
    assert CAPTION not in clean_page(Cleaner(), page).text
    assert CAPTION in clean_page(Cleaner(ignore=["caption"]), page).text


def test_a_link_list_that_is_the_page_is_kept():
    """A listing whose entries are the page's text is a wrapper, not a related box."""
    items = "".join(f"<li><a href='/p{i}'>Recipe number {i} for a quick weeknight dinner</a></li>" for i in range(8))
    page = f"<html><body><h1>Dinners</h1><ul>{items}</ul><p>Short note.</p></body></html>"
    assert "Recipe number 3 for a quick weeknight dinner" in clean_page(Cleaner(), page).text


def test_a_forum_thread_that_is_the_page_is_kept():
    """Posts of one shape holding most of the page's text are its content (the wrapper guard)."""
    posts = "".join(f"<div class='post'><b>user{i}</b> 2 hours ago<p>{text}</p></div>" for i, text in enumerate((P1, P2, P3)))
    page = f"<html><body><h1>Budget thread</h1><div class='thread'>{posts}</div></body></html>"
    text = clean_page(Cleaner(), page).text
    assert P1 in text and P3 in text


def test_an_image_in_a_paragraph_keeps_the_text_around_it():
    page = f"<html><body><article><p>{P1}</p><div><p><img src='x.jpg'>{P2}</p></div><p>{P3}</p></article></body></html>"
    assert P2 in clean_page(Cleaner(), page).text


@pytest.mark.parametrize(("kind", "options", "message"), [
    ("drop_caption", {"max_words": 0}, "'max_words' must be at least 1"),
    ("drop_comment_run", {"min_run": 1}, "'min_run' must be at least 2"),
    ("drop_link_block", {"min_link_share": 1.5}, "'min_link_share' in (0, 1]"),
    ("drop_link_block", {"selector": "ul["}, "bad CSS selector"),
    ("drop_byline", {"max_words": 0}, "'max_words' must be at least 1"),
    ("drop_byline", {"openers": ["by"]}, "option 'openers' must be str"),
    ("drop_outside_main", {"min_link_share": 0}, "'min_link_share' in (0, 1]"),
])
def test_bad_options_name_the_rule_and_the_option(kind, options, message):
    table = {"id": "shape", "kind": kind, "category": "related", "description": "d", **options}
    with pytest.raises(RuleError, match="rule 'shape'") as err:
        build_rule("test.toml", table)
    assert message in str(err.value)


def test_steps_survive_pickling_with_their_options():
    """The batch pool sends the rules to its workers."""
    for rule in Cleaner().rules:
        if rule.kind in {"drop_caption", "drop_link_block", "drop_comment_run", "drop_byline", "drop_outside_main"}:
            again = pickle.loads(pickle.dumps(rule.step))
            assert (type(again), again.selector, again.options) == (type(rule.step), rule.step.selector, rule.step.options)


def page_with(block: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><article><p>{P1}</p>{block}<p>{P2}</p><p>{P3}</p></article></body></html>"


def test_text_beside_a_picture_outside_a_figure_is_kept():
    story = "The old bar cabinet from the fifties is the highlight"
    assert story in clean_page(Cleaner(), page_with(f"<div><img src='bar.jpg'><div>{story}</div></div>")).text


def test_a_data_table_with_pictures_keeps_its_cells():
    rows = "".join(f"<tr><td><img src='{i}.png'></td><td>Cell text number {i} of the table</td></tr>" for i in range(4))
    assert "Cell text number 2 of the table" in clean_page(Cleaner(), page_with(f"<table>{rows}</table>")).text


def test_a_lead_of_two_sentences_beside_its_picture_is_kept():
    lead = "Roads and schools get more money next year. The council says the work starts in spring."
    text = clean_page(Cleaner(), page_with(f"<div><img src='lead.jpg'><p>{lead}</p></div>")).text
    assert lead in text


def test_links_to_other_sites_are_not_a_related_box():
    deals = "".join(f"<li><a href='https://shop.example.net/{i}'>A cheap deal on garden tool number {i}</a></li>"
                    for i in range(4))
    head = "<link rel='canonical' href='https://www.daily.example.com/budget'>"
    assert "garden tool number 2" in clean_page(Cleaner(), page_with(f"<ul>{deals}</ul>", head)).text
    ours = deals.replace("https://shop.example.net", "https://daily.example.com")
    assert "garden tool number 2" not in clean_page(Cleaner(), page_with(f"<ul>{ours}</ul>", head)).text


def test_an_element_declared_an_article_is_kept_whatever_its_shape():
    entries = "".join(f"<li><a href='/e{i}'>Live entry number {i} from the council meeting</a></li>" for i in range(4))
    block = f"<ul itemscope itemtype='https://schema.org/LiveBlogPosting'>{entries}</ul>"
    removed = lambda page: {r.rule_id for r in clean_page(Cleaner(), page).removals}  # noqa: E731
    assert "html-related-by-shape" not in removed(page_with(f"<div>{block}</div>"))
    assert "html-related-by-shape" in removed(page_with(f"<div>{block.replace('Posting', '')}</div>"))


HEAD = "<h1>Council passes the budget</h1>"
BYLINE = "Posted on March 12, 2024 by Jane Doe"
MENU = ("<p><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/sport'>Sport</a> | <a href='/weather'>Weather</a>"
        " | <a href='/contact'>Contact us</a></p>")


def test_a_byline_near_the_headline_goes_and_explain_names_its_element():
    page = f"<html><body><article>{HEAD}<div class='meta-x'>{BYLINE}</div><p>{P1}</p><p>{P2}</p></article></body></html>"
    result = clean_page(Cleaner(), page)
    assert "Jane Doe" not in result.text and P1 in result.text
    removal = next(r for r in result.removals if r.rule_id == "html-byline-by-shape")
    assert (removal.element, removal.category, removal.text) == ("div.meta-x", "metadata", BYLINE)
    assert "Jane Doe" in clean_page(Cleaner(ignore=["metadata"]), page).text


def test_a_date_list_in_the_body_is_not_a_dateline():
    """Past the second paragraph of prose the zone near the headline ends: a timeline's dates are the article's."""
    timeline = "<ul><li>March 12, 2024</li><li>April 2, 2024</li></ul>"
    page = f"<html><body><article>{HEAD}<p>{P1}</p><p>{P2}</p>{timeline}<p>{P3}</p></article></body></html>"
    text = clean_page(Cleaner(), page).text
    assert "March 12, 2024" in text and "April 2, 2024" in text


def test_an_author_named_inside_a_sentence_stays():
    said = f"<div>The budget was followed all night by <span itemprop='author'>Jane Doe</span> of the Daily, who counted the votes.</div>"
    page = f"<html><body><article>{HEAD}{said}<p>{P1}</p><p>{P2}</p></article></body></html>"
    assert "Jane Doe of the Daily" in clean_page(Cleaner(), page).text


def test_a_menu_outside_the_main_block_goes_and_one_inside_stays():
    body = f"<div><p>{P1}</p><p>{P2}</p><p>{P3}</p></div>"
    outside = f"<html><body><div>{body}<div class='links'>{MENU}</div></div></body></html>"
    result = clean_page(Cleaner(), outside)
    assert "Weather" not in result.text
    assert any(r.rule_id == "html-navigation-by-shape" and r.element == "div.links" for r in result.removals)
    assert "Weather" in clean_page(Cleaner(ignore=["navigation"]), outside).text
    inside = f"<html><body><div><div><p>{P1}</p><p>{P2}</p>{MENU}<p>{P3}</p></div></div></body></html>"
    assert not any(r.rule_id == "html-navigation-by-shape" for r in clean_page(Cleaner(), inside).removals)


def test_a_post_of_one_line_is_not_its_bylines_element():
    """A declared post (microformats hentry) holding one line and a 'Posted in' line stays, though both are short."""
    post = ("<div class='post hentry'><div class='entry'><p>PDF: <a href='/advice.pdf'>advice-sheet</a></p></div>"
            "<div class='info'><p>Posted in <a href='/c'>Worksheets</a></p></div></div>")
    page = f"<html><body><div><h2>{P1}</h2>{HEAD}</div>{post}<p>{P2}</p></body></html>"
    assert "advice-sheet" in clean_page(Cleaner(), page).text


def test_rows_of_names_and_years_are_not_datelines():
    rows = "".join(f"<table><tr><td><p>Runner{i}, Anja 1992; Walker{i}, Heike 1993</p></td></tr></table>" for i in range(3))
    page = f"<html><body><article>{HEAD}{rows}<p>{P1}</p><p>{P2}</p></article></body></html>"
    assert "Runner1, Anja 1992" in clean_page(Cleaner(), page).text


def test_a_cooking_time_is_not_a_date():
    times = "<div class='times'>Baking <time datetime='PT25M'>25 min</time></div>"
    page = f"<html><body><article>{HEAD}{times}<p>{P1}</p><p>{P2}</p></article></body></html>"
    removed = {r.text for r in clean_page(Cleaner(), page).removals if r.rule_id == "html-byline-by-shape"}
    assert not any("25 min" in text for text in removed)


def test_link_counts_of_one_pass_match_each_elements_own_query():
    """LinkBlocks counts links per element in one pass up from the page's links: the same counts as each
    element's css("a") (itself included, links without text left out), and the median shortcut holds."""
    from itertools import product
    from statistics import median

    from cleaner.engine.elements import Page, text_of
    from cleaner.engine.structure import _titled_links

    page = Page(f"<html><body><div><ul>{RELATED[20:-5]}</ul><a href='/x'><img src='i.png'></a>"
                "<section><a href='/y'>One two</a><div><a href='/z'>Three four five six seven</a></div></section>"
                "</div><a href='/top'>Top of the page here</a></body></html>")
    counts = _titled_links(page, {}, 4)
    for node in page.tree.body.traverse():
        titles = [text_of(a) for a in node.css("a") if text_of(a)]
        assert counts.get(node.mem_id, [0, 0]) in ([0, 0], [len(titles), sum(len(t.split()) < 4 for t in titles)])
        assert (node.mem_id in counts) == bool(titles)
    for words in (w for n in range(1, 6) for w in product(range(1, 7), repeat=n)):
        if 2 * sum(w < 4 for w in words) > len(words):
            assert median(words) < 4


@pytest.mark.parametrize("labels", ["advertisement|anzeige", "sponsored content|ad", "paid  post|x"])
def test_the_label_shortcut_matches_the_whole_texts_match(labels):
    """OutsideBlocks builds an element's text for its ad labels only when nothing past the longest label's words
    holds a word character: the same answers as matching each element's whole text."""
    from cleaner.engine.elements import Page, text_of
    from cleaner.engine.structure import _label_pattern, _labelled

    page = Page("<body><div>Advertisement</div><div> ANZEIGE :: -- </div><div>Advertisement <b>Buy</b></div>"
                "<div><span>Sponsored</span>\n content !</div><div>Sponsored content by us</div><div>ad - - -</div>"
                "<div>ad \u00e9</div><div>Paid post</div><div>advertisements</div><div></div><div>x _</div><div>X ?</div></body>")
    pattern, most = _label_pattern(labels)
    answers = [(_labelled(node, pattern, most), bool(pattern.fullmatch(text_of(node)))) for node in page.tree.css("div")]
    assert all(fast == whole for fast, whole in answers) and any(fast for fast, _ in answers)
