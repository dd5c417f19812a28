"""Page types: told by what a page declares and its URL's shape, given by the caller, reported in
the result, and respected by rules scoped to page types (`page_types = [...]`)."""

import json

import pytest

from cleaner import Cleaner, clean
from cleaner.engine.document import Removal
from cleaner.engine.loader import RuleError, build_rule
from cleaner.engine.pagetype import PAGE_TYPES, check_page_type, detect
from cleaner.html import clean_page, unquoted, whole_page

THREAD = "Which tent for the Alps?\nReply\nTake a light tent.\nReply\n"
BODY = "<p>" + "The council approved the budget for the new bridge on Tuesday after a long debate. " * 3 + "</p>"


def ld(kind: str) -> str:
    return f'<html><head><script type="application/ld+json">{{"@type": "{kind}"}}</script></head><body>{BODY}</body></html>'


def reply_rule(**scope: object) -> object:
    return build_rule("t.toml", {"id": "reply-button", "kind": "drop_line", "category": "comments",
                                 "description": "d", "pattern": "^Reply$", **scope})


@pytest.mark.parametrize("html, url, kind", [
    (ld("DiscussionForumPosting"), None, "forum"),
    (ld("QAPage"), None, "forum"),
    ('<script type="application/ld+json">{"@graph": [{"@type": ["WebPage", "TechArticle"]}]}</script>', None,
     "documentation"),
    (ld("Product"), None, "product"),
    ('<html><head><script type="application/ld+json">[{"@type": "BlogPosting"}, {"@type": "Product"}]</script>'
     "</head></html>", None, "article"),  # an article reviewing a product
    ('<meta property="og:type" content="product.group">', None, "collection"),
    ('<div itemscope itemtype="https://schema.org/Product"></div>', None, "product"),
    ("<p>x</p>", "https://example.com/forum/threads/which-tent.12/", "forum"),
    ("<p>x</p>", "https://example.com/docs/install/", "documentation"),
    ("<p>x</p>", "https://docs.example.com/install", "documentation"),
    ("<p>x</p>", "https://docs.example.com/en/5.1/topics/forms/", "documentation"),  # a docs site's section
    ("<p>x</p>", "https://developer.example.com/forums/thread/7", "forum"),  # a developer site's forum
    ("<p>x</p>", "https://shop.example.com/collections/boots", "collection"),
    ("<p>x</p>", "https://shop.example.com/products/trail-boot", "product"),
    ("<p>x</p>", "https://www.city.example.gov/department/public-works", "service"),  # an office, not an aisle
    ("<p>x</p>", "https://example.com/services/data-analytics/", "service"),  # what a business offers
    ("<p>x</p>", "https://example.com/en-us/what-we-do/capabilities.html", "service"),
    ("<p>x</p>", "https://example.com/resume-writing-services-packages/", "article"),  # a slug, not a section
    (ld("NewsArticle"), "https://example.com/services/news/ferry-resumes", "article"),  # it says what it is
    (ld("FAQPage") + ld("Question"), "https://example.com/2024/05/bridge", "article"),  # an FAQ's Question
    ("<p>x</p>", "https://www.reddit.com/r/cooking/comments/1rl0/enameled_pan/", "forum"),
    ("<p>x</p>", "https://community.example.org/some-question", "forum"),
    ("<p>x</p>", "https://example.com/en-us/", "service"),  # a home page introduces the site
    ("<p>x</p>", "https://example.com/2024/05/bridge?page=2", "article"),
    ("<p>x</p>", None, "article"),
    (ld("Article"), "https://developer.example.com/guide/topics/ui", "documentation"),  # docs software's Article
    (ld("Article"), "https://example.com/docs/install/", "documentation"),
    (ld("Article"), "https://news.example.com/guides/top-10-insurers", "article"),  # a news site's guide
])
def test_detect(html, url, kind):
    assert detect(html, url).name == kind


def test_detect_says_why():
    assert "DiscussionForumPosting" in detect(ld("DiscussionForumPosting")).why
    assert "/threads/" in detect("", "https://a.com/threads/x").why


def test_check_page_type():
    assert check_page_type("Forum") == "forum"
    with pytest.raises(ValueError, match="unknown page type 'blog'; the page types are article, forum"):
        check_page_type("blog")


