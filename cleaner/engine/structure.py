"""HTML kinds that find furniture by the page's structure, not its class names: a caption is a short
text bound to an image, a related box a block of links with titles and no prose, a comment section a
run of sibling blocks of one shape, each with a date.

Each step is a Prune (the HTML path runs it with the selector rules, `explain` names the element it
removed) whose selector picks the candidates; the shape test decides. The guards of drop_element hold:
never body, never an element holding a large share of the page's text (see elements._is_wrapper)."""

from __future__ import annotations

import re
from functools import lru_cache
from statistics import median
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cleaner.engine.elements import Page, Prune, _inside, _is_wrapper, _NEVER, check_selector, describe, text_of

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

_IMAGES = "img, picture, video, svg"
_TEXT_BLOCKS = "figcaption, p, span, div, small, em, i, cite, td, dd, dt, li"
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PROSE_CHARS, _PROSE_WORDS = 60, 8  # as elements.PROSE_*: a paragraph of prose
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)]*$")
_DATE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[:./]\d{2}\b|\b\d+\s*(?:min|minutes?|hours?|days?|weeks?|months?)\b"
                   r"|\bago\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
_SENTENCES = re.compile(r"\w\w[.!?\u2026][\"'\u201d\u2019\u00bb)]*(?=\s+\W*[A-Z\u00c0-\u00de]|\s*$)")
_ICON = 48  # an image declared this many pixels wide or high, or less, is an icon, not a picture
# What a page declares its article (schema.org microdata; a microformats post, h-entry or hAtom's hentry, and its
# content) is content, whatever its shape: a live blog's entries, mostly links, are its text; a post that is one
# line and a PDF link is still the post. (lexbor's css also matches the element itself.)
_DECLARED_CONTENT = ("[itemtype*=Article i], [itemtype*=Posting i], [class~=hentry], [class~=h-entry], [class~=entry-content], "
                     "[class~=e-content]")


class Shaped(Prune):
    """Base of the shape kinds: remove each candidate the selector matches that has the shape. A Prune
    (its fields: the selector, no keep_prose, no links) with the kind's own options beside, in `options`."""

    options: tuple

    def __new__(cls, selector: str, *options: object) -> Shaped:
        self = super().__new__(cls, selector)
        self.options = options  # (a subclass of a NamedTuple without __slots__ has a __dict__)
        return self

    def __reduce__(self) -> tuple:
        return type(self), (self.selector, *self.options)

    def __call__(self, page: Page) -> list[tuple[str, str]]:
        removed: set[int] = set()
        texts: list[tuple[str, str]] = []
        for node in self.targets(page):
            if node.tag in _NEVER or node.mem_id in removed or _inside(node, removed) or _is_wrapper(node, page) \
                    or node.css_first(_DECLARED_CONTENT) is not None:
                continue
            removed.add(node.mem_id)
            if text := text_of(node):
                texts.append((describe(node), text))
            node.decompose()
        return texts

    def targets(self, page: Page) -> list[LexborNode]:
        """The elements to remove, in document order."""
        raise NotImplementedError


def _words(node: LexborNode, limit: int) -> int:
    """node's words, counted up to limit + 1 (a long text is not split whole to learn it is over the limit)."""
    return len(node.text(separator=" ").split(None, limit))


def _prose(text: str) -> bool:
    return len(text) >= _PROSE_CHARS and len(text.split()) >= _PROSE_WORDS and bool(_SENTENCE_END.search(text))


def _is_picture(image: LexborNode) -> bool:
    """False for an icon: an image declared at most _ICON pixels wide or high."""
    sizes = [image.attributes.get(a) or "" for a in ("width", "height")]
    return not any(s.isdigit() and int(s) <= _ICON for s in sizes)


def _holds(node: LexborNode, selector: str) -> bool:
    """True when an element inside node (not node itself, which lexbor's css also matches) matches."""
    return any(found.mem_id != node.mem_id for found in node.css(selector))


