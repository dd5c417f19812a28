"""Page types: what kind of page a document is (an article, a forum thread, a product, ...), from
what the page says of itself (schema.org types in JSON-LD or microdata, og:type), the URL's shape
and its structure (repeated post blocks, code blocks). Rules say which page types they apply to."""

from __future__ import annotations

import re

import regex
from collections.abc import Iterator
from typing import NamedTuple

PAGE_TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")
ARTICLE = "article"

# schema.org types (JSON-LD @type, microdata itemtype) and og:type values that name a page type, in
# the order they decide: a thread or a manual that also calls itself an Article is a thread or a
# manual; an article reviewing a Product is an article. Types that every site carries (WebSite,
# Organization, WebPage, BreadcrumbList) and FAQPage's Question/Answer say nothing and are not listed.
DECLARED = (
    ("forum", ("DiscussionForumPosting", "QAPage")),
    ("documentation", ("TechArticle", "APIReference")),
    ("collection", ("CollectionPage", "OfferCatalog", "og:product.group", "og:product:group")),
    ("article", ("Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle", "OpinionNewsArticle",
                 "ReportageNewsArticle", "AnalysisNewsArticle", "LiveBlogPosting", "Recipe")),
    ("product", ("Product", "ProductGroup", "IndividualProduct", "ProductModel", "og:product",
                 "og:product.item")),
)
_LD_TYPE = re.compile(r'"@type"\s*:\s*(\[[^\]]{0,300}\]|"[^"]{1,80}")')
# (regex, not re: re scans a case-insensitive pattern character by character, 2 ms on a large page)
_ITEMTYPE = regex.compile(r'itemtype\s*=\s*["\']https?://schema\.org/(\w+)', regex.I)
_OG_TYPE = re.compile(r'<meta[^>]+property\s*=\s*["\']og:type["\'][^>]*>', re.I)
_CONTENT = re.compile(r'content\s*=\s*["\']([^"\']{1,40})["\']', re.I)
# The URL's path: words that name a kind of page (shop, forum and documentation software's own). Not
# 'department': a city's or a university's office as often as a shop's aisle.
URL_SHAPES = (
    ("forum", re.compile(r"/(?:forums?|threads?|topics?|t|d|questions|community|discussions?|boards?|comments)"
                         r"(?:/|\.php|$)|showthread|viewtopic|/thread-\d", re.I)),
    ("documentation", re.compile(r"/(?:docs?|documentation|api|reference|manual|guides?|tutorials?|kb|book|"
                                 r"knowledge-?base|wiki|man|quickstart|getting-started|glossary)(?:/|$)", re.I)),
    ("product", re.compile(r"/(?:products?|p|dp|item|pr)/[^/]+", re.I)),
    ("collection", re.compile(r"/(?:collections?|categor(?:y|ies)|product-category|shop|store|browse|"
                              r"c|cp|b)(?:/|$)", re.I)),
)
_HOSTS = (("forum", re.compile(r"^(?:forums?|community|discuss|discourse)\.", re.I)),
          ("documentation", re.compile(r"^(?:docs?|developers?|devdocs|wiki|help|support|learn)\.|readthedocs", re.I)))
# A documentation site's own host names the page whatever its path says: a docs site's /topics/ section
# is no forum (docs.djangoproject.com). Not developer., help. or support.: such hosts hold forums too.
_DOCS_HOST = re.compile(r"^docs?\.|readthedocs", re.I)
# A site's home page (no path, or only a language or region: /en/, /en-us/) introduces the site.
_HOME = re.compile(r"^/?(?:[a-z]{2}(?:[-_][a-z]{2})?/?)?(?:index\.\w+)?$", re.I)
# A path through what a business, a city or a school offers: its services, solutions, capabilities, a city's
# departments, a school's programs (a whole segment: a slug such as 'writing-services-packages' is no
# section). Only for a page that declares no type. Chosen on half 0 of wcxb-dev's sites: 12 service pages
# and one article (on it, both cleanings score the same); not 'service' (news sections of German sites in
# traf-dev) nor 'features' (news sections).
_SERVICE_PATH = re.compile(r"/(?:services|solutions|departments?|what-we-do|capabilities|expertise|platform|"
                           r"pricing|programs)(?:/|\.html?$|$)", re.I)


