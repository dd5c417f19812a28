"""The HTML front end: decode the page, prune furniture by selector, extract the main text, run the text rules."""

from __future__ import annotations

import codecs
import html as html_lib
import re
from collections.abc import Callable
from functools import cache, partial
from itertools import accumulate
from operator import sub
from weakref import WeakKeyDictionary

import trafilatura

from cleaner.engine.cards import region_text
from cleaner.engine.document import Kept, Removal
from cleaner.engine.elements import Echo, Page, Prune, text_of
from cleaner.engine.fast import watchdog
from cleaner.engine.pagetype import ARTICLE, PageType, check_page_type, declared_description, declared_names, detect
from cleaner.engine.pipeline import Cleaner, Result
from cleaner.engine.loader import Rule

# fast=False: trafilatura may take its fallback's text (readability, jusText) when its own is short.
# On 12 of the 29 traf-dev pages that lost most recall the text was only in the fallback's; alone,
# the switch moved traf-dev F1 0.924 -> 0.927 and AEB 0.980 -> 0.979 (a few pages its own pass had
# right get the fallback's worse text).
EXTRACT_OPTIONS = {"include_comments": False, "fast": False}
# Per page type, chosen on half 0 of wcxb-dev's sites (docs/quality.md): a forum thread's replies are
# what trafilatura calls its comments; on a collection (a shop's category page) the fallbacks' longer
# text is the page's filters and footer, not its products (fast=True on pages detected as collections:
# F1 0.565 -> 0.570 on half 0, 0.563 -> 0.581 on half 1; on every other detected type it lost).
EXTRACT_BY_TYPE: dict[str, dict[str, object]] = {"forum": {"include_comments": True}, "collection": {"fast": True}}
# A page taken for an article whose comment sections (the rules of category 'comments') held more text
# than THREAD_SHARE times what was left of it is a thread whose posts a template calls comments (lobste.rs,
# Lemmy, Slashdot): it is cleaned again as a forum. On half 0 of wcxb-dev's sites no article page has over
# 1.0 x its text in comments and 4 threads have 1.8 x to 39 x; at 1.0, a podcast's page of traf-dev with
# a short text and a few comments (1.09 x) was taken for a thread.
THREAD_SHARE = 1.5
# Not a page that declares itself a news story or a blog post (schema.org, any of NEWS_OR_POST): its comments
# are readers' comments under a story, however short the story (a chart and two paragraphs under nine comments,
# 1.8 x, was cleaned as a forum, its related box and comments kept). On wcxb-dev none of the 112 forum pages
# declares one of these types and 137 of the 711 article pages do; a plain Article stays open to the test
# (forum software marks its posts so: warriorforum's thread declares Article).
NEWS_OR_POST = frozenset({"NewsArticle", "ReportageNewsArticle", "OpinionNewsArticle", "AnalysisNewsArticle",
                          "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting", "LiveBlogPosting"})