class Captions(Shaped):
    """Short text blocks in the small container of an image (see drop_caption)."""

    def targets(self, page: Page) -> list[LexborNode]:
        (max_words,) = self.options
        found: dict[int, LexborNode] = {}
        for image in page.tree.css(self.selector):
            if not _is_picture(image) or image.parent is None or _in_data_table(image):
                continue
            box = _small_box(image, max_words)
            if box is None:
                continue
            for block in box.css(_TEXT_BLOCKS):
                if _caption_like(block, max_words):
                    found.setdefault(block.mem_id, block)
        return list(found.values())


def _in_data_table(image: LexborNode) -> bool:
    """True when the image sits in a table of more than two rows (data with pictures, not a picture with a
    cell under it)."""
    node = image.parent
    while node is not None and node.tag != "table":
        node = node.parent
    return node is not None and len(node.css("tr")) > 2


def _small_box(image: LexborNode, max_words: int) -> LexborNode | None:
    """The largest ancestor of the image (up to four levels) holding at most max_words of text and no
    heading, skipping a paragraph the image sits in; None when even its parent holds more."""
    box, node = None, image.parent
    for _ in range(4):
        if node is None or node.tag in _NEVER or _words(node, max_words) > max_words or node.css_first("h1, h2, h3, h4, h5, h6"):
            break
        if node.tag != "p":
            box = node
        node = node.parent
    return box


def _caption_like(block: LexborNode, max_words: int) -> bool:
    """A block of 1..max_words words with no image or block inside it, not a list of links, nor prose of
    two sentences or more (a lead or a description beside its picture, not a caption)."""
    words = _words(block, max_words)
    if not 1 <= words <= max_words or _holds(block, f"{_IMAGES}, p, div, ul, ol, table"):
        return False
    text = text_of(block)
    if _prose(text) and len(_SENTENCES.findall(text)) >= 2:
        return False
    linked = sum(len(text_of(a)) for a in block.css("a"))
    return block.tag == "figcaption" or linked < 0.5 * len(text_of(block))


class LinkBlocks(Shaped):
    """Containers whose text is mostly links with titles, and no prose (see drop_link_block)."""

    def targets(self, page: Page) -> list[LexborNode]:
        min_links, min_title_words, min_share = self.options
        site = _site(page)
        out, taken, texts = [], set(), {}
        counts = _titled_links(page, texts, min_title_words)
        for node in page.tree.css(self.selector):
            links, short = counts.get(node.mem_id, _NO_LINKS)
            if links < min_links or 2 * short > links or _inside(node, taken):  # (see _titled_links)
                continue
            if _link_block(node, site, min_links, min_title_words, min_share, texts):
                taken.add(node.mem_id)
                out.append(node)
        return out


def _site(page: Page) -> str | None:
    """The page's own host (without www.), from its canonical link or og:url; None when it names neither."""
    for selector, attribute in (("link[rel=canonical]", "href"), ("meta[property='og:url']", "content")):
        node = page.tree.css_first(selector)
        if node is not None and (host := _host(node.attributes.get(attribute) or "")):
            return host
    return None


@lru_cache(maxsize=4096)  # (a link is looked at once for each container around it)
def _host(href: str) -> str:
    host = urlsplit(href).hostname if href.startswith(("http:", "https:", "//")) else None
    return host.removeprefix("www.") if host else ""


def _same_site(links: list[LexborNode], site: str | None) -> bool:
    """True when most links lead to the page's own site: relative, or to its host (any host when unknown)."""
    hosts = [_host(a.attributes.get("href") or "") for a in links]
    return sum(not host or site is None or host == site or host.endswith("." + site) for host in hosts) * 2 > len(hosts)