class PageType(NamedTuple):
    """A page type and the evidence for it (for explain)."""

    name: str
    why: str


def declared_names(html: str) -> set[str]:
    """The schema.org types a page gives itself (JSON-LD @type, microdata) and its og:type as 'og:value'."""
    names: set[str] = set()
    for match in _LD_TYPE.finditer(html):
        names.update(name.rsplit("/", 1)[-1] for name in re.findall(r'"([^"]+)"', match.group(1)))
    names.update(_ITEMTYPE.findall(html))
    for tag in _OG_TYPE.findall(html[:200_000]):
        if content := _CONTENT.search(tag):
            names.add("og:" + content.group(1).strip().lower())
    return names


def declared_type(html: str) -> PageType | None:
    """The page type the page declares (DECLARED, first match; between a collection and a product, the one its
    og:type names), if any."""
    names = declared_names(html)
    found = [(kind, hits) for kind, types in DECLARED if (hits := sorted(names.intersection(types)))]
    if not found:
        return None
    kind, hits = found[0]
    if kind == "collection" and not _og(hits):  # (a product's JSON-LD may hold its shop's OfferCatalog)
        kind, hits = next(((k, h) for k, h in found if k == "product" and _og(h)), (kind, hits))
    return PageType(kind, f"declared {', '.join(hits)}")


def _og(names: list[str]) -> bool:
    """Whether one of the declared names is an og:type: one per page, naming the page itself."""
    return any(name.startswith("og:") for name in names)


def url_type(url: str | None) -> PageType | None:
    """The page type the URL's shape names, if any."""
    if not url:
        return None
    host, _, path = re.sub(r"^[a-z]+://", "", url, flags=re.I).partition("/")
    path = re.split(r"[?#]", path, maxsplit=1)[0]
    if _DOCS_HOST.search(host):
        return PageType("documentation", f"URL host {host!r}")
    for kind, shape in URL_SHAPES:
        if found := shape.search("/" + path):
            return PageType(kind, f"URL path {found.group(0)!r}")
    for kind, shape in _HOSTS:
        if shape.search(host):
            return PageType(kind, f"URL host {host!r}")
    if _HOME.match(path):
        return PageType("service", "URL of a home page")
    if found := _SERVICE_PATH.search("/" + path):
        return PageType("service", f"URL path {found.group(0)!r}")
    return None


# A documentation site's host (docs., developer.) or a /docs/ path outweighs an Article the page declares:
# documentation software marks every page an Article (developer.android.com's guides), while a news or
# blog URL's /guides/ or /glossary/ section is articles (on wcxb-dev: 3 documentation pages, no article).
_DOCS_URL = re.compile(r"^(?:docs?|developers?|devdocs)\.|readthedocs|/(?:docs?|documentation)(?:/|$)", re.I)


def detect(html: str, url: str | None = None) -> PageType:
    """The page's type: what it declares, else its URL's shape, else an article."""
    declared = declared_type(html)
    if declared and declared.name == ARTICLE and url and _DOCS_URL.search(re.sub(r"^[a-z]+://", "", url, flags=re.I)):
        return PageType("documentation", f"URL of documentation ({declared.why}, as documentation software does)")
    return declared or url_type(url) or PageType(ARTICLE, "nothing says otherwise")


def check_page_type(name: object) -> str:
    """`name` when it is a page type; ValueError naming the known ones otherwise."""
    if isinstance(name, str) and name.lower() in PAGE_TYPES:
        return name.lower()
    raise ValueError(f"unknown page type {name!r}; the page types are {', '.join(PAGE_TYPES)}")


_LD_SCRIPT = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script\s*>", re.I | re.S)