@pytest.mark.parametrize("value", [[], ["blog"], "nope", 5])
def test_the_loader_refuses_unknown_page_types(value):
    with pytest.raises(RuleError, match="'page_types' must be a non-empty list of page types"):
        reply_rule(page_types=value)


def test_a_rule_scoped_to_articles_does_not_run_on_a_forum():
    cleaner = Cleaner.from_rules([reply_rule(page_types=["article"])])
    assert cleaner.clean(THREAD).text == "Which tent for the Alps?\nTake a light tent.\n"  # none given: an article
    forum = cleaner.clean(THREAD, page_type="forum")
    assert forum.text == THREAD and forum.page_type == "forum" and forum.page_type_source == "given"
    assert Cleaner.from_rules([reply_rule()]).clean(THREAD, page_type="forum").text != THREAD  # unscoped: runs
    with pytest.raises(ValueError, match="unknown page type"):
        cleaner.clean(THREAD, page_type="thread")


def test_library_clean_takes_a_page_type():
    assert clean("Story.\n", page_type="listing") == "Story.\n"


def test_html_reports_the_detected_or_given_type():
    cleaner = Cleaner.from_rules([])
    found = clean_page(cleaner, ld("DiscussionForumPosting"))
    assert (found.page_type, found.page_type_source) == ("forum", "detected")
    assert "DiscussionForumPosting" in found.page_type_evidence
    given = clean_page(cleaner, ld("DiscussionForumPosting"), page_type="service")
    assert (given.page_type, given.page_type_source) == ("service", "given")


def test_html_rules_scoped_to_page_types():
    rule = build_rule("t.toml", {"id": "drop-aside", "kind": "drop_element", "category": "navigation",
                                 "description": "d", "selector": "div.aside", "page_types": ["article"]})
    html = f"<html><body>{BODY}<div class='aside'><p>Aside text that is long enough to be extracted too, surely.</p></div></body></html>"
    cleaner = Cleaner.from_rules([rule])
    assert "Aside" not in clean_page(cleaner, html, page_type="article").text
    assert "Aside" in clean_page(cleaner, html, page_type="forum").text


def test_every_page_type_is_named_once():
    assert len(set(PAGE_TYPES)) == len(PAGE_TYPES) == 7


PACK = """\
[[rule]]
id = "reply-button"
kind = "drop_line"
category = "comments"
page_types = ["article"]
description = "Drops a reply button on articles."
pattern = '^Reply$'

[[rule.example]]
input = "Story.\\nReply"
output = "Story."
"""