# On a forum a quoted post repeats the post it quotes, and trafilatura gives some posts twice (as the
# main text and as a comment): a paragraph of QUOTED_CHARS or more equal to an earlier one is dropped.
QUOTED_CHARS = 30
# A product page whose extracted text holds under DESCRIBED of the words of the description its
# structured data gives (JSON-LD Product) gets that description added: shops often render it by script.
DESCRIBED = 0.5
# A page of cards (a listing, a shop's category page, a site's front page): trafilatura keeps its heading or
# intro and leaves out its entries, blocks made mostly of links. When the main region of the page as it was
# (cleaner.engine.cards: its <main> or body without navigation, header, footer, sidebars and forms; on an article,
# without the comment sections its rules find) holds over CARD_GAIN times the extracted text, the region's
# text is taken. Not on a product page: its region holds its recommendations, and its description is the
# content. On a page taken for an article, only from a <main> the page marks (the body of a news page is its
# related links and teasers: AEB F1 0.966 -> 0.937 with it) and over ARTICLE_GAIN times the text. Chosen on
# half 0 of wcxb-dev's sites: F1 0.839 -> 0.852, 0.856, 0.854, 0.851, 0.847 at CARD_GAIN 1.5, 2, 2.5, 3, 4
# (products too: 0.653 -> 0.642 at 3). ARTICLE_GAIN 3, not 2: at 2, half 0 of traf-dev 0.949 -> 0.948 and of
# AEB 0.967 -> 0.965 (on wcxb-dev's 0.855 -> 0.852).
# On a forum thread, over FORUM_GAIN times: its posts are prose that trafilatura takes with its comments, and the
# region adds each post's furniture (poster, rank, join date, post count, signature, vote and share buttons), where
# on a thread of short posts the entries are links trafilatura leaves out. Chosen on half 0 of wcxb-dev's sites:
# F1 summed over its 51 forum pages +0.42, +0.40, -0.03 at FORUM_GAIN 3, 4, 5, and -0.47 never taken (half 1:
# +1.4 over 61 at 3).
CARD_GAIN = 2.0
NOT_CARDS = ("product",)
ARTICLE_GAIN = 3.0
FORUM_GAIN = 3.0
GAINS = {ARTICLE: ARTICLE_GAIN, "forum": FORUM_GAIN}
# A shop's category page whose extracted text holds PROSE_KEPT characters or more in paragraphs of PROSE_CHARS or
# more keeps it: trafilatura took the page's own text (a buyer's guide, the range's story), and the region is
# its grid of products with their options and filters. Chosen on half 0 of wcxb-dev's sites (0, 200, 1000, 1500
# tried): collection F1 summed over its 40 pages +2.24 at 1000 and 1500, +2.13 at 200 (half 1: +0.18).
PROSE_CHARS = 200
PROSE_KEPT = 1000
# Re-extraction: when the text from the pruned page is under SHORT_SHARE of the page's paragraph
# text (measured before pruning), the page as it was is extracted too, without the paragraphs that
# a selector removed, and that text is taken when it is over GAIN times as long. A rule whose
# removals held WRAPPER_SHARE of that text matched content (a wrapper, a slideshow's hidden
# slides), not furniture: what it removed is put back, with a warning.
SHORT_SHARE = 0.5
GAIN = 1.5
WRAPPER_SHARE = 0.3
# The wrong block: when the text is under WRONG_BLOCK of all the text of the page's body (a listing's
# heading without its entries, a schedule's caption without its table), the page as it was is extracted,
# nothing removed, and that text is taken when it is over WHOLE_GAIN times as long. Chosen on half 0 of
# wcxb-dev's sites (0.02, 0.05, 0.1, 0.2, 0.3 x 1.5, 2, 3 tried; 0.1 and over lost on half 0; 2 gained most
# there but took a page of traf-dev's menus with its article, 2.2 x as long).
WRONG_BLOCK = 0.05
WHOLE_GAIN = 3.0
# A lead a guard kept in the page (see spared) that the extractor left out is put in its
# text when a paragraph the extractor took starts within LEAD_GAP characters after it in the pruned
# page: trafilatura takes the block of the body paragraphs and misses the lead just above it.
LEAD_GAP = 300
# A page's <noscript> elements holding NOSCRIPT_CHARS of text or more may hold its content (see from_noscript); under
# it they hold a notice ('Please enable JavaScript to view this page', 46 characters on a shop's empty page).
NOSCRIPT_CHARS = 1000
# The headline stays (docs/html.md): an h1 of at least HEADLINE_WORDS words and at most MAX_HEADLINE
# characters, among the first MAX_H1 of the page, whose text the page's title holds.
HEADLINE_WORDS = 2
MAX_HEADLINE = 300
MAX_H1 = 10
# Scripts are stripped from the parsed copy: a script tag in its text is markup read as text (see misread).
MISREAD = re.compile(r"</?script\b[^>]*>", re.I)
_TITLE_PARTS = re.compile(r"\s+[|\u2013\u2014\u00b7:-]+\s+")

_DECLARED = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Bounds on the work per page (see docs/html.md): lexbor builds a tree in time quadratic
# in its depth (100,000 nested divs: 97 s), lxml under trafilatura drops all of a page nested past
# 255 levels, and trafilatura's time grows faster than the page (benchmarks/html_bounds.py: 10,000
# paragraphs 0.4 s, 99,000 22 s), so a page's cleaning also has the document's time limit (clean_page).
MAX_DEPTH = 128  # nested elements kept; the tags of deeper ones are dropped, their text kept
MAX_ELEMENTS = 100_000  # past this, no main-text extraction: the text of the whole page is kept
LXML_TEXT_LIMIT = 9_500_000  # bytes of text without a tag; libxml2 drops a node of 10,000,000 and all after it
# Not counted as nesting, nor ever dropped: void elements, and elements that a sibling closes
# (a <p> ends at the next <p>, a <td> at the next <td>), whose end tags pages often leave out.
_FLAT = "area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|" \
        "p|li|dt|dd|option|optgroup|tr|td|th|thead|tbody|tfoot|colgroup|caption|rb|rt|rtc|rp|html|head|body"