def declared_description(html: str, types: tuple[str, ...] = ("Product", "ProductGroup")) -> str:
    """The longest `description` of a JSON-LD node of one of `types` (a product's own text), or ''."""
    import json

    found = [""]
    for block in _LD_SCRIPT.findall(html):
        try:
            data = json.loads(block)
        except ValueError:
            continue
        found += [node["description"] for node in _nodes(data) if _is_a(node, types)
                  and isinstance(node.get("description"), str)]
    return max(found, key=len).strip()


def _nodes(data: object) -> list[dict]:
    """Every JSON object in `data`, nested ones included."""
    if isinstance(data, list):
        return [node for item in data for node in _nodes(item)]
    if isinstance(data, dict):
        return [data] + [node for value in data.values() for node in _nodes(value)]
    return []


def _is_a(node: dict, types: tuple[str, ...]) -> bool:
    kind = node.get("@type")
    return any(k in types for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str))


# Text mode (no markup): a page's type from its lines. A forum thread shows its posts' furniture (who
# wrote, when they registered, how many posts they have, 'X wrote:', 'Quote') from its first lines on; a
# listing is all entries, each under a byline, a date or an age ('By Jane Smith', 'Updated Mar 8, 2026',
# 'Mar 7, 2026 | 4 min read', '13 hours ago'), from its top to its end. Either needs an entry near the top with no article before it: when unsure, an
# article (whose rules remove more). The vocabulary is forum and blog software's own, shared by many sites.
_POST_META = regex.compile(
    r"(?i)^(?:(?:registered|joined|join date|posts|messages|reputation|reaction score|likes received|points|"
    r"karma|member since|threads)\s*:?\s*(?:\d[\d,.]*|[a-z]{3,9}\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})"
    r"|.{1,40}\swrote:|quote|reply|report|offline|online|last edited by .{1,80}|#\d{1,4}"
    r"|(?:senior |junior |new |active |well-known |registered |forum )?(?:member|moderator|administrator))$")
_ENTRY_META = regex.compile(
    r"(?i)^(?-i:(?:by|By|BY|edited by|Edited by)\s+\p{Lu}[\p{L}\p{M}.'’-]+(?:\s+\S+){0,6})"
    r"|^(?:(?:updated|posted|published|added)\s*(?:on|:)?\s*)?(?:\d{1,2}\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}"
    r"(?:\s*[|·•]\s*\d{1,3}\s*min(?:ute)?s?\s+read)?$"
    r"|^(?:\d{1,2}|an?)\s+(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?)\s+ago$")
MIN_ENTRIES = 5  # post or entry furniture lines a thread or a listing shows at least
MAX_WORDS_BEFORE = 60  # words of prose before the first one: more is an article's body
MAX_WORDS_BETWEEN = 200  # words of prose between two: more is an article's body, or a long post
# A page that is all entries (a list of names, a shop's cards, a directory): its characters lie in short
# lines (titles, prices, dates, labels), under MAX_PROSE_SHARE of them in lines of prose (PROSE_CHARS or
# more after their indent, a paragraph in any script, or a sentence of eight words or more), over at
# least MIN_CARD_LINES lines and MIN_CARD_CHARS characters (a short text, such as a failed extraction,
# says nothing). Chosen on half 0 of wcxb-dev's sites: its index and shop pages lie under 12%, the
# menu-heavy articles of AEB and traf-dev that come closest at 16% to 18%.
PROSE_CHARS = 80
MAX_PROSE_SHARE = 0.12
MIN_CARD_LINES, MIN_CARD_CHARS = 20, 1000
_PROSE_LINE = re.compile(r"^[ \t]*(?:\S[^\n]{%d,}|(?:\S+[ \t]+){7,}\S*[.!?。！？][\"'”’)]*[ \t]*)$" % (PROSE_CHARS - 1), re.M)