def _link_block(node: LexborNode, site: str | None, min_links: int, min_title_words: float, min_share: float,
                texts: dict[int, str]) -> bool:
    """At least min_links links, most to the same site, their text min_title_words words long at the median,
    min_share of the text in links, and no paragraph of prose outside a link (`texts`: the links' text by
    node, kept over the page's containers)."""
    pairs = [(a, _link_text(a, texts)) for a in node.css("a")]
    links, titles = [a for a, t in pairs if t], [t for _, t in pairs if t]
    if len(links) < min_links or not _same_site(links, site):
        return False
    text = text_of(node)
    if median(len(t.split()) for t in titles) < min_title_words:
        return False
    if sum(map(len, titles)) < min_share * len(text):
        return False
    return not any(_prose(text_of(p)) and not p.css_first("a") for p in node.css("p"))


_NO_LINKS = (0, 0)


def _titled_links(page: Page, texts: dict[int, str], min_title_words: float) -> dict[int, list[int]]:
    """Element (mem_id) -> [links with text in it, itself included, as its css("a") finds them; those of them
    of under `min_title_words` words], from one pass up from each link of the page rather than a query per
    container (`texts` gets the links' text). When over half of a container's links are short, the median of
    their word counts is short too (an odd number of them: the middle one; even: both middle ones)."""
    counts: dict[int, list[int]] = {}
    for link in page.tree.css("a"):
        if not (text := _link_text(link, texts)):
            continue
        mark, node = len(text.split()) < min_title_words, link
        while node is not None:
            if (count := counts.get(node.mem_id)) is None:
                count = counts[node.mem_id] = [0, 0]
            count[0] += 1
            count[1] += mark
            node = node.parent
    return counts


def _link_text(link: LexborNode, texts: dict[int, str]) -> str:
    if (text := texts.get(link.mem_id)) is None:
        text = texts[link.mem_id] = text_of(link)
    return text


class CommentRuns(Shaped):
    """Runs of sibling blocks of one shape, each dated, after the article (see drop_comment_run)."""

    def targets(self, page: Page) -> list[LexborNode]:
        min_run, min_words = self.options
        out, taken = [], set()
        for parent in page.tree.css(self.selector):
            if _inside(parent, taken):
                continue
            kids = _one_shape(parent, min_run)
            if kids and _comment_run(kids, min_run, min_words):
                taken.add(parent.mem_id)
                out.append(parent)
        return out


def _one_shape(parent: LexborNode, min_run: int) -> list[LexborNode] | None:
    """parent's element children when they are min_run or more of one tag and class, else None (the tags
    compared first, as they come: most containers hold children of several tags)."""
    kids, tag = [], None
    for kid in parent.iter():
        if not (name := kid.tag) or name.startswith(("-", "_")):
            continue
        if name != tag and tag is not None:
            return None
        tag = name
        kids.append(kid)
    if len(kids) < min_run:
        return None
    first = kids[0].attributes.get("class") or ""
    return kids if all((kid.attributes.get("class") or "") == first for kid in kids) else None


def _comment_run(kids: list[LexborNode], min_run: int, min_words: int) -> bool:
    """min_run or more children of one tag and class, each with a date and min_words words, one with prose."""
    if len(kids) < min_run or len({(k.tag, k.attributes.get("class") or "") for k in kids}) != 1:
        return False
    texts = [text_of(k) for k in kids]
    if not all(len(t.split()) >= min_words and _DATE.search(t) for t in texts):
        return False
    return any(_prose(text_of(p)) for k in kids for p in k.css("p")) and not any(k.css_first("h1") for k in kids)


def drop_caption(*, selector: str = "img, picture", max_words: int = 40) -> Captions:
    """Removes captions by their shape: short text blocks (at most max_words words, no block inside) in the
    smallest container of a picture (not an icon) that holds at most max_words words and no heading."""
    if max_words < 1:
        raise ValueError(f"option 'max_words' must be at least 1, got {max_words}")
    return Captions(check_selector(selector), max_words)