# Nor SVG's and MathML's elements closed by '/>' (an icon's <path d="..."/>): in foreign content the
# slash closes them; counted as nesting, the icons of a shop page made it look 300 levels deep.
_FOREIGN = "path|circle|rect|line|polyline|polygon|ellipse|use|stop|image|mpath|animate\\w*|set|fe\\w+|g|svg|" \
           "symbol|defs|clippath|lineargradient|radialgradient|mask|pattern|text|tspan|mi|mo|mn|mspace|none"


def _alternation(words: list[str]) -> str:
    """A regex alternation of the words (regex pieces too) matching what '|'.join(words) matches, its literal words
    sharing their prefixes ('tbody|td|tr' gives 't(?:body|d|r)'): re tries every branch of an alternation in turn,
    and the lookaheads below are tried at every tag of a large page."""
    literal = [w for w in words if re.escape(w) == w]
    groups: dict[str, list[str]] = {}
    for word in literal:
        groups.setdefault(word[0], []).append(word[1:])
    branches = [w for w in words if w not in literal]
    for first, rests in groups.items():
        inner = _alternation([r for r in rests if r]) if any(rests) else ""
        branches.append(first + (f"{inner}?" if "" in rests and inner else inner))
    return "(?:" + "|".join(branches) + ")"


_NOT_NESTING = rf"(?!{_alternation(_FLAT.split('|'))}[\s/>])(?!{_alternation(_FOREIGN.split('|'))}(?:[\s/][^>]*)?/>)"
_NESTING = re.compile(rf"<(/?){_NOT_NESTING}[a-zA-Z]", re.I)  # the start of a nesting tag: '' or '/'
_NESTING_TAG = re.compile(rf"<(/?){_NOT_NESTING}[a-zA-Z][^>]*>", re.I)
_STEP = {"": 1, "/": -1}
SCREEN_TAGS = 2_000  # a page with fewer tags is parsed first: lexbor takes a few ms even at that depth
_DEEPER = " > ".join(["*"] * (MAX_DEPTH + 64))  # the tree's elements count, html, body and p included
# (to the first end tag, as `.*?</\1\s*>` would, but a run of text at a time rather than a character)
_SCRIPT = re.compile(r"<(script|style|template)\b[^<]*(?:<(?!/\1\s*>)[^<]*)*</\1\s*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_NOSCRIPT = re.compile(r"<noscript\b.*?</noscript\s*>", re.I | re.S)
_NOSCRIPT_TAG = re.compile(r"</?noscript\b[^>]*>", re.I)
# Browsers read these as windows-1252 (WHATWG Encoding Standard); names as codecs.lookup gives them.
_AS_CP1252 = {"iso8859-1", "ascii"}
_PRINTABLE = bytes(range(0x20, 0x7F))


def clean_html(html: str | bytes, url: str | None = None) -> str:
    """Clean one page with the shipped rules: its article text, without furniture."""
    return clean_page(_shipped(), html, url).text


@cache
def _shipped() -> Cleaner:
    return Cleaner()


def clean_page(cleaner: Cleaner, html: str | bytes, url: str | None = None, lang: str | None = None, *,
               site: str | None = None, page_type: str | None = None) -> Result:
    """Prune the page with the cleaner's HTML rules, extract its main text, then run its text rules
    (`lang` as Cleaner.clean takes it: any case, a region, an English name; rules scoped to sites run
    for `site`, else for the host of `url`; rules scoped to page types for `page_type`, else for the
    type the page declares or its URL shows). A page past a bound (docs/html.md) keeps all its text, with
    a warning: one the parser would cut short, or one whose cleaning uses up the document's time limit."""
    source = decode(html) if isinstance(html, bytes) else html
    kind = detect(source, url) if page_type is None else PageType(check_page_type(page_type), "given")
    why = too_long_text(source)
    if why is None:
        seconds = page_seconds(cleaner, source)
        try:
            with watchdog.cpu_limit(seconds):
                result = _clean_page(cleaner, source, url, lang, site=site, page_type=kind.name)
                if page_type is None and kind.name == ARTICLE and (thread := as_thread(result, source)):
                    kind, result = thread, _clean_page(cleaner, source, url, lang, site=site, page_type=thread.name)
                return _typed(result, kind, page_type)
        except watchdog.OverTime:
            why = (f"cleaning the page took over its time limit ({seconds:.1f} s of CPU: the timeout per MB, "
                   "at least 1 MB, as Cleaner(timeout=...) or --timeout sets it): main-text extraction and the HTML "
                   "rules skipped")
    return _typed(_page_as_text(cleaner, source, lang, cleaner.site(site, url), why, kind.name), kind, page_type)


def _typed(result: Result, kind: PageType, given: str | None) -> Result:
    """The result with the page type it was cleaned as, and where that came from."""
    return result._replace(page_type=kind.name, page_type_source="given" if given is not None else "detected",
                           page_type_evidence=kind.why)


def as_thread(result: Result, source: str) -> PageType | None:
    """A forum thread, when the comment sections removed from a page taken for an article held over
    THREAD_SHARE times the text left of it (its posts under a template's name for comments) and the page
    (`source`) declares no news story or blog post (NEWS_OR_POST); else None."""
    if not (comments := thread_like(result.removals, result.text)) or declared_names(source) & NEWS_OR_POST:
        return None
    return PageType("forum", f"its comment sections held {comments} characters, the rest of it {len(result.text)}")


def thread_like(removals: list[Removal], text: str) -> int:
    """The characters of the comment sections removed when over THREAD_SHARE times `text`; else 0."""
    comments = sum(len(removal.text) for removal in removals if removal.category == "comments")
    return comments if comments > THREAD_SHARE * len(text) else 0


def page_seconds(cleaner: Cleaner, source: str) -> float | None:
    """The page's time limit: the cleaner's timeout per MB of the page, at least 1 MB (None: no limit)."""
    return None if cleaner.timeout is None else cleaner.timeout * max(1.0, len(source) / 1_000_000)


def too_long_text(source: str) -> str | None:
    """Why the page cannot be parsed whole: a run of text without a tag over LXML_TEXT_LIMIT bytes, which
    lxml (under trafilatura) drops with everything after it; None for a page without one."""
    if len(source) * 4 <= LXML_TEXT_LIMIT:  # (no run can be that long: the common case, at once)
        return None
    longest = max((len(run.encode("utf-8", "surrogatepass")) for run in source.split("<")
                   if len(run) * 4 > LXML_TEXT_LIMIT), default=0)
    if longest <= LXML_TEXT_LIMIT:
        return None
    return (f"page holds {longest / 1e6:.1f} MB of text without a tag (lxml drops such a run, and all after "
            "it, from 10 MB): main-text extraction and the HTML rules skipped")


def _page_as_text(cleaner: Cleaner, source: str, lang: str | None, site: str | None, why: str,
                  page_type: str = ARTICLE) -> Result:
    """A page past a bound: all its text, tags stripped, as one paragraph for the text rules; `why` as a warning."""
    text = html_lib.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", source)))
    result = cleaner.clean(" ".join(text.split()), lang, site=site, page_type=page_type)
    return result._replace(warnings=[f"{why}, all the text of the page kept as one paragraph", *result.warnings])


def _clean_page(cleaner: Cleaner, html: str | bytes, url: str | None = None, lang: str | None = None, *,
                site: str | None = None, page_type: str = ARTICLE) -> Result:
    """clean_page's work, within the page's bounds."""
    lang = None if lang is None else cleaner.language(lang)
    source = decode(html) if isinstance(html, bytes) else html
    site = cleaner.site(site, url)
    tags = source.count("<") - source.count("</")  # start tags (at least as many as the elements)
    if tags > MAX_ELEMENTS:
        return _too_many_elements(cleaner, source, lang, site, page_type)
    original = source
    page, source, warnings = parse(source, tags)
    rules = page_rules(cleaner, site, page_type)
    echoes = [(rule, text) for rule in rules.echoes if (text := rule.step(page))]
    title = headline(page)
    removals = prune(page, rules)
    text = extract(page.tree.html or "", url, page_type)
    kept = spared(page, rules)
    text, leads = restore_leads(text, page, rules)
    kept += leads
    as_was = cache(partial(extract, source, url, page_type))  # the page as it was, extracted once at most
    if misread(text, as_was):
        text, removals = as_was(), []
        warnings.append("html: the parsed page's text held a script tag (markup read as text); extracted again "
                        "from the page as it was, nothing removed")
    if len(text) < SHORT_SHARE * page.totals[0]:
        text, removals, more, put_back = reextract(source, url, text, removals, page_type, as_was())
        warnings += more
        kept += put_back
    if not text and removals:  # pruning took the article with it: extract from the page as it was
        text, removals = as_was(), []
    elif len(text) < WRONG_BLOCK * page.totals[1] and not thread_like(removals, text):
        text, removals, more = whole_page(source, url, text, removals, page_type, as_was())
        warnings += more
    text, removals, more = from_noscript(original, url, text, removals, page_type)
    warnings += more
    text, more = as_cards(source, text, page_type, page.totals[1], rules, partial(cleaner.clean, lang=lang, site=site))
    warnings += more
    text = add_declared(text, source, page_type)
    text, dropped = drop_echoes(text, echoes)
    text = with_headline(text, title)
    result = cleaner.clean(text, lang, site=site, page_type=page_type)
    kept = still_in(kept, result.text)
    warnings += [f"html: rule '{k.rule_id}' {k.why}: {_clip(k.text)}" for k in kept]
    return result._replace(removals=removals + dropped + result.removals, warnings=warnings + result.warnings,
                           kept=kept)


def parse(source: str, tags: int) -> tuple[Page, str, list[str]]:
    """The page parsed, its tags nested past MAX_DEPTH dropped first when it is that deep (and a
    warning saying so). A page of many tags is looked at before it is parsed: a deep one would take
    long; one of few tags, after (a selector finds a deep element at once). A <noscript>'s content is left out
    first, as a browser running scripts reads it (see without_noscript)."""
    source = without_noscript(source)
    if tags > SCREEN_TAGS:
        source, warning = flatten(source)
        page = Page(source)
    else:
        page, warning = Page(source), None
        if page.tree.css_first(_DEEPER) is not None:
            source, warning = flatten(source)
            page = Page(source) if warning else page
    return page, source, [warning] if warning else []


def without_noscript(source: str) -> str:
    """The page without its <noscript> elements, whose content a browser running scripts reads as text up to
    '</noscript>' and never shows. Parsed as markup, an <iframe .../> in one (a tag manager's, closed by a
    slash that HTML ignores) takes the rest of the page as its text; the extractor drops a noscript anyway."""
    return _NOSCRIPT.sub(" ", source)


def _too_many_elements(cleaner: Cleaner, source: str, lang: str | None, site: str | None,
                       page_type: str) -> Result:
    """A page of more than MAX_ELEMENTS elements: its text, without a tree, as one paragraph."""
    why = f"page has more than {MAX_ELEMENTS:,} elements: main-text extraction and the HTML rules skipped"
    return _page_as_text(cleaner, source, lang, site, why, page_type)


def flatten(html: str) -> tuple[str, str | None]:
    """The page with the tags nested deeper than MAX_DEPTH dropped (their text stays), and a
    warning saying so; the page itself and None when it is not that deep (one quick count)."""
    if _peak_depth(_SCRIPT.sub(" ", html)) <= MAX_DEPTH:  # (a script's strings hold tags too)
        return html, None
    pieces, last, depth, deepest = [], 0, 0, 0
    for tag in _NESTING_TAG.finditer(html):
        if tag.group(1):  # an end tag (one closing nothing is left alone)
            if not depth:
                continue
            drop, depth = depth > MAX_DEPTH, depth - 1
        else:
            depth += 1
            deepest, drop = max(deepest, depth), depth > MAX_DEPTH
        if drop:
            pieces += (html[last:tag.start()], " ")
            last = tag.end()
    pieces.append(html[last:])
    return "".join(pieces), (f"page nested deeper than {MAX_DEPTH} elements ({deepest - MAX_DEPTH:,} levels "
                             "more): the deeper tags were dropped, their text kept")


def _peak_depth(html: str) -> int:
    """How deep the nesting tags go, counting an end tag that closes nothing as nothing (in C:
    the depth after each tag is the running sum of +1 and -1 less its running minimum)."""
    levels = list(accumulate(map(_STEP.__getitem__, _NESTING.findall(html)), initial=0))
    return max(map(sub, levels, accumulate(levels, min)))


def spared(page: Page, rules: list[Rule]) -> list[Kept]:
    """What the guards of the drop_element rules left in the page: prose blocks, leads called teasers."""
    ids = _rule_ids(rules)
    return [Kept(ids.get(selector, selector), f"kept {why}", text) for selector, why, text in page.spared]


def _rule_ids(rules: list[Rule]) -> dict[str, str]:
    return rules.ids if isinstance(rules, PageRules) else {rule.step.selector: rule.id for rule in _prunes(rules)}


def _prunes(rules: list[Rule]) -> list[Rule]:
    return rules.prunes if isinstance(rules, PageRules) else [rule for rule in rules if isinstance(rule.step, Prune)]


class PageRules(list):
    """The rules of a cleaner that run on a page of one site and type (a list), with what the HTML path asks of
    them worked out once: `page_rules` keeps them per cleaner, rather than sorting hundreds of rules per page."""

    def __init__(self, rules: list[Rule], source: list[Rule]) -> None:
        super().__init__(rules)
        self.source = source  # the cleaner's rules they were taken from
        self.prunes = [rule for rule in rules if isinstance(rule.step, Prune)]
        self.echoes = [rule for rule in rules if isinstance(rule.step, Echo)]
        self.ids = {rule.step.selector: rule.id for rule in self.prunes}


_PAGE_RULES: WeakKeyDictionary[Cleaner, dict[tuple[str | None, str], PageRules]] = WeakKeyDictionary()


def page_rules(cleaner: Cleaner, site: str | None, page_type: str) -> PageRules:
    """The cleaner's rules that run for `site` (None: rules scoped to no site) and `page_type`."""
    kept = _PAGE_RULES.setdefault(cleaner, {})
    found = kept.get((site, page_type))
    if found is None or found.source is not cleaner.rules:
        found = kept[site, page_type] = PageRules([
            rule for rule in cleaner.rules if (not rule.sites or site in rule.sites)
            and (not rule.page_types or page_type in rule.page_types)], cleaner.rules)
    return found


def restore_leads(text: str, page: Page, rules: list[Rule]) -> tuple[str, list[Kept]]:
    """`text` with each lead that a guard kept in the page and the extractor left out put back before
    the paragraph that follows it within LEAD_GAP characters."""
    keys = _key(text)
    leads = [(selector, lead) for selector, _, lead in page.spared if _key(lead) not in keys]
    if not leads or page.tree.body is None:
        return text, []
    body = text_of(page.tree.body)
    paragraphs = text.split("\n\n")
    starts = [body.find(" ".join(p.split())[:80]) for p in paragraphs]
    ids, put_back = _rule_ids(rules), []
    for selector, lead in leads:
        if (begin := body.find(lead)) < 0:
            continue
        end = begin + len(lead)
        after = [(start, i) for i, start in enumerate(starts) if start >= end]
        if after and min(after)[0] - end <= LEAD_GAP:
            index = min(after)[1]
            paragraphs.insert(index, lead)
            starts.insert(index, begin)
            put_back.append(Kept(ids.get(selector, selector), "matched a lead the extractor left out; put back", lead))
    return "\n\n".join(paragraphs), put_back


def reextract(source: str, url: str | None, text: str, removals: list[Removal],
              page_type: str = ARTICLE, as_was: str | None = None) -> tuple[str, list[Removal], list[str], list[Kept]]:
    """The text of the page as it was (`as_was`, when extracted already), without what the selectors
    removed, when it holds far more than `text` (the pruned page's); else `text`. Removals that held a
    large share of it are put back."""
    paragraphs = (extract(source, url, page_type) if as_was is None else as_was).split("\n\n")
    total = sum(map(len, paragraphs))
    keys = [_key(p) for p in paragraphs]
    hits = [[i for i, key in enumerate(keys) if key and key in _key(removal.text)] for removal in removals]
    by_rule: dict[str, set[int]] = {}
    for removal, found in zip(removals, hits, strict=True):
        by_rule.setdefault(removal.rule_id, set()).update(found)
    shares = {rule: sum(len(paragraphs[i]) for i in found) / total if total else 0.0 for rule, found in by_rule.items()}
    removed = [False] * len(paragraphs)
    kept, put_back, rules_back = [], [], set()
    for removal, found in zip(removals, hits, strict=True):
        if found and shares[removal.rule_id] >= WRAPPER_SHARE:  # content, not furniture: put back
            if removal.rule_id not in rules_back:
                rules_back.add(removal.rule_id)
                put_back.append(Kept(removal.rule_id, f"matched content ({shares[removal.rule_id]:.0%} of the "
                                                      "page's text), not furniture; put back", removal.text))
            continue
        for i in found:
            removed[i] = True
        kept.append(removal)
    again = "\n\n".join(p for p, gone in zip(paragraphs, removed, strict=True) if not gone and p)
    if len(again) <= GAIN * len(text):
        return text, removals, [], []
    return again, kept, [f"html: the pruned page gave {len(text)} characters of text; extracted again from the page "
                         f"as it was ({len(again)} characters without what the selectors removed)"], put_back


def misread(text: str, as_was: Callable[[], str]) -> bool:
    """Whether the text of the parsed copy holds a script tag (MISREAD) that the page as it was, extracted,
    does not: lxml read lexbor's copy of an element otherwise (an iframe left open in a noscript, whose
    raw text ran to the page's end, came back as the page's markup)."""
    return bool(MISREAD.search(text)) and not MISREAD.search(as_was())


def whole_page(source: str, url: str | None, text: str, removals: list[Removal],
               page_type: str = ARTICLE, as_was: str | None = None) -> tuple[str, list[Removal], list[str]]:
    """The text of the page as it was (`as_was`, when extracted already), nothing removed, when it is over
    WHOLE_GAIN times as long as `text` (with a warning); else `text` and its removals as they were."""
    whole = extract(source, url, page_type) if as_was is None else as_was
    if len(whole) <= WHOLE_GAIN * len(text):
        return text, removals, []
    return whole, [], [f"html: the pruned page gave {len(text)} characters of text, under {WRONG_BLOCK:.0%} of the "
                       f"page's; extracted again from the page as it was ({len(whole)} characters), nothing removed"]


def from_noscript(source: str, url: str | None, text: str, removals: list[Removal],
                  page_type: str = ARTICLE) -> tuple[str, list[Removal], list[str]]:
    """The text of the page as it was with its <noscript> elements' content in place, nothing removed, when they
    hold NOSCRIPT_CHARS or more and over WHOLE_GAIN times as much text as `text`, and that text is over WHOLE_GAIN
    times as long (with a warning): a page rendered by script that gives its content to readers without scripts
    there (Flarum), not a notice to turn scripts on."""
    if not _NOSCRIPT_TAG.search(source):  # (the common case, at once)
        return text, removals, []
    hidden = sum(len(" ".join(_TAG.sub(" ", element).split())) for element in _NOSCRIPT.findall(source))
    if hidden <= WHOLE_GAIN * len(text) or hidden < NOSCRIPT_CHARS:
        return text, removals, []
    whole = extract(_NOSCRIPT_TAG.sub(" ", source), url, page_type)
    if len(whole) <= WHOLE_GAIN * len(text):
        return text, removals, []
    return whole, [], [f"html: the page gave {len(text)} characters of text and its <noscript> elements held "
                       f"{hidden}; extracted again with their content in place ({len(whole)} characters), nothing removed"]


def still_in(kept: list[Kept], text: str) -> list[Kept]:
    """What a guard kept that is still in the cleaned text (a later text rule may have removed it)."""
    flat = " ".join(text.split())
    return [k for k in kept if " ".join(k.text.split()) in flat]


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


def prune(page: Page, rules: list[Rule]) -> list[Removal]:
    """Run the drop_element rules in order; one removal per element with text."""
    return [
        Removal(rule.id, rule.category, 0, text, element=element)
        for rule in _prunes(rules)
        for element, text in rule.step(page)
    ]


def extract(html: str, url: str | None, page_type: str = ARTICLE) -> str:
    """trafilatura's main text, one paragraph per block, with the options that serve the page type."""
    options = EXTRACT_OPTIONS | EXTRACT_BY_TYPE.get(page_type, {})
    text = trafilatura.extract(html, url=url, **options) if html.strip() else None
    text = text_blocks(text or "")
    return unquoted(text) if page_type == "forum" else text


def unquoted(text: str) -> str:
    """The text without the paragraphs of QUOTED_CHARS or more that repeat an earlier one (a quoted post)."""
    seen: set[str] = set()
    kept = []
    for paragraph in text.split("\n\n"):
        key = _key(paragraph)
        if len(key) >= QUOTED_CHARS and key in seen:
            continue
        seen.add(key)
        kept.append(paragraph)
    return "\n\n".join(kept)


def text_blocks(text: str) -> str:
    """trafilatura's lines as paragraphs, one per block, except a table's rows ('| a | b |'), which stay
    together, one line each, as the table they are."""
    blocks: list[str] = []
    for line in filter(str.strip, text.splitlines()):
        if line.startswith("|") and blocks and blocks[-1].startswith("|"):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return "\n\n".join(blocks)


def as_cards(source: str, text: str, page_type: str, body_chars: int, rules: list[Rule],
             clean: Callable[..., Result]) -> tuple[str, list[str]]:
    """The block text of the main region of the page as it was (cleaner.engine.cards) when it holds over CARD_GAIN
    times `text` (an article: its <main>, ARTICLE_GAIN times; a forum, FORUM_GAIN times), with a warning: a page
    of cards, whose entries the extractor left out; else `text`. Not on a product page, nor on a collection whose
    text holds PROSE_KEPT characters of prose, nor on an article whose region the text rules find a thread's
    comments."""
    if page_type in NOT_CARDS or body_chars <= CARD_GAIN * len(text):  # (the cheap test first)
        return text, []
    if page_type == "collection" and sum(len(p) for p in text.split("\n\n") if len(p) >= PROSE_CHARS) >= PROSE_KEPT:
        return text, []
    page = Page(source)
    prune(page, [rule for rule in rules if rule.category == "comments"])
    region = region_text(page, body=page_type != ARTICLE)
    if len(region) <= GAINS.get(page_type, CARD_GAIN) * len(text):
        return text, []
    if page_type == ARTICLE and thread_like((cleaned := clean(region, page_type=page_type)).removals, cleaned.text):
        return text, []
    return region, [f"html: the extracted text held {len(text)} characters, the page's main region {len(region)}: "
                    "a page of cards, the region's text taken"]


def add_declared(text: str, source: str, page_type: str) -> str:
    """A product page's text with the description of its structured data added when the text holds
    under DESCRIBED of its words."""
    if page_type != "product" or not (declared := declared_description(source)):
        return text
    described = " ".join(html_lib.unescape(_TAG.sub(" ", html_lib.unescape(declared))).split())
    words = described.casefold().split()
    present = set(text.casefold().split())
    if not words or sum(word in present for word in words) >= DESCRIBED * len(words):
        return text
    return f"{text}\n\n{described}" if text else described


def drop_echoes(text: str, echoes: list[tuple[Rule, str]]) -> tuple[str, list[Removal]]:
    """Drop the first paragraph equal to each echoed element's text (ignoring case and spacing)."""
    paragraphs = text.split("\n\n")
    keys = [_key(p) for p in paragraphs]
    removals = []
    for rule, echoed in echoes:
        if (key := _key(echoed)) in keys:
            index = keys.index(key)
            keys[index] = None
            removals.append(Removal(rule.id, rule.category, 0, paragraphs[index]))
    kept = [p for p, k in zip(paragraphs, keys, strict=True) if k is not None]
    return "\n\n".join(kept), removals


def headline(page: Page) -> str | None:
    """The page's headline: the longest h1 that is the main part of its title (og:title or <title>, less a
    site name after a separator); the only h1 of HEADLINE_WORDS words or more when the page has no title;
    else None (a site's logo in an h1)."""
    tree = page.tree
    titles = [node.attributes.get("content") or "" for node in tree.css('meta[property="og:title"]')]
    titles = [_main_part(t) for t in titles + [node.text() for node in tree.css("head title")] if t.strip()]
    heads = [text_of(node) for node in tree.css("h1")[:MAX_H1]]
    heads = [h for h in heads if len(h.split()) >= HEADLINE_WORDS and len(h) <= MAX_HEADLINE]
    if not titles:
        return heads[0] if len(heads) == 1 else None
    matches = [h for h in heads if any(_key(h) in t and len(_key(h)) * 2 >= len(t) for t in titles)]
    return max(matches, key=len, default=None)


def _main_part(title: str) -> str:
    """A title's longest part between separators ('Headline | Site' gives 'headline'), compared by _key."""
    return max(_TITLE_PARTS.split(_key(title)), key=len)


def with_headline(text: str, head: str | None) -> str:
    """`text` with the headline as its first paragraph (moved there if the extractor kept it elsewhere)."""
    if not head:
        return text
    key = _key(head)
    paragraphs = [p for p in text.split("\n\n") if _key(p) != key]
    return "\n\n".join([head, *paragraphs]) if any(p.strip() for p in paragraphs) else text


def page_text(html: str) -> str:
    """All the text of a page's body, one line."""
    body = Page(html).tree.body
    return text_of(body) if body is not None else ""


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def decode(data: bytes) -> str:
    """Bytes to text: a BOM, else strict UTF-8, else the declared charset, else charset_normalizer's guess."""
    # UTF-8 goes before the declaration: legacy-encoded text is practically never valid UTF-8,
    # while pages that declare latin-1 and send UTF-8 are common.
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = declared_charset(data)
    for encoding in filter(None, ("utf-8", declared)):
        try:
            return data.decode(encoding)
        except UnicodeError:  # (some codecs raise its base class)
            continue
    return _sniff(data) or data.decode(declared or "utf-8", errors="replace")


def declared_charset(data: bytes) -> str | None:
    """The charset named by a <meta> tag or XML declaration in the first 16 KB, if Python knows it."""
    match = _DECLARED.search(data[:16384])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return ("cp1252" if name in _AS_CP1252 else name) if _reads_ascii(name) else None


def _reads_ascii(encoding: str) -> bool:
    """Whether the encoding reads printable ASCII as ASCII: the declaration was read that way, so
    UTF-16, UTF-32, UTF-7 or EBCDIC cannot be the page's (WHATWG ignores them too), and codecs
    that are not text encodings (rot13, base64) cannot decode a page at all."""
    try:
        return _PRINTABLE.decode(encoding) == _PRINTABLE.decode("ascii")
    except (UnicodeError, LookupError):
        return False


def _sniff(data: bytes) -> str | None:
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else None