# A shop's page. A product's buy box, short lines in shop software's own words ('Add to cart', 'In stock',
# 'Size guide', 'Free shipping'), or the headings of its specification alone on their line ('Product details',
# 'Dimensions', 'Care instructions', 'Fabric composition'), comes before MAX_WORDS_BEFORE words of prose: an
# article's deal box comes after its body. A shop's collection shows MIN_PRICES cards or more, each with its
# price alone on a line ('$599', 'or $49.91/mo.', '19,90 €'), in a text of under MAX_SHOP_PROSE of its
# characters in prose lines (an article about prices has its paragraphs). Chosen on wcxb-dev (text of every
# page type, both scrapers): of its article, service, forum and documentation pages they name three (a deals
# article, a price list and a documentation page under 'Specifications', on block text), of AEB's and
# traf-dev's none.
_SHOP_LINE = regex.compile(
    r"(?i)^(?=.{1,40}$)(?:add to (?:cart|bag|basket|trolley|wish ?list)|buy (?:it )?now|in stock|out of stock|sold out|"
    r"quantity|qty|sku\b|size guide|select (?:a )?size|free (?:shipping|delivery|returns)|"
    r"shipping (?:&|and) returns|notify me when available|pre-?order"
    r"|(?:product (?:details|description|specifications|information)|specifications|dimensions|care instructions|"
    r"(?:fabric|material) composition)\s*:?$)")
_PRICE_LINE = regex.compile(
    r"(?i)^\W{0,3}(?:(?:from|or|now|was|only|sale|price:?)\s*)?(?:[$€£¥₹]\s?\d[\d,.]*|"
    r"\d[\d,.]*\s?(?:€|EUR|USD|GBP|kr|zł)|(?:EUR|USD|GBP|CHF)\s?\d[\d,.]*)(?:\s*(?:/\s?mo\.?|each))?\W{0,3}$")
MIN_PRICES = 10
MAX_SHOP_PROSE = 0.30


def text_type(text: str) -> PageType | None:
    """A forum thread, a listing, a shop's collection or a product told from plain text (see _POST_META,
    _ENTRY_META, _SHOP_LINE, all_entries), else None."""
    share = _prose_share(text)  # (for priced_cards and all_entries: most texts need it)
    if cards := priced_cards(text, share):
        return cards
    kinds = _kinds_at_the_top(text)  # the cheap first test: most articles show none before their body
    if kinds:
        lines = [line.strip().lstrip("-*•· ") for line in text.splitlines() if line.strip()]
        for kind, meta in kinds:
            if kind == "product":
                line = next(line for line in lines if len(line) <= 120 and meta.match(line))
                return PageType(kind, f"a shop's line before the text's prose: {line!r}")
            hits = [i for i, line in enumerate(lines) if len(line) <= 120 and meta.match(line)
                    and not (kind == "forum" and _ranked_card(lines, i))]
            if len(hits) >= MIN_ENTRIES and _from_the_top(lines, hits, spread=kind == "listing"):
                return PageType(kind, f"{len(hits)} {kind} entry lines from the top, such as {lines[hits[0]]!r}")
    return letter_index(text) or alphabetical_index(text, share) or all_entries(text, share)


def priced_cards(text: str, share: float | None = None) -> PageType | None:
    """A shop's collection: MIN_PRICES lines that are a price alone, little prose (see _PRICE_LINE);
    `share`: the text's _prose_share, when known."""
    share = _prose_share(text) if share is None else share
    if share >= MAX_SHOP_PROSE or sum(map(text.count, "$€£¥₹")) + text.count("EUR") + text.count("GBP") < MIN_PRICES:
        return None  # (the cheap tests: most texts have more prose, or name fewer prices)
    prices = sum(1 for line in text.splitlines() if len(line) <= 60 and _PRICE_LINE.match(line.strip()))
    if prices < MIN_PRICES:
        return None
    return PageType("collection", f"{prices} lines that are a price alone, {share:.0%} of the text in lines of prose")


# A shop's best-seller rank ('#1' over a product's name, rating and price) looks like a thread's post number: a
# '#N' line with a price alone on a line within CARD_LINES lines after it is a ranked card, not a post.
_RANK = re.compile(r"#\d{1,4}")
CARD_LINES = 6