def drop_link_block(*, selector: str = "ul, ol, div, section, aside", min_links: int = 3,
                    min_title_words: float = 4.0, min_link_share: float = 0.8) -> LinkBlocks:
    """Removes blocks of links to other pages of the site by their shape: at least min_links links, most of them
    to the page's own site (its canonical or og:url host; relative links), whose text is min_title_words words at
    the median (titles, not menu words), min_link_share of the block's text in links, no prose."""
    if min_links < 1 or not 0 < min_link_share <= 1:
        raise ValueError("options 'min_links' must be at least 1 and 'min_link_share' in (0, 1]")
    return LinkBlocks(check_selector(selector), min_links, min_title_words, min_link_share)


def drop_comment_run(*, selector: str = "ol, ul, div, section", min_run: int = 3, min_words: int = 8) -> CommentRuns:
    """Removes comment sections by their shape: a container of min_run or more children of one tag and class,
    each dated (a date, a time or 'ago') with min_words words, at least one of them prose."""
    if min_run < 2:
        raise ValueError(f"option 'min_run' must be at least 2, got {min_run}")
    return CommentRuns(check_selector(selector), min_run, min_words)


_HEADINGS_CSS = "h1, h2, h3, h4, h5, h6"
_INLINE = frozenset({"a", "span", "time", "b", "strong", "em", "i", "small", "abbr", "cite", "font", "u"})
_TEXT_PARENTS = frozenset({"p", "li", "td", "dd", "dt", "blockquote", "figcaption", "label", "q"})
_NO_BYLINE = frozenset({"article", "main", "table", "tbody", "thead", "tr"})  # a byline's element is never one of these
_ZONE_NODES = 400  # the header zone ends this many elements after its start at the latest
_DATELINE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d{2}\b")
_TEXT_TAGS = frozenset({"p", "div", "span", "li", "small", "em", "time", "address", "dd"})


class Bylines(Shaped):
    """Short elements near the headline holding an author or a date (see drop_byline)."""

    def targets(self, page: Page) -> list[LexborNode]:
        max_words, openers = self.options
        zone = _header_zone(page)
        ids = {node.mem_id for node in zone}
        opening = _opening(openers)
        seeds = [node for node in page.tree.css(self.selector) if node.mem_id in ids and not _duration(node)]
        seeds += [node for node in zone if node.tag in _TEXT_TAGS and _text_byline(node, max_words, opening)]
        found: dict[int, LexborNode] = {}
        for seed in seeds:
            block = _byline_block(seed, max_words)
            if block is not None:
                found.setdefault(block.mem_id, block)
        return [node for node in found.values() if not _inside(node, set(found))]  # the outermost of nested ones


@lru_cache(maxsize=16)
def _opening(openers: str) -> re.Pattern | None:
    """The pattern of a text opening with one of the '|'-separated words, then a space and more."""
    words = [w.strip() for w in openers.split("|") if w.strip()]
    return re.compile(rf"^(?:{'|'.join(re.escape(w) for w in words)})\s*:?\s+\S", re.I) if words else None


def _headline_node(page: Page) -> LexborNode | None:
    """The article's h1 (one inside article or main first) of two words or more; None without one."""
    for selector in ("article h1, main h1", "h1"):
        for node in page.tree.css(selector):
            if len(text_of(node).split()) >= 2:
                return node
    return None


def _header_zone(page: Page, prose_after: int = 2) -> list[LexborNode]:
    """The elements near the headline, in document order: from the start of the headline's grandparent to the
    second paragraph of prose after the headline (the lead or dek, then the body), at most _ZONE_NODES."""
    head = _headline_node(page)
    body = page.tree.body
    if head is None or body is None:
        return []
    start = head.parent.parent if head.parent is not None and head.parent.parent is not None else head
    zone: list[LexborNode] = []
    started = after = False
    prose = 0
    for node in body.traverse():
        started = started or node.mem_id == start.mem_id
        if not started:
            continue
        after = after or node.mem_id == head.mem_id
        if after and node.tag == "p" and _prose(text_of(node)):
            prose += 1
            if prose >= prose_after:
                break
        zone.append(node)
        if len(zone) >= _ZONE_NODES:
            break
    return zone