@pytest.fixture
def pack(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(PACK, encoding="utf-8")
    return path


def test_cli_page_type_option_and_report(pack, run_cli, tmp_path):
    (tmp_path / "t.txt").write_text(THREAD, encoding="utf-8")
    rules = ["--rules", pack, "--no-builtin"]
    assert run_cli("--isolated", "clean", "t.txt", *rules, "--page-type", "forum").stdout.decode() == THREAD
    assert "Reply" not in run_cli("--isolated", "clean", "t.txt", *rules).stdout.decode()
    out = json.loads(run_cli("--isolated", "clean", "t.txt", *rules, "--page-type", "Forum", "--format", "json").stdout)
    assert (out["page_type"], out["page_type_source"]) == ("forum", "given")
    explained = run_cli("--isolated", "explain", "t.txt", *rules).stdout.decode()
    assert "page type: article (default)" in explained
    refused = run_cli("--isolated", "clean", "t.txt", *rules, "--page-type", "blog")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr.decode()


def test_batch_page_type_field(pack, run_cli):
    lines = [{"text": THREAD, "kind": "forum"}, {"text": THREAD}, {"text": THREAD, "kind": "blog"}]
    proc = run_cli("--isolated", "batch", "-", "--rules", pack, "--no-builtin", "--page-type-field", "kind",
                   "--with-removals", "--on-error", "skip", input="".join(json.dumps(r) + "\n" for r in lines))
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [(r["text"] == THREAD, r["page_type"]) for r in out] == [(True, "forum"), (False, "article")]
    assert "field 'kind': unknown page type 'blog'" in proc.stderr.decode()


REPLY = "Take a light two person tent with a strong frame, the wind up there can be fierce at night and it rains."
THREAD_PAGE = (f"<html><body><article><h1>Which tent?</h1>{BODY}</article>"
               f"<div id='comments' class='comments'><ol class='commentlist'><li class='comment'><p>{REPLY}</p></li>"
               "</ol></div></body></html>")


def test_a_forum_keeps_its_replies_an_article_drops_its_comments():
    cleaner = Cleaner()
    assert REPLY in clean_page(cleaner, THREAD_PAGE, page_type="forum").text
    assert REPLY not in clean_page(cleaner, THREAD_PAGE, page_type="article").text


DESCRIPTION = "Waterproof leather boots with a grippy sole, made for long days on rough mountain trails."
SHOP_PAGE = ('<html><head><script type="application/ld+json">{"@type": "Product", "name": "Trail boots", '
             f'"description": "{DESCRIPTION}"}}</script></head><body><h1>Trail boots</h1>{BODY}</body></html>')


def test_a_product_page_gets_the_description_of_its_structured_data():
    found = clean_page(Cleaner(), SHOP_PAGE)
    assert found.page_type == "product" and DESCRIPTION in found.text
    assert DESCRIPTION not in clean_page(Cleaner(), SHOP_PAGE, page_type="article").text
    shown = SHOP_PAGE.replace("</body>", f"<p>{DESCRIPTION}</p></body>")
    assert clean_page(Cleaner(), shown).text.count("grippy sole") == 1  # not added twice


POSTS = ["I pitched a two-person tent on the ridge last May and the wind bent both poles before midnight.",
         "Mine survived three storms in the Alps, but only after I replaced the stock pegs with longer ones.",
         "Check the hydrostatic head rating too: anything under two thousand millimetres leaks in real rain.",
         "A tunnel tent pitched tail to the wind holds far better than a dome, in my experience anyway."]
MENU = "".join(f"<li><a href='/t/{n}'>{n} tents, pegs and poles for hikers</a></li>" for n in range(12))
STUB = "<html><head><title>Which tent for windy ridges?</title></head><body><nav><ul>" + MENU + "</ul></nav>" \
       "<h1>Which tent for windy ridges?</h1><p>Posted in Gear.</p><div class='comments'>{}</div></body></html>"


def test_a_page_whose_comments_hold_more_than_the_rest_is_a_thread():
    page = STUB.format("".join(f"<div class='comment'><div class='text'>{post}</div></div>" for post in POSTS))
    found = clean_page(Cleaner(), page)
    assert found.page_type == "forum" and "comment sections held" in found.page_type_evidence
    assert all(post in found.text for post in POSTS)
    assert POSTS[0] not in clean_page(Cleaner(), page, page_type="article").text  # a given type stays
    assert THREAD_PAGE and clean_page(Cleaner(), THREAD_PAGE).page_type == "article"  # an article with a reply


def test_a_thread_drops_a_post_given_twice_word_for_word():
    # trafilatura gives some threads' posts twice, as the main text and again among the comments
    text = "\n\n".join([POSTS[0], "Quote", POSTS[1], POSTS[2], "Quote", POSTS[0], POSTS[3]])
    assert unquoted(text) == "\n\n".join([POSTS[0], "Quote", POSTS[1], POSTS[2], "Quote", POSTS[3]])


CARDS = "".join(f"<li><a href='/p/{i}'>Trail shoe model {i}</a> breathable mesh upper, grippy sole, $ {i}9.00</li>"
                for i in range(12))
SEO = " ".join(f"Shop trail shoes online, with free returns, fast delivery and size guides, at our store number {i}."
               for i in range(8))
CATEGORY_PAGE = f"<html><body><main><h1>Trail shoes</h1><ul class='grid'>{CARDS}</ul></main><div><div>{SEO}</div></div></body></html>"


def test_a_collection_keeps_its_cards_not_the_fallbacks_longer_text():
    text = clean_page(Cleaner(), CATEGORY_PAGE, page_type="collection").text
    assert "Trail shoe model 11" in text and "store number 3" not in text


def test_a_text_far_shorter_than_the_page_is_taken_from_the_page_as_it_was():
    removal = Removal("html-related", "related", 0, "Trail shoe model 3 breathable mesh upper")
    text, removals, warnings = whole_page(CATEGORY_PAGE, None, "Trail shoes", [removal], "collection")
    assert "Trail shoe model 11" in text and removals == [] and "extracted again" in warnings[0]
    whole = clean_page(Cleaner(), CATEGORY_PAGE, page_type="collection").text
    assert whole_page(CATEGORY_PAGE, None, whole, [removal], "collection") == (whole, [removal], [])