def _ranked_card(lines: list[str], index: int) -> bool:
    """Whether lines[index] is a rank over a priced card ('#1', a name, its stars, '$11.99'): see _RANK."""
    return bool(_RANK.fullmatch(lines[index])) and any(
        len(line) <= 60 and _PRICE_LINE.match(line) for line in lines[index + 1:index + 1 + CARD_LINES])


_KINDS = (("forum", _POST_META), ("listing", _ENTRY_META), ("product", _SHOP_LINE))
_EITHER = regex.compile("|".join(f"(?:{meta.pattern.removeprefix('(?i)')})" for _, meta in _KINDS), regex.I)


def _kinds_at_the_top(text: str) -> list[tuple[str, regex.Pattern]]:
    """The kinds (forum, listing, product) of which a post, entry or shop line comes before MAX_WORDS_BEFORE
    words of prose: the others cannot pass _from_the_top, and a product's buy box sits there."""
    words, found = 0, [False] * len(_KINDS)
    for raw in _lines(text):
        line = raw.strip().lstrip("-*•· ")
        if len(line) <= 120 and _EITHER.match(line):  # (one match for all, on most lines none)
            for k, (_, meta) in enumerate(_KINDS):
                found[k] = found[k] or bool(meta.match(line))
            if all(found):
                break
        count = len(line.split())
        words += count if count >= 8 else 0
        if words > MAX_WORDS_BEFORE:
            break
    return [kind for kind, hit in zip(_KINDS, found) if hit]