def _duration(node: LexborNode) -> bool:
    """A time element holding a duration (datetime 'PT15M': a recipe's cooking time), not a date."""
    return node.tag == "time" and (node.attributes.get("datetime") or "").upper().startswith("P")


def _text_byline(node: LexborNode, max_words: int, opening: re.Pattern | None) -> bool:
    """A short element, no block inside, that opens with a byline word ('By', 'Posted') or is a date, not a sentence."""
    if not 1 <= _words(node, max_words) <= max_words:
        return False
    text = text_of(node)
    if _SENTENCE_END.search(text) or _holds(node, "p, div, li, " + _HEADINGS_CSS):
        return False
    return bool(opening is not None and opening.search(text)) or (bool(_DATELINE.search(text)) and _date_alone(text))


def _date_alone(text: str) -> bool:
    """True when a text is a date and little else: at most two words left once the date's parts (numbers, month
    names, 'ago' and units of time) are taken out ('Le 06 Novembre 2019', 'Updated 2:30 PM')."""
    rest = _DATE.sub(" ", text)
    return len([w for w in re.split(r"[\W\d_]+", rest) if w]) <= 2


def _byline_block(seed: LexborNode, max_words: int) -> LexborNode | None:
    """The largest element around seed of at most max_words words and no heading (the byline's own element);
    None when that sits inside running text (a link or a date in a sentence) or is prose."""
    block, node = None, seed
    while node is not None and node.tag not in _NEVER and node.tag not in _NO_BYLINE \
            and _words(node, max_words) <= max_words and not node.css_first(_HEADINGS_CSS):
        block, node = node, node.parent
    if block is None or not text_of(block) or node is None:
        return None
    if block.tag in _INLINE and (node.tag in _TEXT_PARENTS or _has_own_text(node)):
        return None
    return None if _prose(text_of(block)) and _SENTENCE_END.search(text_of(block)) else block


def _has_own_text(node: LexborNode) -> bool:
    """True when node holds text of its own (a text child beyond whitespace and punctuation), as a sentence does."""
    return any(kid.tag in ("-text", "_text") and any(c.isalpha() for c in kid.text()) for kid in node.iter(include_text=True))


def drop_byline(*, selector: str = "[rel~=author], time, address, [itemprop~=author], [itemprop~=datePublished], "
                "[itemprop~=dateModified]", max_words: int = 15, openers: str = "") -> Bylines:
    """Removes bylines and datelines in their own elements near the headline (between the headline's container
    and the second paragraph of prose after it): the largest element of at most max_words words and no heading
    around a match of selector, or a short element opening with one of openers ('by|posted') or holding only
    a date; never one inside running text."""
    if max_words < 1:
        raise ValueError(f"option 'max_words' must be at least 1, got {max_words}")
    return Bylines(check_selector(selector), max_words, openers)


class OutsideBlocks(Shaped):
    """Link-dense containers and ad labels outside the page's main block (see drop_outside_main)."""

    def targets(self, page: Page) -> list[LexborNode]:
        min_links, max_title_words, min_share, labels = self.options
        main = _main_block(page)
        if main is None:
            return []
        keep = _lineage(main)
        ad_label = _label_pattern(labels)
        out, texts = [], {}
        passed = {main.mem_id}  # main and what is taken: an element inside one is passed over (one walk up)
        for node in page.tree.css(self.selector):
            if node.mem_id in keep or _inside(node, passed):
                continue
            if _menu(node, min_links, max_title_words, min_share, texts) or \
                    (ad_label is not None and _labelled(node, *ad_label) and not node.css_first(_IMAGES)):
                passed.add(node.mem_id)
                out.append(node)
        return out