def _lines(text: str) -> Iterator[str]:
    """text.splitlines(), one line at a time: most texts are told from their first few lines."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        yield from line.splitlines() or (line,)  # (a '\r' or another line break inside: as splitlines)
        start = end + 1


def _prose_share(text: str) -> float:
    """The share of the text's characters in lines of prose (_PROSE_LINE); first, cheaply, of those in
    lines of PROSE_CHARS or more (a part of them), which settles most texts (an article's paragraphs)."""
    if not text:
        return 0.0
    share = sum(len(line) for line in text.splitlines()
                if len(line) >= PROSE_CHARS and len(line.lstrip(" \t")) >= PROSE_CHARS) / len(text)
    return share if share >= MAX_PROSE_SHARE else sum(map(len, _PROSE_LINE.findall(text))) / len(text)


def all_entries(text: str, share: float | None = None) -> PageType | None:
    """A listing when the text is all entries (see MAX_PROSE_SHARE): a long text of short lines, with
    no prose run; a menu-heavy article still has its paragraphs. `share`: its _prose_share, when known."""
    share = _prose_share(text) if share is None else share
    if share >= MAX_PROSE_SHARE or len(text) < MIN_CARD_CHARS:
        return None
    lines = sum(1 for line in text.splitlines() if line.strip())
    if lines < MIN_CARD_LINES:
        return None
    return PageType("listing", f"{lines} lines, {share:.0%} of the text in lines of prose: all entries")


def _from_the_top(lines: list[str], hits: list[int], spread: bool) -> bool:
    """The entries start before MAX_WORDS_BEFORE words of prose and run on to the document's last third;
    `spread`: at most half the prose lies in stretches of over MAX_WORDS_BETWEEN words without one (an
    article's body with a byline above it and a few in related links below it; a post's furniture
    is no article's, so a thread of long posts needs no such check)."""
    bounds = [0, *hits, len(lines)]
    prose = [sum(len(line.split()) for line in lines[a:b] if len(line.split()) >= 8) for a, b in zip(bounds, bounds[1:])]
    long_stretches = sum(words for words in prose if words > MAX_WORDS_BETWEEN)
    return prose[0] <= MAX_WORDS_BEFORE and hits[-1] >= len(lines) * 2 // 3 \
        and (not spread or long_stretches * 2 <= sum(prose))


# An index under letter headings: lines that hold a capital letter alone, in alphabetical order ('A', 'C',
# 'D', ...), with entries between them (a directory, a glossary, a wiki's category page). An A to Z menu
# has its letters side by side, with no entry between any two.
# (stdlib re finds the lines of one letter of any case fast from their line break, the text given one before
# its first line; the capitals among them are counted after)
_LETTER_LINE = re.compile(r"\n[ \t]*([^\W\d_])[ \t]*(?=[\r\n]|$)")
MIN_LETTERS = 5  # letter headings in order, at least
MIN_FILLED = 2  # of them with an entry before the next, at least


def letter_index(text: str) -> PageType | None:
    """A listing when MIN_LETTERS letter headings or more stand in alphabetical order, MIN_FILLED or more
    of them followed by an entry (see _LETTER_LINE)."""
    if sum(1 for letter in _LETTER_LINE.findall("\n" + text) if letter.isupper()) < MIN_LETTERS:  # (most texts have none)
        return None
    run, filled, entry, previous = 0, 0, False, ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if len(line) > 1 or not line.isupper():
            entry = True
            continue
        run, filled = (run + 1, filled + entry) if run and line > previous else (1, 0)
        previous, entry = line, False
        if run >= MIN_LETTERS and filled >= MIN_FILLED:
            return PageType("listing", f"{run} letter headings in alphabetical order, with entries under them")
    return None


# An index in alphabetical order: MIN_INDEX or more adjacent short lines, each a name or a title that
# starts with a letter ('Apartment', 'Bar/Social Club', 'Beach House', ...; an entry's own bulleted
# detail lines may stand between them), holding more characters than the text's prose: an award's
# categories, a directory, a shop's departments. An article's sorted link list (its site's cities,
# states or tags) comes under a body longer than itself. On half 0 of wcxb-dev's sites, of the texts with
# such a run, a listing holds 3.6 times its prose's characters in it, a collection has no prose, the
# articles show no such run. Checked on half 1: listings and collections 1.9 times or more, articles (and
# AEB's and traf-dev's texts) at most 0.72 times.
MIN_INDEX = 8
INDEX_CHARS = 80  # an entry is a name or a title, not a paragraph
_INDEX_KEY = regex.compile(r"^[\W_]+")
_BULLETED = regex.compile(r"^[-*•·] ")


def alphabetical_index(text: str, share: float | None = None) -> PageType | None:
    """A listing when its longest alphabetical run (see MIN_INDEX) holds more characters than its
    prose, in a text of MIN_CARD_CHARS or more (a shorter one says nothing); `share`: the text's
    _prose_share, when known."""
    if len(text) < MIN_CARD_CHARS:
        return None
    prose = (_prose_share(text) if share is None else share) * len(text)
    if _short_chars(text) <= prose:  # (the cheap test: no run can hold more than all short lines)
        return None
    entries, chars = _longest_index(text)
    if entries < MIN_INDEX or chars <= prose:
        return None
    return PageType("listing", f"{entries} lines in alphabetical order, more text than its prose")


def _short_chars(text: str) -> int:
    """At least the characters of the text's lines of at most INDEX_CHARS, stripped (those an index's run can
    hold): the text's characters less those of its longer lines."""
    return len(text) - sum(size for line in text.splitlines()
                           if (size := len(line)) > INDEX_CHARS and len(line.strip()) > INDEX_CHARS)


def _longest_index(text: str) -> tuple[int, int]:
    """The number of entries and characters of the text's longest run of lines in alphabetical order."""
    best, run, chars, previous = (0, 0), 0, 0, None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or (run and _BULLETED.match(line)):
            continue  # (an entry's details)
        key = _INDEX_KEY.sub("", line).casefold()
        if len(line) > INDEX_CHARS or "|" in line or not key[:1].isalpha() or line[-1] in ".!?。！？":
            run, chars, previous = 0, 0, None
            continue
        run, chars = (run + 1, chars + len(line)) if previous is not None and key >= previous else (1, len(line))
        previous = key
        best = max(best, (run, chars))
    return best