def _main_block(page: Page, share: float = 0.6) -> LexborNode | None:
    """The deepest element holding `share` of the characters of the page's prose paragraphs; None without prose."""
    by_parent: dict[int, list] = {}  # a prose paragraph's parent -> [characters of its prose paragraphs, parent]
    total = 0
    for p in page.tree.css("p"):
        if not _prose(text := text_of(p)):
            continue
        total += len(text)
        if (parent := p.parent) is not None:
            by_parent.setdefault(parent.mem_id, [0, parent])[0] += len(text)
    chars: dict[int, int] = {}
    nodes: dict[int, tuple[int, LexborNode]] = {}
    for held_chars, parent in by_parent.values():  # (each parent's ancestors walked once, not once a paragraph)
        chain = []
        node = parent
        while node is not None and node.tag not in ("html", None):
            chain.append(node)
            node = node.parent
        for depth, ancestor in enumerate(reversed(chain)):
            chars[ancestor.mem_id] = chars.get(ancestor.mem_id, 0) + held_chars
            nodes[ancestor.mem_id] = (depth, ancestor)
    held = [nodes[i] for i, c in chars.items() if total and c >= share * total]
    return max(held, key=lambda pair: pair[0])[1] if held else None


def _lineage(node: LexborNode) -> set[int]:
    """node and its ancestors."""
    ids = set()
    while node is not None:
        ids.add(node.mem_id)
        node = node.parent
    return ids


@lru_cache(maxsize=16)
def _label_pattern(labels: str) -> tuple[re.Pattern, int] | None:
    """An element's whole text being one of the '|'-separated labels (an ad slot's 'Advertisement'), and how many
    words the longest label has."""
    words = [w.strip() for w in labels.split("|") if w.strip()]
    if not words:
        return None
    return re.compile(rf"(?:{'|'.join(re.escape(w) for w in words)})\W*", re.I), max(len(w.split()) for w in words)


_WORD_CHAR = re.compile(r"\w")


def _labelled(node: LexborNode, pattern: re.Pattern, most: int) -> bool:
    """node's whole text (spaces collapsed) matches the label pattern; its text is not built when something past
    its first `most` words holds a word character (the pattern allows only non-word characters after a label)."""
    parts = node.text(separator=" ").split(None, most)
    if len(parts) > most and _WORD_CHAR.search(parts[most]):
        return False
    return bool(pattern.fullmatch(text_of(node)))


def _menu(node: LexborNode, min_links: int, max_title_words: float, min_share: float, texts: dict[int, str]) -> bool:
    """min_links links or more, min_share of the text in them, their text max_title_words words or fewer at the median
    (menu words, not titles), no paragraph of prose."""
    titles = [t for a in node.css("a") if (t := _link_text(a, texts))]
    if len(titles) < min_links or median(len(t.split()) for t in titles) > max_title_words:
        return False
    if sum(map(len, titles)) < min_share * len(text_of(node)):
        return False
    return not any(_prose(text_of(p)) for p in node.css("p"))


def drop_outside_main(*, selector: str = "nav, header, footer, aside, ul, ol, div, section, table", min_links: int = 4,
                      max_title_words: float = 3.0, min_link_share: float = 0.7, labels: str = "") -> OutsideBlocks:
    """Removes navigation, footers and ad slots outside the page's main block (the deepest element holding most of
    its prose): containers of min_links links or more, min_link_share of their text in links whose text is
    max_title_words words or fewer at the median, no prose; and elements whose whole text is one of labels
    ('advertisement|anzeige'), no picture in them."""
    if min_links < 1 or not 0 < min_link_share <= 1:
        raise ValueError("options 'min_links' must be at least 1 and 'min_link_share' in (0, 1]")
    return OutsideBlocks(check_selector(selector), min_links, max_title_words, min_link_share, labels)
